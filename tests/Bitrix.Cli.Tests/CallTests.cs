using System.Text.Json.Nodes;

namespace Bitrix.Cli.Tests;

public class CallTests(PortalFixture portal) : IClassFixture<PortalFixture>
{
    [Fact]
    public async Task A_list_call_prints_the_result_as_json()
    {
        // The newest five deals: the IDs have holes, so the bound is looked up, not counted.
        var bound = (await portal.Emulator.GetIdsAsync("crm.deal"))[^6];
        var run = await Cli.RunAsync("call", "crm.deal.list", $"filter[>ID]={bound}", "select[]=ID", "select[]=TITLE", "--webhook", portal.Webhook);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Error);
        var rows = await portal.RowsAsync("crm.deal");
        var expected = new JsonArray([.. rows.Where(r => r.Key > bound).OrderBy(r => r.Key).Select(r => (JsonNode)new JsonObject { ["ID"] = (string)r.Value["ID"]!, ["TITLE"] = (string)r.Value["TITLE"]! })]);
        Assert.Equal(5, expected.Count);
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(run.Out)), run.Out);
    }

    [Fact]
    public async Task Json_arguments_and_typed_values_reach_the_portal()
    {
        var added = await Cli.RunAsync("call", "crm.deal.add", """{"fields":{"TITLE":"From the command line"}}""", "fields[OPPORTUNITY]:=1234.5", "-w", portal.Webhook);
        Assert.Equal(0, added.ExitCode);
        var id = long.Parse(added.Out.Trim(), System.Globalization.CultureInfo.InvariantCulture);

        var row = (await portal.Emulator.GetRowsAsync("crm.deal", [id])).Single();
        Assert.Equal("From the command line", (string?)row["TITLE"]);
        Assert.Equal(1234.5m, decimal.Parse((string)row["OPPORTUNITY"]!, System.Globalization.CultureInfo.InvariantCulture));

        var got = await Cli.RunAsync(["call", "crm.deal.get", $"id={id}", "--envelope"], interactive: false, new Dictionary<string, string> { ["BITRIX_WEBHOOK"] = portal.Webhook });
        Assert.Equal(0, got.ExitCode);
        var envelope = JsonNode.Parse(got.Out)!;
        Assert.Equal("From the command line", (string?)envelope["result"]!["TITLE"]);
        Assert.NotNull(envelope["time"]!["duration"]);
    }

    [Fact]
    public async Task Scope_and_methods_tell_what_the_webhook_may_call()
    {
        var scope = await Cli.RunAsync("call", "scope", "--webhook", portal.Webhook);
        var methods = await Cli.RunAsync("call", "methods", "scope=crm", "--webhook", portal.Webhook);

        Assert.Equal(0, scope.ExitCode);
        Assert.Equal(["crm", "department", "task", "user"], JsonNode.Parse(scope.Out)!.AsArray().Select(v => (string)v!));
        Assert.Equal(0, methods.ExitCode);
        var names = JsonNode.Parse(methods.Out)!.AsArray().Select(v => (string)v!).ToList();
        Assert.Contains("crm.deal.list", names);
        Assert.All(names, n => Assert.StartsWith("crm.", n, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_portal_error_is_one_line_and_exit_code_1()
    {
        var run = await Cli.RunAsync("call", "crm.deal.get", "id=999999", "-w", portal.Webhook);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Out);
        Assert.Single(run.Error.TrimEnd().Split('\n'));
        Assert.StartsWith("bitrix: the portal answered", run.Error, StringComparison.Ordinal);
    }
}
