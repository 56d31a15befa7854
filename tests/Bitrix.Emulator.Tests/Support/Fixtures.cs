namespace Bitrix.Emulator.Tests.Support;

/// <summary>The read-only fixtures of <c>tests/fixtures</c> (captured answers, documented catalogs), copied next to the test assembly.</summary>
internal static class Fixtures
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "fixtures");

    /// <summary>The <c>response</c> of a captured real answer: one envelope or a list of envelopes.</summary>
    public static JsonNode RealResponse(string name) => Load(Path.Combine("real-responses", name + ".json"))["response"]!;

    /// <summary>The <c>request</c> recorded with a captured answer, when there is one.</summary>
    public static JsonNode? RealRequest(string name) => Load(Path.Combine("real-responses", name + ".json"))["request"];

    /// <summary>The <c>result</c> of a documented <c>*.fields</c> answer.</summary>
    public static JsonObject DocsFields(string method) => Load(Path.Combine("docs-fields", method + ".json"))["result"]!.AsObject();

    private static JsonNode Load(string relative)
    {
        var path = Path.Combine(Root, relative);
        Assert.True(File.Exists(path), $"fixture {path} is missing: the fixtures are copied from tests/fixtures at build time");
        return JsonNode.Parse(File.ReadAllText(path))!;
    }
}
