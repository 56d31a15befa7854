using System.Net;
using System.Net.Sockets;

namespace Bitrix.Cli.Tests;

/// <summary>Every failure: one line on standard error, a non-zero exit code, no stack trace, nothing left behind.</summary>
public class ErrorTests(PortalFixture portal) : IClassFixture<PortalFixture>
{
    public static TheoryData<string[], string> Cases => new()
    {
        { ["export", "-o", "OUT", "--webhook", "not a url"], "bitrix: the webhook is not an http(s) URL" },
        { ["export", "-o", "OUT", "--webhook", "https://example.bitrix24.com/rest/"], "bitrix: 'https://example.bitrix24.com/rest/***' is not a webhook URL: expected https://PORTAL/rest/USER_ID/CODE/." },
        { ["export", "-o", "OUT"], "bitrix: no portal given: pass --webhook" },
        { ["export", "-o", "OUT", "--entity", "invoice", "-w", "WEBHOOK"], "bitrix: Argument 'invoice' not recognized. Must be one of: 'deal' 'lead' 'contact' 'company'" },
        { ["export", "-o", "OUT", "--select", "TITEL", "-w", "WEBHOOK"], "bitrix: unknown field 'TITEL' in --select: crm.deal.fields has no such field (did you mean 'TITLE'?)" },
        { ["export", "-o", "OUT", "--filter", "NOPE=1", "-w", "WEBHOOK"], "bitrix: unknown field 'NOPE' in --filter: crm.deal.fields has no such field" },
        { ["export", "-o", "OUT", "--select", "TITEL,OPORTUNITY,ID,STAGEID", "-w", "WEBHOOK"], "bitrix: 3 unknown fields (in --select: 'TITEL' (did you mean 'TITLE'?), 'OPORTUNITY' (did you mean 'OPPORTUNITY'?), 'STAGEID' (did you mean 'STAGE_ID'?)): crm.deal.fields has no such fields" },
        { ["export", "-o", "OUT", "--select", "TITEL", "--filter", "NOPE=1", "-w", "WEBHOOK"], "bitrix: 2 unknown fields (in --filter: 'NOPE'; in --select: 'TITEL' (did you mean 'TITLE'?)): crm.deal.fields has no such fields" },
        { ["export", "-o", "OUT", "--filter", "ID>5", "-w", "WEBHOOK"], "bitrix: --filter 'ID>5': the operator goes before the field: '>ID=5'" },
        { ["export", "-o", "OUT", "--max", "0", "-w", "WEBHOOK"], "bitrix: --max must be at least 1" },
        { ["export", "-o", "OUT", "--bogus"], "bitrix: Unrecognized command or argument '--bogus'." },
        { ["export", "-w", "WEBHOOK"], "bitrix: Option '--out' is required." },
        { ["export", "-o", "/nonexistent-folder/deals.csv", "-w", "WEBHOOK"], "bitrix: cannot write /nonexistent-folder/deals.csv: " },
        { ["export", "-o", "OUT", "-w", "BADCODE"], "bitrix: the portal answered INVALID_CREDENTIALS (HTTP 401): Invalid request credentials" },
        { ["call", "crm.deal.lst", "-w", "WEBHOOK"], "bitrix: the portal answered ERROR_METHOD_NOT_FOUND (HTTP 404): Method not found!" },
        { ["call", "crm.deal.get", "id", "-w", "WEBHOOK"], "bitrix: parameter 'id': expected key=value" },
        { ["call", "crm.deal.list", "-w", "UNREACHABLE"], "bitrix: cannot reach the portal: Connection refused (127.0.0.1:" },
        { ["export", "-o", "OUT", "-w", "UNREACHABLE"], "bitrix: cannot reach the portal: Connection refused (127.0.0.1:" },
        { ["schema", "pull", "-e", "crm.nothing", "-w", "WEBHOOK", "-o", "DIR"], "bitrix: unknown entity 'crm.nothing': the portal has no method crm.nothing.fields" },
        { ["schema", "pull", "-e", "crm.item", "-w", "WEBHOOK", "-o", "DIR"], "bitrix: crm.item: its catalog depends on parameters (entityTypeId) that schema pull does not take" },
        { ["schema", "pull", "-e", "crm.deal", "-w", "BADCODE", "-o", "DIR"], "bitrix: the portal answered INVALID_CREDENTIALS (HTTP 401)" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_failure_is_one_line_on_stderr_and_a_non_zero_exit_code(string[] args, string line)
    {
        using var folder = new TempFolder();
        var unreachable = $"http://127.0.0.1:{FreePort()}/rest/1/code/";
        var badCode = portal.Webhook.Replace("/rest/1/", "/rest/1/x", StringComparison.Ordinal);
        var actual = args.Select(a => a switch
        {
            "WEBHOOK" => portal.Webhook,
            "BADCODE" => badCode,
            "UNREACHABLE" => unreachable,
            "OUT" => folder.File("out.csv"),
            "DIR" => folder.Path,
            _ => a,
        }).ToArray();

        var run = await Cli.RunAsync(actual);

        Assert.NotEqual(0, run.ExitCode);
        // Retries of a transient failure are announced before it; the failure itself is one line.
        var failure = Assert.Single(run.Error.TrimEnd('\n').Split('\n'), l => !l.StartsWith("bitrix: retry ", StringComparison.Ordinal));
        Assert.StartsWith(line, failure, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.All, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", run.All, StringComparison.Ordinal);
        Assert.DoesNotContain(badCode, run.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(folder.Path));
    }

    [Theory]
    [InlineData("export", "crm.deal.fields")]
    [InlineData("call", "crm.deal.list")]
    public async Task A_refused_connection_announces_each_retry_with_its_reason_and_attempt_before_the_error(string command, string method)
    {
        using var folder = new TempFolder();
        var unreachable = $"http://127.0.0.1:{FreePort()}/rest/1/code/";
        string[] args = command == "export" ? ["export", "-o", folder.File("out.csv"), "-w", unreachable] : ["call", method, "-w", unreachable];

        var run = await Cli.RunAsync(args);

        var lines = run.Error.TrimEnd('\n').Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith($"bitrix: retry 1 of 1 in ", lines[0], StringComparison.Ordinal);
        Assert.Contains($": {method} failed (TRANSPORT_FAILURE: ", lines[0], StringComparison.Ordinal);
        Assert.Contains("Connection refused (127.0.0.1:", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("bitrix: cannot reach the portal: Connection refused (127.0.0.1:", lines[1], StringComparison.Ordinal);
        Assert.DoesNotContain("/rest/1/code/", run.Error, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
