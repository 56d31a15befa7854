using System.Globalization;
using Bitrix.Bench.Harness;

namespace Bitrix.Bench.Scenarios;

/// <summary>
/// M independent <c>crm.deal.get</c> calls issued at once through one client against an emulator
/// that enforces the plan's leaky bucket: the client must spend the burst, then keep to the drain
/// rate, without a single 503.
/// </summary>
internal sealed class RateScenario : IScenario
{
    /// <summary>The post-burst rate must be within this fraction of the plan's drain rate.</summary>
    public const double Tolerance = 0.05;

    /// <summary>A scaled plan on a busy CI machine: the smoke proves the harness and the absence of 503s, not the rate.</summary>
    public const double QuickTolerance = 0.25;

    /// <summary>
    /// <c>--quick</c>: 20 free, then 20 per second, so 50 calls take about 1.5 s. A faster drain makes
    /// the smoke flaky: a 503 needs only drain × (arrival jitter) to exceed the client's headroom of
    /// about 2.5 requests, and at 50/s a 50 ms stall of this loaded machine does that (1 run in 4–10).
    /// </summary>
    public static readonly LimitPlanChoice QuickPlan = new(LimitPlanChoice.Custom, new RateLimitPlan(20, 20));

    public const int QuickCalls = 50;

    public string Name => "rate";

    public string Summary => "M calls at once through one client: 503s, and the rate after the burst against the plan";

    public string Usage => $"""
        Options:
          --calls M          calls issued at once (default 170: at the standard plan 50 free + 120 paced = ~60 s)
          --auto-batch MODE  off, on or both (default both: the same calls with and without auto-batching)
        {LimitPlanChoice.Usage}
        {LimitsSetup.Usage}
          --tolerance T      allowed relative distance of the post-burst rate from the plan (default {Tolerance}; {QuickTolerance} with --quick)
          --quick            a CI smoke: --plan custom --capacity 20 --drain 20 --calls 50 --warmup 50 --warmup-rounds 1 (about 2 s per mode)
        Exit code 1 when a call fails, the emulator refused anything (503 or 429), or the post-burst rate
        (auto-batch off) is further than the tolerance from the plan's drain rate.
        """;

