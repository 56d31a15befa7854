using System.Globalization;
using Bitrix.Bench.Harness;

namespace Bitrix.Bench.Scenarios;

/// <summary>
/// N independent concurrent <c>crm.deal.get</c> calls through one client, with and without
/// <see cref="BitrixClientOptions.AutoBatch"/>: how many HTTP requests reach the portal, how long
/// the burst takes, and how much server time the portal models for it.
/// </summary>
internal sealed class BurstScenario : IScenario
{
    /// <summary>With auto-batching, 500 calls should need at most this many requests (10 full batches and a little slack).</summary>
    public const int TargetRequests = 12;

    public string Name => "burst";

    public string Summary => "N concurrent calls with and without AutoBatch: HTTP requests, wall time, modelled server time";

    public string Usage => $"""
        Options:
          --calls N          independent calls issued at once (default 500)
          --auto-batch MODE  off, on or both (default both)
          --max-requests R   fail when auto-batched calls need more requests than R (default: {TargetRequests} per 500 calls, rounded up)
        {LimitPlanChoice.Usage}
        {LimitsSetup.Usage}
          --quick            a CI smoke: 500 calls at --plan custom --capacity 600 --drain 50 --warmup 50 --warmup-rounds 1
                             (the un-batched burst fits in the bucket, so both modes take about a second)
        Exit code 1 when a call fails, the emulator refused anything (503 or 429), or auto-batched
        calls needed more than --max-requests requests.
        Without auto-batching at the standard plan 500 calls take (500 − 50) / 2 = 225 s.
        """;

    public async Task<int> RunAsync(BenchArguments arguments, CancellationToken cancellationToken)
    {
        var quick = arguments.Flag("quick");
        var plan = LimitPlanChoice.Read(arguments, quick ? new(LimitPlanChoice.Custom, new RateLimitPlan(600, 50)) : new(LimitPlanChoice.Standard, RateLimitPlan.Standard));
        var calls = arguments.Int("calls", 500, min: 1);
        var maxRequests = arguments.Int("max-requests", (int)Math.Ceiling(TargetRequests * calls / 500.0), min: 1);
        var modes = RateScenario.AutoBatchModes(arguments);
        var (latencyScale, deals, warmup, warmupRounds, output, emulatorDll) = LimitsSetup.ReadOptions(arguments, quick);
        arguments.EnsureAllRead();

        var report = new ScenarioReport(Name, output)
            .Parameter("plan", plan)
            .Parameter("calls", calls)
            .Parameter("latency-scale", latencyScale)
            .Parameter("max-requests", maxRequests)
            .Parameter("emulator", "own process per mode, loopback");
        await RateScenario.WarmUpAsync(emulatorDll, warmup, warmupRounds, deals, cancellationToken).ConfigureAwait(false);
        var rows = new List<BurstRow>();
        foreach (var autoBatch in modes)
        {
            await using var emulator = await LimitsSetup.StartEmulatorAsync(emulatorDll, plan, latencyScale, deals, cancellationToken).ConfigureAwait(false);
            RateScenario.EnsureFreshSharedBucket(emulator.WebhookUrl, plan);
            await using var client = BitrixClient.FromWebhook(emulator.WebhookUrl.ToString(), new BitrixClientOptions { RateLimit = plan.Plan, AutoBatch = autoBatch });
            var ids = await EmulatorControl.DealIdsAsync(emulator.WebhookUrl, cancellationToken).ConfigureAwait(false);
            using var run = await MeasuredRun.StartAsync(emulator, cancellationToken).ConfigureAwait(false);
            var burst = await CallBurst.RunAsync([client], calls, ids, cancellationToken).ConfigureAwait(false);
            var outcome = await run.StopAsync(calls, PolicyFloor.ForBatchable(calls, plan.Plan), latencyScale, cancellationToken).ConfigureAwait(false);
            var stats = outcome.Stats;
            var row = new BurstRow(autoBatch, plan.ToString(), stats.Calls("batch"), stats.Calls(CallBurst.Method), outcome.Result, outcome.Heard.WaitSecondsByReason, burst.Errors);
            rows.Add(row);
            var label = $"auto-batch {(autoBatch ? "on" : "off")}";
            Console.WriteLine($"{label}: {row.Measured.Summary()} ({row.BatchRequests} batches)");
            report.FailOnErrors(label, row.Errors);
            report.FailOnRefusals(label, row.Measured.Rejected503, row.Measured.Rejected429);
            if (row.GetCalls != calls)
            {
                report.Fail($"{label}: the emulator ran {row.GetCalls} {CallBurst.Method} calls, not {calls}");
            }

            if (autoBatch && row.Measured.Requests > maxRequests)
            {
                report.Fail($"{label}: {row.Measured.Requests} requests for {calls} calls, more than {maxRequests}");
            }
        }

        report.Note("rows: calls answered; batches: of the requests, batch requests; server s: the emulator's modelled server time (a batch's commands are charged to their own method), waited for with --latency-scale; policy floor: ceil(calls / 50) requests (the calls could share batches).")
            .Note(LimitsResult.Note);
        return await report.FinishAsync(rows, Table(rows), cancellationToken).ConfigureAwait(false);
    }

    private static MarkdownTable Table(IEnumerable<BurstRow> rows)
    {
        var table = MarkdownTable.WithLimits("auto-batch", "plan", "batches", "server ms/call", "wait s by reason (summed)", "errors");
        foreach (var r in rows)
        {
            table.Add(
                r.Measured,
                r.AutoBatch ? "on" : "off",
                r.Plan,
                r.BatchRequests.ToString(CultureInfo.InvariantCulture),
                (r.Measured.OperatingSeconds * 1000 / Math.Max(1, r.Measured.Rows)).ToString("F2", CultureInfo.InvariantCulture),
                MarkdownTable.Values(r.WaitSecondsByReason, "F1"),
                MarkdownTable.Counts(r.Errors));
        }

        return table;
    }
}

/// <summary>One burst, with or without auto-batching.</summary>
/// <param name="BatchRequests">Of the requests, <c>batch</c> requests.</param>
/// <param name="GetCalls"><c>crm.deal.get</c> calls the emulator ran (single or inside batches).</param>
/// <param name="Measured">The common fields; rows are the calls.</param>
internal sealed record BurstRow(
    bool AutoBatch,
    string Plan,
    long BatchRequests,
    long GetCalls,
    LimitsResult Measured,
    IReadOnlyDictionary<string, double> WaitSecondsByReason,
    IReadOnlyDictionary<string, long> Errors);
