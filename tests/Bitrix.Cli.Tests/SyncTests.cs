using System.Text.Json.Nodes;
using Bitrix.Emulator;

namespace Bitrix.Cli.Tests;

/// <summary><c>bitrix sync</c> over runs against a loopback emulator of its own.</summary>
public sealed class SyncTests : IAsyncLifetime
{
    private BitrixEmulator _emulator = null!;

    public async Task InitializeAsync()
        => _emulator = await BitrixEmulator.StartAsync(new EmulatorOptions { Deals = 3_000, Contacts = 10, Companies = 10, LatencyScale = 0, BucketCapacity = 100_000, Seed = 3 });

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task The_first_run_exports_later_runs_append_changes_and_deletions_and_the_state_follows()
    {
        using var folder = new TempFolder();
        var state = folder.File("deals.state.json");
        var output = folder.File("deals.jsonl");
        var webhook = _emulator.WebhookUrl.ToString();

        var first = await Cli.RunAsync("sync", "--entity", "deal", "--state", state, "--out", output, "--webhook", webhook);
        Assert.True(first.ExitCode == 0, first.Error);
        var lines = await File.ReadAllLinesAsync(output);
        var ids = await _emulator.GetIdsAsync("crm.deal");
        Assert.Equal(ids, lines.Select(l => long.Parse((string)JsonNode.Parse(l)!["ID"]!, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.True(File.Exists(state));
        Assert.False(File.Exists(state + ".tmp"));

        await using var client = new BitrixClient(new HttpClient(), webhook);
        await client.CallRawAsync("crm.deal.update", new JsonObject { ["id"] = ids[10], ["fields"] = new JsonObject { ["TITLE"] = "edited" } });
        await client.CallRawAsync("crm.deal.delete", new JsonObject { ["id"] = ids[20] });

        var second = await Cli.RunAsync("sync", "--entity", "deal", "--state", state, "--out", output, "--webhook", webhook);
        Assert.True(second.ExitCode == 0, second.Error);
        var appended = (await File.ReadAllLinesAsync(output)).Skip(lines.Length).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(2, appended.Count);
        Assert.Equal("edited", (string?)appended[0]["TITLE"]);
        Assert.Equal(ids[20], (long)appended[1]["deleted"]!);

        // Nothing changed since: the third run appends nothing new but rows repeated from the
        // second the previous read began, and no deletion twice.
        var third = await Cli.RunAsync("sync", "--entity", "deal", "--state", state, "--out", output, "--webhook", webhook);
        Assert.True(third.ExitCode == 0, third.Error);
        var again = (await File.ReadAllLinesAsync(output)).Skip(lines.Length + appended.Count).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.DoesNotContain(again, l => l["deleted"] is not null);
        Assert.All(again, l => Assert.Equal("edited", (string?)l["TITLE"]));
    }

    [Fact]
    public async Task A_broken_state_file_is_one_clear_error_and_nothing_is_written()
    {
        using var folder = new TempFolder();
        var state = folder.File("s.json");
        await File.WriteAllTextAsync(state, "{\"checkpoint\": 5}");
        var run = await Cli.RunAsync("sync", "--state", state, "--out", folder.File("o.jsonl"), "--webhook", _emulator.WebhookUrl.ToString());
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("is not a sync state", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(folder.File("o.jsonl")));
    }
}
