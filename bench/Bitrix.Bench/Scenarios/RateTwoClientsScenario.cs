using System.Diagnostics;
using System.Globalization;
using Bitrix.Bench.Harness;

namespace Bitrix.Bench.Scenarios;

/// <summary>
/// The <c>rate</c> load split over two <see cref="BitrixClient"/> instances in one process, each
/// with its own HttpClient, on the default store (<see cref="InMemoryRateLimitStore.Shared"/>):
/// together they must keep to one bucket — no 503 — and their combined rate to the plan.
/// </summary>
internal sealed class RateTwoClientsScenario : IScenario
{
    public string Name => "rate-two-clients";

    public string Summary => "the rate load over two clients in one process sharing the default in-memory store";

    public string Usage => $"""
        Options:
          --calls M          calls issued at once, alternately through each client (default 170)
          --auto-batch MODE  off, on or both (default both)
        {LimitPlanChoice.Usage}
        {LimitsSetup.Usage}
          --tolerance T      allowed relative distance of the combined post-burst rate from the plan (default {RateScenario.Tolerance}; {RateScenario.QuickTolerance} with --quick)
          --quick            a CI smoke: --plan custom --capacity 20 --drain 20 --calls 50 --warmup 50 --warmup-rounds 1
        Exit code 1 when a call fails, the emulator refused anything (503 or 429), or the combined
        post-burst rate (auto-batch off) is further than the tolerance from the plan's drain rate.
        """;

    public async Task<int> RunAsync(BenchArguments arguments, CancellationToken cancellationToken)
    {
        var quick = arguments.Flag("quick");
        var plan = LimitPlanChoice.Read(arguments, quick ? RateScenario.QuickPlan : new(LimitPlanChoice.Standard, RateLimitPlan.Standard));
        var calls = arguments.Int("calls", quick ? RateScenario.QuickCalls : 170, min: 2);
        var modes = RateScenario.AutoBatchModes(arguments);
        var (latencyScale, deals, warmup, warmupRounds, output, emulatorDll) = LimitsSetup.ReadOptions(arguments, quick);
        var tolerance = arguments.Double("tolerance", quick ? RateScenario.QuickTolerance : RateScenario.Tolerance, min: 0);
        arguments.EnsureAllRead();

        var report = RateScenario.Report(Name, output, plan, calls, latencyScale, deals);
        await RateScenario.WarmUpAsync(emulatorDll, warmup, warmupRounds, deals, cancellationToken).ConfigureAwait(false);
        var rows = new List<RateRow>();
        foreach (var autoBatch in modes)
        {
            var row = await RunOnceAsync(emulatorDll, plan, calls, autoBatch, latencyScale, deals, cancellationToken).ConfigureAwait(false);
            rows.Add(row);
            Console.WriteLine($"auto-batch {(autoBatch ? "on" : "off")}: {row.Requests} requests, 503 {row.Rejected503}, 429 {row.Rejected429}, wall {row.WallSeconds:F2} s, combined post-burst {row.PostBurstRate?.ToString("F3", CultureInfo.InvariantCulture) ?? "–"} req/s");
        }

        RateScenario.Check(report, rows, requireRate: true, tolerance);
        return await RateScenario.FinishAsync(report, rows, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<RateRow> RunOnceAsync(string emulatorDll, LimitPlanChoice plan, int calls, bool autoBatch, double latencyScale, int deals, CancellationToken cancellationToken)
    {
        await using var emulator = await LimitsSetup.StartEmulatorAsync(emulatorDll, plan, latencyScale, deals, cancellationToken).ConfigureAwait(false);
        var url = emulator.WebhookUrl.ToString();
        RateScenario.EnsureFreshSharedBucket(emulator.WebhookUrl, plan);

        // Two clients as two parts of an application would make them: FromWebhook gives each its
        // own HttpClient; neither names a store, so both use the process-wide in-memory one.
        await using var first = BitrixClient.FromWebhook(url, new BitrixClientOptions { RateLimit = plan.Plan, AutoBatch = autoBatch });
        await using var second = BitrixClient.FromWebhook(url, new BitrixClientOptions { RateLimit = plan.Plan, AutoBatch = autoBatch });
        var ids = await EmulatorControl.DealIdsAsync(emulator.WebhookUrl, cancellationToken).ConfigureAwait(false);
        using var run = await MeasuredRun.StartAsync(emulator, cancellationToken).ConfigureAwait(false);
        var burst = await CallBurst.RunAsync([first, second], calls, ids, cancellationToken).ConfigureAwait(false);
        var (measured, stats, heard) = await run.StopAsync(calls, PolicyFloor.ForBatchable(calls, plan.Plan), latencyScale, cancellationToken).ConfigureAwait(false);
        var parts = burst.Clients
            .Select((c, i) =>
            {
                var (firstHalf, secondHalf) = RateRow.Halves(c.AnswerTimestamps, heard.FirstBucketWaitStart, burst.Ended);
                return new RatePart($"client {i + 1}", c.Calls, null, null, Stopwatch.GetElapsedTime(burst.Started, c.Ended).TotalSeconds, firstHalf, secondHalf, null, null, c.Errors);
            })
            .ToList();
        return RateRow.From("2 clients, 1 process", plan, autoBatch, calls, stats, heard.Requests, burst.Started, burst.Ended, heard.FirstBucketWaitStart, burst.CpuSeconds, burst.JitSeconds, heard.WaitSecondsByReason, burst.SampledWaitSeconds, burst.Errors, parts)
            with { RefusalsAtSeconds = RateRow.Since(burst.Started, heard.RefusalTimestamps), Measured = measured };
    }
}
