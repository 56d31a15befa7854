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
        var latencyScale = arguments.Double("latency-scale", 1, min: 0);
        var deals = arguments.Int("deals", 1000, min: 1);
        var warmup = arguments.Int("warmup", quick ? 50 : 100, min: 0);
        var warmupRounds = arguments.Int("warmup-rounds", quick ? 1 : 40, min: 1);
        var output = arguments.String("out", Path.Combine("bench", "results"));
        var emulatorDll = EmulatorProcess.Locate(arguments.String("emulator"));
        arguments.EnsureAllRead();

        var startedAt = DateTimeOffset.UtcNow;
        await RateScenario.WarmUpAsync(emulatorDll, warmup, warmupRounds, deals, cancellationToken).ConfigureAwait(false);
        var rows = new List<BurstRow>();
        var failures = new List<string>();
        foreach (var autoBatch in modes)
        {
            await using var emulator = await LimitsSetup.StartEmulatorAsync(emulatorDll, plan, latencyScale, deals, cancellationToken).ConfigureAwait(false);
            using var control = new EmulatorControl(emulator.WebhookUrl);
            RateScenario.EnsureFreshSharedBucket(emulator.WebhookUrl, plan);
            using var metrics = new ClientMetrics();
            await using var client = BitrixClient.FromWebhook(emulator.WebhookUrl.ToString(), new BitrixClientOptions { RateLimit = plan.Plan, AutoBatch = autoBatch });
            var burst = await CallBurst.RunAsync([client], calls, deals, cancellationToken).ConfigureAwait(false);
            var stats = await control.StatsAsync(cancellationToken).ConfigureAwait(false);
            var heard = metrics.Snapshot();
            var row = new BurstRow(
                autoBatch,
                plan.ToString(),
                calls,
                stats.Requests,
                stats.Calls("batch"),
                stats.Calls(CallBurst.Method),
                stats.Rejected503,
                stats.Rejected429,
                burst.WallSeconds,
                stats.OperatingSeconds,
                stats.OperatingSeconds * 1000 / calls,
                burst.CpuSeconds,
                burst.JitSeconds,
                heard.WaitSecondsByReason,
                burst.Errors);
            rows.Add(row);
            Console.WriteLine($"auto-batch {(autoBatch ? "on" : "off")}: {row.Requests} requests ({row.BatchRequests} batches), 503 {row.Rejected503}, wall {row.WallSeconds:F2} s, modelled server {row.ServerSeconds:F3} s");

            var label = $"auto-batch {(autoBatch ? "on" : "off")}";
            if (row.Errors.Count > 0)
            {
                failures.Add($"{label}: failed calls {string.Join(", ", row.Errors.Select(e => $"{e.Key} ×{e.Value}"))}");
            }

            if (row.Rejected503 > 0 || row.Rejected429 > 0)
            {
                failures.Add($"{label}: the emulator refused {row.Rejected503} requests with 503 and {row.Rejected429} calls with 429");
            }

            if (stats.Calls(CallBurst.Method) != calls)
            {
                failures.Add($"{label}: the emulator ran {stats.Calls(CallBurst.Method)} {CallBurst.Method} calls, not {calls}");
            }

            if (autoBatch && row.Requests > maxRequests)
            {
                failures.Add($"{label}: {row.Requests} requests for {calls} calls, more than {maxRequests}");
            }
        }

        var notes = new List<string>
        {
            "requests: HTTP requests the emulator received; batches: of them, batch requests; server s: the emulator's modelled server time (operatingSecondsByMethod summed: a batch's commands are charged to their own method), waited for with --latency-scale.",
            "CPU s is the client process during the burst; JIT s the part of it spent compiling after the warm-up.",
        };
        notes.AddRange(failures.Select(f => "FAILED: " + f));
        var report = new BenchReport<BurstRow>(
            Name,
            startedAt,
            MachineInfo.Current(),
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["plan"] = plan.ToString(),
                ["calls"] = calls.ToString(CultureInfo.InvariantCulture),
                ["latency-scale"] = latencyScale.ToString(CultureInfo.InvariantCulture),
                ["max-requests"] = maxRequests.ToString(CultureInfo.InvariantCulture),
            },
            rows,
            notes);
        var table = Table(rows);
        var (jsonPath, markdownPath) = await ReportWriter.WriteAsync(output, report, table, cancellationToken).ConfigureAwait(false);
        Console.WriteLine();
        Console.Write(ReportWriter.ToMarkdown(report, table));
        Console.WriteLine();
        Console.WriteLine($"wrote {jsonPath}");
        Console.WriteLine($"wrote {markdownPath}");
        foreach (var failure in failures)
        {
            await Console.Error.WriteLineAsync("FAILED: " + failure).ConfigureAwait(false);
        }

        return failures.Count == 0 ? 0 : 1;
    }

    private static MarkdownTable Table(IEnumerable<BurstRow> rows)
    {
        var table = new MarkdownTable("auto-batch", "plan", "calls", "requests", "batches", "503", "429", "wall s", "server s", "server ms/call", "CPU s", "of it JIT s", "wait s by reason (summed)", "errors");
        foreach (var r in rows)
        {
            table.Add(
                r.AutoBatch ? "on" : "off",
                r.Plan,
                r.Calls.ToString(CultureInfo.InvariantCulture),
                r.Requests.ToString(CultureInfo.InvariantCulture),
                r.BatchRequests.ToString(CultureInfo.InvariantCulture),
                r.Rejected503.ToString(CultureInfo.InvariantCulture),
                r.Rejected429.ToString(CultureInfo.InvariantCulture),
                r.WallSeconds.ToString("F2", CultureInfo.InvariantCulture),
                r.ServerSeconds.ToString("F3", CultureInfo.InvariantCulture),
                r.ServerMillisecondsPerCall.ToString("F2", CultureInfo.InvariantCulture),
                r.ClientCpuSeconds.ToString("F3", CultureInfo.InvariantCulture),
                r.JitSeconds.ToString("F3", CultureInfo.InvariantCulture),
                r.WaitSecondsByReason.Count == 0 ? "0" : string.Join(", ", r.WaitSecondsByReason.Select(w => $"{w.Key} {w.Value.ToString("F1", CultureInfo.InvariantCulture)}")),
                r.Errors.Count == 0 ? "0" : string.Join(", ", r.Errors.Select(e => $"{e.Key} ×{e.Value}")));
        }

        return table;
    }
}

/// <summary>One burst, with or without auto-batching.</summary>
/// <param name="Requests">HTTP requests the emulator received.</param>
/// <param name="BatchRequests">Of them, <c>batch</c> requests.</param>
/// <param name="GetCalls"><c>crm.deal.get</c> calls the emulator ran (single or inside batches).</param>
/// <param name="ServerSeconds">The emulator's modelled server time for the burst.</param>
internal sealed record BurstRow(
    bool AutoBatch,
    string Plan,
    int Calls,
    long Requests,
    long BatchRequests,
    long GetCalls,
    long Rejected503,
    long Rejected429,
    double WallSeconds,
    double ServerSeconds,
    double ServerMillisecondsPerCall,
    double ClientCpuSeconds,
    double JitSeconds,
    IReadOnlyDictionary<string, double> WaitSecondsByReason,
    IReadOnlyDictionary<string, long> Errors);
