using Bitrix.Export;

namespace Bitrix.Cli.Tests;

[CollectionDefinition(nameof(ProgressTests), DisableParallelization = true)]
public sealed class ProgressCollection;

/// <summary>What the progress looks like. Alone, because the plain-line fallback prints on a timer.</summary>
[Collection(nameof(ProgressTests))]
public class ProgressTests(PortalFixture portal) : IClassFixture<PortalFixture>
{
    [Fact]
    public async Task Without_a_terminal_the_progress_is_occasional_plain_lines_and_a_summary()
    {
        // Real modelled latency, so that the export lasts long enough for Spectre's plain-line fallback to print.
        await using var slow = await Bitrix.Emulator.BitrixEmulator.StartAsync(new Bitrix.Emulator.EmulatorOptions { Deals = 40_000, LatencyScale = 1, BucketCapacity = 100_000 });
        using var folder = new TempFolder();

        var run = await Cli.RunAsync("export", "-w", slow.WebhookUrl.ToString(), "-o", folder.File("deals.csv"), "--strategy", "chained", "--select", "TITLE");

        Assert.Equal(0, run.ExitCode);
        var lines = run.Console.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var progress = lines.Where(l => l.StartsWith("crm.deal.list", StringComparison.Ordinal)).ToList();
        Assert.True(progress.Count is >= 2 and <= 15, run.Console);
        Assert.Contains(progress, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^crm\.deal\.list  [0-9,]+/40,000 rows  [0-9,]+ rows/s  ETA [0-9,]+ s  [0-9,]+ requests.*: [0-9]+%$"));
        Assert.Matches(@"^exported 40,000 deals to .* in [0-9.]+ s \([0-9,]+ rows/s\): [0-9,]+ requests, [0-9,]+ retries, [0-9,]+ × 503, [0-9,]+ × 429 received$", lines[^1]);
        Assert.DoesNotContain('\u001b', run.Console);
        Assert.Equal("", run.Error);
    }

    [Fact]
    public async Task The_progress_line_shows_rows_rate_eta_requests_and_the_wait()
    {
        var line = ExportRunner.Describe("crm.deal.list", new ListProgress { Rows = 25_000, Requests = 11, Elapsed = TimeSpan.FromSeconds(5) }, 100_000, "bucket");

        Assert.Equal("crm.deal.list  25,000/100,000 rows  5,000 rows/s  ETA 15 s  11 requests  waiting: bucket", line);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task In_a_terminal_the_live_bar_ends_complete()
    {
        using var folder = new TempFolder();

        var run = await Cli.RunAsync(["export", "-w", portal.Webhook, "-o", folder.File("deals.jsonl")], interactive: true);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("crm.deal.list  300/300 rows", run.Console, StringComparison.Ordinal);
        Assert.Contains("100%", run.Console, StringComparison.Ordinal);
    }
}
