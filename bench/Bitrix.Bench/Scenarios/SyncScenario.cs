using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bitrix.Bench.Harness;

namespace Bitrix.Bench.Scenarios;

/// <summary>
/// Incremental sync against a full export: N deals, a full export with <c>ListAllAsync</c>, the
/// first run of a change feed (also a full read, it yields the checkpoint), then a share of the
/// deals edited through the API and the next run of the feed, then a few deletions found by
/// comparing ID sets. One emulator process, the plan's bucket enforced and modelled server time
/// really waited; before each measured phase the bucket is left to drain, so each phase starts empty.
/// Requests are counted by the emulator. The delivered changes and the deleted IDs must be exact.
/// </summary>
internal sealed class SyncScenario : IScenario
{
    public string Name => "sync";

    public string Summary => "ChangesAsync(crm.deal.list) after 1 % of N deals changed vs a full export: requests and seconds; deletions by ID sets";

    public string Usage => """
        Options:
          --deals N            seeded deals (default 200000)
          --changed P          share of the deals edited after the checkpoint (default 0.01)
          --deleted P          share of the deals deleted before the deletion check (default 0.001)
          --latency-scale S    multiplier of the emulator's modelled server time really waited (default 1)
          --plan NAME          standard (50 + 2/s, default), enterprise (250 + 5/s) or custom --capacity X --drain Y
          --emulator PATH      Bitrix.Emulator.dll (default: the one built beside this harness)
          --out DIR            where the JSON and Markdown results go (default bench/results)
        Exit code 1 when the changed rows or the deleted IDs come back wrong.
        """;

    public async Task<int> RunAsync(BenchArguments arguments, CancellationToken cancellationToken)
    {
        var deals = arguments.Int("deals", 200_000, min: 100);
        var changedShare = arguments.Double("changed", 0.01, min: 0);
        var deletedShare = arguments.Double("deleted", 0.001, min: 0);
        var latencyScale = arguments.Double("latency-scale", 1, min: 0);
        var plan = LimitPlanChoice.Read(arguments, new(LimitPlanChoice.Standard, RateLimitPlan.Standard));
        var output = arguments.String("out", Path.Combine("bench", "results"));
        var emulatorDll = EmulatorProcess.Locate(arguments.String("emulator"));
        arguments.EnsureAllRead();

        var report = new ScenarioReport(Name, output)
            .Parameter("plan", plan)
            .Parameter("deals", deals)
            .Parameter("changed", changedShare)
            .Parameter("deleted", deletedShare)
            .Parameter("latency-scale", latencyScale)
            .Parameter("emulator", "own process, loopback");
        await using var emulator = await LimitsSetup.StartEmulatorAsync(emulatorDll, plan, latencyScale, deals, cancellationToken).ConfigureAwait(false);
        using var control = new EmulatorControl(emulator.WebhookUrl);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = Timeout.InfiniteTimeSpan };
        await using var client = new BitrixClient(http, emulator.WebhookUrl.ToString(), new BitrixClientOptions { RateLimit = plan.Plan, RateLimitStore = new InMemoryRateLimitStore() });
        var select = new JsonArray("ID", "TITLE", "STAGE_ID", "OPPORTUNITY", "DATE_CREATE", "DATE_MODIFY");
        var rows = new List<SyncRow>();

        var export = await MeasureAsync(control, plan.Plan.DrainPerSecond, "full export (ListAllAsync, parallel cursor)", async () =>
        {
            long n = 0;
            await foreach (var unused in client.ListAllAsync("crm.deal.list", new JsonObject { ["select"] = select.DeepClone() }, new ListOptions { Strategy = ListStrategy.ParallelCursor }, cancellationToken).ConfigureAwait(false))
            {
                n++;
            }

            return n;
        }, cancellationToken).ConfigureAwait(false);
        rows.Add(export);

        var first = client.ChangesAsync("crm.deal.list", null, new JsonObject { ["select"] = select.DeepClone() }, cancellationToken: cancellationToken);
        var known = new List<long>(deals);
        rows.Add(await MeasureAsync(control, plan.Plan.DrainPerSecond, "sync, first run (everything)", async () =>
        {
            await foreach (var row in first.ConfigureAwait(false))
            {
                known.Add(long.Parse(row.GetProperty("ID").GetString()!, CultureInfo.InvariantCulture));
            }

            return first.Delivered;
        }, cancellationToken).ConfigureAwait(false));

