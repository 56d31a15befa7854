using System.Text.Json.Nodes;
using Bitrix.Export.Writers;

namespace Bitrix.Cli.Tests;

public class CsvTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("", "")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\r\nlines", "\"two\r\nlines\"")]
    [InlineData("line\nfeed", "\"line\nfeed\"")]
    [InlineData(" padded", "\" padded\"")]
    [InlineData("Сделка — №1", "Сделка — №1")]
    public void Fields_are_quoted_as_rfc_4180_says(string field, string expected)
        => Assert.Equal(expected, CsvRowWriter.Quote(field));

    [Fact]
    public void Typed_values_read_as_cell_text()
    {
        Assert.Equal("", CellText.Of(null));
        Assert.Equal("37", CellText.Of(JsonValue.Create(37L)));
        Assert.Equal("19999.99", CellText.Of(JsonValue.Create(19999.99m)));
        Assert.Equal("Y", CellText.Of(JsonValue.Create("Y")));
        Assert.Equal("2024-09-02T18:37:18+02:00", CellText.Of(JsonValue.Create("2024-09-02T18:37:18+02:00")));
        Assert.Equal("+7 900 000-00-01; +7 900 000-00-02", CellText.Of(JsonNode.Parse("""[{"ID":1,"VALUE":"+7 900 000-00-01","VALUE_TYPE":"WORK"},{"ID":2,"VALUE":"+7 900 000-00-02","VALUE_TYPE":"MOBILE"}]""")));
        Assert.Equal("3; 5", CellText.Of(JsonNode.Parse("[3,5]")));
        Assert.Equal("""{"a":1}""", CellText.Of(JsonNode.Parse("""{"a":1}""")));
    }

    [Fact]
    public async Task A_written_file_has_a_header_crlf_lines_and_quoted_fields()
    {
        using var stream = new MemoryStream();
        var writer = new CsvRowWriter(stream, ["ID", "TITLE", "PHONE"]);
        await writer.WriteHeaderAsync();
        await writer.WriteRowAsync(new JsonObject { ["ID"] = 1, ["TITLE"] = "Acme, \"Inc\"", ["PHONE"] = JsonNode.Parse("""[{"VALUE":"1"},{"VALUE":"2"}]""") });
        await writer.WriteRowAsync(new JsonObject { ["ID"] = 2 });
        await writer.DisposeAsync();

        Assert.Equal("ID,TITLE,PHONE\r\n1,\"Acme, \"\"Inc\"\"\",1; 2\r\n2,,\r\n", System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    [Fact]
    public async Task A_jsonl_file_has_one_object_per_line_with_every_column()
    {
        using var stream = new MemoryStream();
        var writer = new JsonlRowWriter(stream, ["ID", "TITLE"]);
        await writer.WriteRowAsync(new JsonObject { ["ID"] = 1, ["TITLE"] = "Сделка \"1\"" });
        await writer.WriteRowAsync(new JsonObject { ["ID"] = 2 });
        await writer.DisposeAsync();

        Assert.Equal("{\"ID\":1,\"TITLE\":\"Сделка \\\"1\\\"\"}\n{\"ID\":2,\"TITLE\":null}\n", System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }
}
