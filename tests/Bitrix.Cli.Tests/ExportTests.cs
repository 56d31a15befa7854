using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bitrix.Cli.Tests;

public class ExportTests(PortalFixture portal) : IClassFixture<PortalFixture>
{
    [Theory]
    [InlineData("auto")]
    [InlineData("parallel")]
    [InlineData("chained")]
    [InlineData("offset")]
    public async Task The_csv_holds_exactly_the_emulator_rows_the_filter_selects(string strategy)
    {
        using var folder = new TempFolder();
        var file = folder.File("deals.csv");

        var run = await Cli.RunAsync("export", "--webhook", portal.Webhook, "--out", file, "--strategy", strategy,
            "--filter", ">=OPPORTUNITY=20000", "--filter", "!STAGE_ID=LOSE", "--select", "TITLE,STAGE_ID,OPPORTUNITY,DATE_CREATE,CONTACT_IDS");

        Assert.Equal(0, run.ExitCode);
        var rows = await portal.RowsAsync("crm.deal");
        var expected = rows.Values
            .Where(r => decimal.Parse((string)r["OPPORTUNITY"]!, CultureInfo.InvariantCulture) >= 20000m && (string?)r["STAGE_ID"] != "LOSE")
            .OrderBy(r => long.Parse((string)r["ID"]!, CultureInfo.InvariantCulture))
            .ToList();
        Assert.InRange(expected.Count, 50, 290);

        var lines = ReadCsv(await File.ReadAllTextAsync(file));
        Assert.Equal(["ID", "TITLE", "STAGE_ID", "OPPORTUNITY", "DATE_CREATE", "CONTACT_IDS"], lines[0]);
        Assert.Equal(expected.Count, lines.Count - 1);
        for (var i = 0; i < expected.Count; i++)
        {
            var row = expected[i];
            var cells = lines[i + 1];
            Assert.Equal((string)row["ID"]!, cells[0]);
            Assert.Equal((string)row["TITLE"]!, cells[1]);
            Assert.Equal((string)row["STAGE_ID"]!, cells[2]);
            Assert.Equal(decimal.Parse((string)row["OPPORTUNITY"]!, CultureInfo.InvariantCulture), decimal.Parse(cells[3], CultureInfo.InvariantCulture));
            Assert.Equal(DateTimeOffset.Parse((string)row["DATE_CREATE"]!, CultureInfo.InvariantCulture), DateTimeOffset.Parse(cells[4], CultureInfo.InvariantCulture));
            Assert.Equal(string.Join("; ", (row["CONTACT_IDS"] as JsonArray ?? []).Select(v => v!.ToString())), cells[5]);
        }

        Assert.Contains($"exported {expected.Count} deals to {file}", run.Console, StringComparison.Ordinal);
        Assert.False(File.Exists(file + ".partial"));
    }

    [Fact]
    public async Task The_jsonl_holds_one_typed_object_per_emulator_row()
    {
        using var folder = new TempFolder();
        var file = folder.File("contacts.jsonl");

        var run = await Cli.RunAsync("export", "-w", portal.Webhook, "-o", file, "-e", "contact", "-s", "NAME,LAST_NAME,PHONE,EMAIL,COMPANY_ID", "-f", ">ID=10");

        Assert.Equal(0, run.ExitCode);
        var expected = (await portal.RowsAsync("crm.contact")).Where(p => p.Key > 10).OrderBy(p => p.Key).Select(p => p.Value).ToList();
        var lines = (await File.ReadAllLinesAsync(file)).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal(expected.Count, lines.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var row = expected[i];
            var line = lines[i];
            Assert.Equal(["ID", "NAME", "LAST_NAME", "PHONE", "EMAIL", "COMPANY_ID"], line.Select(p => p.Key));
            Assert.Equal(JsonValueKind.Number, line["ID"]!.GetValueKind());
            Assert.Equal((string)row["ID"]!, line["ID"]!.ToJsonString());
            Assert.Equal((string?)row["NAME"], (string?)line["NAME"]);
            Assert.Equal((string?)row["LAST_NAME"], (string?)line["LAST_NAME"]);
            Assert.Equal(Values(row["PHONE"]), Values(line["PHONE"]));
            Assert.Equal(Values(row["EMAIL"]), Values(line["EMAIL"]));
        }
    }

    [Fact]
    public async Task Max_stops_the_export_and_the_typed_fields_are_the_default_columns()
    {
        using var folder = new TempFolder();
        var file = folder.File("deals.csv");

        var run = await Cli.RunAsync("export", "-w", portal.Webhook, "-o", file, "--max", "120", "--no-progress");

        Assert.Equal(0, run.ExitCode);
        var lines = ReadCsv(await File.ReadAllTextAsync(file));
        Assert.Equal(121, lines.Count);
        Assert.Equal("ID", lines[0][0]);
        Assert.Contains("OPPORTUNITY", lines[0]);
        Assert.Contains("DATE_CREATE", lines[0]);
        var ids = await portal.Emulator.GetIdsAsync("crm.deal");
        Assert.Equal(ids.Take(120).Select(i => i.ToString(CultureInfo.InvariantCulture)), lines.Skip(1).Select(l => l[0]));
        Assert.StartsWith("exported 120 deals", run.Console, StringComparison.Ordinal);
    }

    private static string[] Values(JsonNode? multifield)
        => multifield is JsonArray list ? [.. list.Select(e => (string)e!["VALUE"]!)] : [];

    /// <summary>An RFC 4180 reader: quoted fields may hold commas, quotes (doubled) and line breaks.</summary>
    private static List<string[]> ReadCsv(string text)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                fields.Add(field.ToString());
                field.Clear();
                records.Add([.. fields]);
                fields.Clear();
                i++;
            }
            else
            {
                Assert.NotEqual('\n', c);
                field.Append(c);
            }
        }

        Assert.Empty(fields);
        return records;
    }
}
