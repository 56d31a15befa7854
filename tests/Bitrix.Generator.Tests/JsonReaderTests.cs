using Bitrix.Generator.Json;

namespace Bitrix.Generator.Tests;

/// <summary>The generator's in-house JSON reader: strict values, positions for diagnostics.</summary>
public class JsonReaderTests
{
    [Fact]
    public void Values_keep_their_line_and_column()
    {
        var root = JsonReader.Parse("{\r\n  \"a\": 1,\r\n  // a comment\r\n  \"b\": [true, null, \"x\\u0041\\n\"],\r\n  /* block\r\n */ \"c\": { \"d\": -1.5e3 },\r\n}");

        Assert.Equal((2, 3), (root.Find("a")!.Line, root.Find("a")!.Column));
        var b = root.Get("b")!;
        Assert.Equal((4, 8), (b.Line, b.Column));
        Assert.Equal([JsonKind.True, JsonKind.Null, JsonKind.String], b.Items.Select(i => i.Kind));
        Assert.Equal("xA\n", b.Items[2].Text);
        Assert.Equal((6, 5), (root.Find("c")!.Line, root.Find("c")!.Column));
        Assert.Equal("-1.5e3", root.Get("c")!.Get("d")!.Text);
    }

    [Theory]
    [InlineData("{\"a\": 01}", 1, 8)]
    [InlineData("{\"a\": tru}", 1, 7)]
    [InlineData("{\"a\" 1}", 1, 6)]
    [InlineData("{\n\"a\": \"unterminated\n}", 2, 19)]
    [InlineData("[1 2]", 1, 4)]
    [InlineData("{} {}", 1, 4)]
    [InlineData("{\"a\": \"\\q\"}", 1, 9)]
    public void Errors_point_at_their_place(string text, int line, int column)
    {
        var e = Assert.Throws<JsonSyntaxException>(() => JsonReader.Parse(text));

        Assert.Equal((line, column), (e.Line, e.Column));
    }

    [Fact]
    public void Deep_nesting_is_an_error_not_a_stack_overflow()
    {
        Assert.Throws<JsonSyntaxException>(() => JsonReader.Parse(new string('[', 10_000)));
    }
}