    public async Task<int> RunAsync(BenchArguments arguments, CancellationToken cancellationToken)
    {
        var quick = arguments.Flag("quick");
        var plan = LimitPlanChoice.Read(arguments, quick ? RateScenario.QuickPlan : new(LimitPlanChoice.Standard, RateLimitPlan.Standard));
        var calls = arguments.Int("calls", quick ? RateScenario.QuickCalls : 170, min: 1);
        var modes = AutoBatchModes(arguments);
        var (latencyScale, deals, warmup, warmupRounds, output, emulatorDll) = LimitsSetup.ReadOptions(arguments, quick);
        var tolerance = arguments.Double("tolerance", quick ? QuickTolerance : Tolerance, min: 0);
        arguments.EnsureAllRead();

        var report = Report(Name, output, plan, calls, latencyScale, deals);
        await WarmUpAsync(emulatorDll, warmup, warmupRounds, deals, cancellationToken).ConfigureAwait(false);
        var rows = new List<RateRow>();
        foreach (var autoBatch in modes)
        {
            var row = await RunOnceAsync(emulatorDll, plan, calls, autoBatch, latencyScale, deals, cancellationToken).ConfigureAwait(false);
            rows.Add(row);
            Console.WriteLine($"auto-batch {(autoBatch ? "on" : "off")}: {row.Requests} requests, 503 {row.Rejected503}, 429 {row.Rejected429}, wall {row.WallSeconds:F2} s, post-burst {row.PostBurstRate?.ToString("F3", CultureInfo.InvariantCulture) ?? "–"} req/s");
        }

        Check(report, rows, requireRate: true, tolerance);
        return await FinishAsync(report, rows, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The warm-up of this process, against an emulator of its own with open limits.</summary>
    public static async Task WarmUpAsync(string emulatorDll, int calls, int maxRounds, int deals, CancellationToken cancellationToken)
    {
        if (calls > 0)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            await using var warmUp = await LimitsSetup.StartWarmUpEmulatorAsync(emulatorDll, deals, cancellationToken).ConfigureAwait(false);
            var rounds = await LimitsSetup.WarmUpAsync(warmUp.WebhookUrl.ToString(), calls, maxRounds, null, cancellationToken).ConfigureAwait(false);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"warm-up: {rounds} rounds of {calls} calls in {watch.Elapsed.TotalSeconds:F1} s"));
        }
    }

    /// <summary>One measured run: its own emulator (a fresh portal), the calls on the default (shared) store.</summary>
    private static async Task<RateRow> RunOnceAsync(string emulatorDll, LimitPlanChoice plan, int calls, bool autoBatch, double latencyScale, int deals, CancellationToken cancellationToken)
    {
        await using var emulator = await LimitsSetup.StartEmulatorAsync(emulatorDll, plan, latencyScale, deals, cancellationToken).ConfigureAwait(false);
        EnsureFreshSharedBucket(emulator.WebhookUrl, plan);
        await using var client = BitrixClient.FromWebhook(emulator.WebhookUrl.ToString(), new BitrixClientOptions { RateLimit = plan.Plan, AutoBatch = autoBatch });
        var ids = await EmulatorControl.DealIdsAsync(emulator.WebhookUrl, cancellationToken).ConfigureAwait(false);
        using var run = await MeasuredRun.StartAsync(emulator, cancellationToken).ConfigureAwait(false);
        var burst = await CallBurst.RunAsync([client], calls, ids, cancellationToken).ConfigureAwait(false);
        var (measured, stats, heard) = await run.StopAsync(calls, PolicyFloor.ForBatchable(calls, plan.Plan), latencyScale, cancellationToken).ConfigureAwait(false);
        return RateRow.From("1 client", plan, autoBatch, calls, stats, heard.Requests, burst.Started, burst.Ended, heard.FirstBucketWaitStart, burst.CpuSeconds, burst.JitSeconds, heard.WaitSecondsByReason, burst.SampledWaitSeconds, burst.Errors, [])
            with { RefusalsAtSeconds = RateRow.Since(burst.Started, heard.RefusalTimestamps), Measured = measured };
    }

    /// <summary>The default store is process-wide; a reused port would hand the new portal an old level.</summary>
    public static void EnsureFreshSharedBucket(Uri webhookUrl, LimitPlanChoice plan)
    {
        var level = InMemoryRateLimitStore.Shared.GetLevel(LimitsSetup.PortalKey(webhookUrl), plan.Plan);
        if (level > 0)
        {
            throw new InvalidOperationException($"the shared in-memory bucket of {LimitsSetup.PortalKey(webhookUrl)} already holds {level:F1}: a port was reused within this run");
        }
    }

    public static IReadOnlyList<bool> AutoBatchModes(BenchArguments arguments, string fallback = "both") => arguments.String("auto-batch", fallback) switch
    {
        "off" or "false" => [false],
        "on" or "true" => [true],
        "both" => [false, true],
        var other => throw new ArgumentException($"--auto-batch takes off, on or both; got '{other}'"),
    };

    /// <summary>The report of a rate scenario, with the parameters they share.</summary>
    public static ScenarioReport Report(string name, string output, LimitPlanChoice plan, int calls, double latencyScale, int deals) => new ScenarioReport(name, output)
        .Parameter("plan", plan)
        .Parameter("calls", calls)
        .Parameter("latency-scale", latencyScale)
        .Parameter("deals", deals)
        .Parameter("emulator", "own process per run, loopback");

    /// <summary>
    /// The limits the rate scenarios hold the client to: no failed call, no 503 or 429, and (when
    /// <paramref name="requireRate"/>) a post-burst rate within <see cref="Tolerance"/> of the plan
    /// for every run without auto-batching.
    /// </summary>
    public static void Check(ScenarioReport report, IEnumerable<RateRow> rows, bool requireRate, double tolerance = Tolerance)
    {
        foreach (var r in rows)
        {
            var label = $"{r.Setup}, auto-batch {(r.AutoBatch ? "on" : "off")}";
            report.FailOnErrors(label, r.Errors);
            report.FailOnRefusals(label, r.Rejected503, r.Rejected429);
            if (requireRate && !r.AutoBatch)
            {
                if (r.RateOverPlan is not { } ratio)
                {
                    report.Fail($"{label}: no request waited for the bucket, so there is no post-burst rate (too few calls for the plan?)");
                }
                else if (Math.Abs(ratio - 1) > tolerance)
                {
                    report.Fail(string.Create(CultureInfo.InvariantCulture, $"{label}: post-burst rate {r.PostBurstRate:F3} req/s is {ratio:P1} of the plan's {r.DrainPerSecond} req/s (allowed ±{tolerance:P0})"));
                }
            }
        }
    }

    public static Task<int> FinishAsync(ScenarioReport report, IReadOnlyList<RateRow> rows, CancellationToken cancellationToken)
    {
        report.Note("post-burst req/s = (requests the emulator accepted − plan capacity) / (last answer − start of the first wait for the bucket); ÷ plan divides it by the plan's drain rate.")
            .Note("wait s (summed) is the meter bitrix.client.wait.duration summed over concurrent waiters; bucket wait s (sampled) is how long CurrentWaitReason showed \"bucket\".")
            .Note(LimitsResult.Note);
        if (rows.Any(r => r.Parts.Count > 0))
        {
            report.Note("Per part (the answers in each half of the paced window, first bucket wait → last answer, show how the parts shared the bucket: fairly, each would get about half of each half):\n\n" + RateRow.PartsTable(rows));
        }

        return report.FinishAsync(rows, RateRow.Table(rows), cancellationToken);
    }
}
