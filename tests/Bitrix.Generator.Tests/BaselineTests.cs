using Microsoft.CodeAnalysis.CSharp;

namespace Bitrix.Generator.Tests;

/// <summary>
/// The generated text of every shipped schema, compared with the files under Baselines/.
/// Run with <c>BITRIX_UPDATE_BASELINES=1</c> to rewrite them after an intended change, then review the diff.
/// </summary>
public class BaselineTests
{
    private static readonly bool Update = Environment.GetEnvironmentVariable("BITRIX_UPDATE_BASELINES") == "1";

    public static TheoryData<string> HintNames()
    {
        var data = new TheoryData<string>();
        foreach (var name in GeneratorHarness.Run(GeneratorHarness.ShippedSchemas()).Sources.Keys.Order(StringComparer.Ordinal))
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(HintNames))]
    public void Generated_source_matches_its_baseline(string hintName)
    {
        var source = GeneratorHarness.Run(GeneratorHarness.ShippedSchemas()).Sources[hintName];
        Compare(hintName, source);
    }

    [Fact]
    public void Entry_points_for_CSharp_13_are_extension_methods()
    {
        var source = GeneratorHarness.Run(GeneratorHarness.ShippedSchemas(), version: LanguageVersion.CSharp13).Sources["BitrixApi.g.cs"];
        Compare("BitrixApi.CSharp13.g.cs", source);
    }

    [Fact]
    public void Every_baseline_file_is_still_generated()
    {
        var generated = GeneratorHarness.Run(GeneratorHarness.ShippedSchemas()).Sources.Keys.Append("BitrixApi.CSharp13.g.cs").ToHashSet();
        var stale = Directory.GetFiles(BaselineDirectory, "*.g.cs").Select(Path.GetFileName).Where(f => !generated.Contains(f!)).ToList();
        if (Update)
        {
            stale.ForEach(f => File.Delete(Path.Combine(BaselineDirectory, f!)));
            return;
        }

        Assert.Empty(stale);
    }

    private static string BaselineDirectory => Path.Combine(GeneratorHarness.TestsDirectory, "Baselines");

    private static void Compare(string fileName, string actual)
    {
        var path = Path.Combine(BaselineDirectory, fileName);
        actual = actual.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (Update)
        {
            Directory.CreateDirectory(BaselineDirectory);
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"No baseline {fileName}: run the tests with BITRIX_UPDATE_BASELINES=1 and review the new file.");
        var expected = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);
        if (expected != actual)
        {
            var expectedLines = expected.Split('\n');
            var actualLines = actual.Split('\n');
            var line = Enumerable.Range(0, Math.Min(expectedLines.Length, actualLines.Length)).FirstOrDefault(i => expectedLines[i] != actualLines[i], Math.Min(expectedLines.Length, actualLines.Length));
            Assert.Fail($"{fileName} differs from its baseline at line {line + 1}:\n  expected: {expectedLines.ElementAtOrDefault(line)}\n  actual:   {actualLines.ElementAtOrDefault(line)}\nRun with BITRIX_UPDATE_BASELINES=1 to accept the change.");
        }
    }
}