        // Edit a share of the deals through the API, as users would, after the checkpoint.
        var random = new Random(7);
        var changed = known.OrderBy(_ => random.Next()).Take((int)Math.Round(known.Count * changedShare)).ToHashSet();
        await CheckAllAsync(report, "update", await client.CallManyAsync("crm.deal.update", changed.Select(id => new JsonObject { ["id"] = id, ["fields"] = new JsonObject { ["TITLE"] = "edited " + id.ToString(CultureInfo.InvariantCulture) } }), cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);

        var next = client.ChangesAsync("crm.deal.list", first.Checkpoint, new JsonObject { ["select"] = select.DeepClone() }, cancellationToken: cancellationToken);
        var got = new HashSet<long>();
        var sync = await MeasureAsync(control, plan.Plan.DrainPerSecond, $"sync, next run ({changed.Count} changed)", async () =>
        {
            await foreach (var row in next.ConfigureAwait(false))
            {
                got.Add(long.Parse(row.GetProperty("ID").GetString()!, CultureInfo.InvariantCulture));
            }

            return next.Delivered;
        }, cancellationToken).ConfigureAwait(false);
        rows.Add(sync with { Repeats = next.Repeats });
        if (!got.SetEquals(changed))
        {
            report.Fail($"the next run delivered {got.Count} rows, {got.Except(changed).Count()} not changed, and missed {changed.Except(got).Count()} changed ones");
        }

        var gone = known.OrderBy(_ => random.Next()).Take((int)Math.Round(known.Count * deletedShare)).ToList();
        await CheckAllAsync(report, "delete", await client.CallManyAsync("crm.deal.delete", gone.Select(id => new JsonObject { ["id"] = id }), cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        IReadOnlyList<long> deleted = [];
        rows.Add(await MeasureAsync(control, plan.Plan.DrainPerSecond, $"deletions by ID sets ({gone.Count} deleted)", async () =>
        {
            deleted = await client.FindDeletedAsync("crm.deal.list", known, cancellationToken: cancellationToken).ConfigureAwait(false);
            return deleted.Count;
        }, cancellationToken).ConfigureAwait(false));
        if (!deleted.SequenceEqual(gone.Order()))
        {
            report.Fail($"found {deleted.Count} deleted IDs, {gone.Count} were deleted");
        }

        var table = new MarkdownTable("phase", "rows", "requests", "503", "seconds", "repeats", "requests vs export", "seconds vs export");
        foreach (var row in rows)
        {
            table.Add(
                row.Phase,
                row.Rows.ToString(CultureInfo.InvariantCulture),
                row.Requests.ToString(CultureInfo.InvariantCulture),
                row.Rejected503.ToString(CultureInfo.InvariantCulture),
                row.Seconds.ToString("0.00", CultureInfo.InvariantCulture),
                row.Repeats.ToString(CultureInfo.InvariantCulture),
                (row.Requests / (double)Math.Max(1, export.Requests)).ToString("P1", CultureInfo.InvariantCulture),
                (row.Seconds / Math.Max(1e-9, export.Seconds)).ToString("P1", CultureInfo.InvariantCulture));
        }

        report.Note("requests: counted by the emulator (a batch is one request); every phase starts with a drained bucket");
        return await report.FinishAsync(rows, table, cancellationToken).ConfigureAwait(false);
    }

    private static async Task CheckAllAsync(ScenarioReport report, string what, IReadOnlyList<BitrixItemResult> results)
    {
        var failed = results.Count(r => !r.IsSuccess);
        if (failed > 0)
        {
            report.Fail($"{failed} {what} calls failed");
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    private static async Task<SyncRow> MeasureAsync(EmulatorControl control, double drainPerSecond, string phase, Func<Task<long>> body, CancellationToken cancellationToken)
    {
        // Start from an empty bucket, so that phases do not pay for each other's requests: the
        // level the portal last counted drains at the plan's rate.
        var level = (await control.StatsAsync(cancellationToken).ConfigureAwait(false)).BucketLevel;
        await Task.Delay(TimeSpan.FromSeconds(level / drainPerSecond + 1), cancellationToken).ConfigureAwait(false);
        var before = await control.StatsAsync(cancellationToken).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        var rows = await body().ConfigureAwait(false);
        var seconds = clock.Elapsed.TotalSeconds;
        var used = (await control.StatsAsync(cancellationToken).ConfigureAwait(false)).Since(before);
        Console.WriteLine($"{phase}: {rows} rows, {used.Requests} requests, {seconds:0.00} s");
        return new SyncRow(phase, rows, used.Requests, used.Rejected503, seconds, 0);
    }

    private sealed record SyncRow(string Phase, long Rows, long Requests, long Rejected503, double Seconds, long Repeats);
}
