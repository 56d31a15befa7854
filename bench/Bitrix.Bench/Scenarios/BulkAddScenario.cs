using System.Globalization;
using System.Text.Json.Nodes;
using Bitrix.Bench.Harness;

namespace Bitrix.Bench.Scenarios;

/// <summary>
/// N <c>crm.deal.add</c> through <see cref="BitrixClient.CallManyAsync(string, IEnumerable{JsonObject?}, CancellationToken)"/>:
/// how many requests, how long, against the floor the rate-limit policy sets.
/// </summary>
internal sealed class BulkAddScenario : IScenario
{
    private const string Method = "crm.deal.add";

    public string Name => "bulk-add";

    public string Summary => "N adds through CallManyAsync: requests, wall time and the rate-limit policy's floor";

    public string Usage => $"""
        Options:
          --adds N           deals to add (default 2000)
          --max-concurrency C  the client's MaxConcurrency (default: the client's default, 6)
        {LimitPlanChoice.Usage}
        {LimitsSetup.Usage}
          --quick            a CI smoke: 500 adds at --plan custom --capacity 5 --drain 20 --warmup 50 --warmup-rounds 1
        Policy floor: ceil(N / 50) batch requests, the first `capacity` free, then one per 1/drain s:
        max(0, ceil(N / 50) − capacity) / drain. Server floor: the emulator's modelled server time
        for the adds divided by the requests in flight (MaxConcurrency).
        Exit code 1 when an add fails, the emulator refused anything (503 or 429), or the deals
        the emulator holds did not grow by N.
        """;

    public async Task<int> RunAsync(BenchArguments arguments, CancellationToken cancellationToken)
    {
        var quick = arguments.Flag("quick");
        var plan = LimitPlanChoice.Read(arguments, quick ? new(LimitPlanChoice.Custom, new RateLimitPlan(5, 20)) : new(LimitPlanChoice.Standard, RateLimitPlan.Standard));
        var adds = arguments.Int("adds", quick ? 500 : 2000, min: 1);
        var maxConcurrency = arguments.Int("max-concurrency", new BitrixClientOptions().MaxConcurrency, min: 1);
        var (latencyScale, deals, warmup, warmupRounds, output, emulatorDll) = LimitsSetup.ReadOptions(arguments, quick);
        arguments.EnsureAllRead();

        var report = new ScenarioReport(Name, output)
            .Parameter("plan", plan)
            .Parameter("adds", adds)
            .Parameter("max-concurrency", maxConcurrency)
            .Parameter("latency-scale", latencyScale)
            .Parameter("emulator", "own process, loopback");
        await RateScenario.WarmUpAsync(emulatorDll, warmup, warmupRounds, deals, cancellationToken).ConfigureAwait(false);
        await using var emulator = await LimitsSetup.StartEmulatorAsync(emulatorDll, plan, latencyScale, deals, cancellationToken).ConfigureAwait(false);
        RateScenario.EnsureFreshSharedBucket(emulator.WebhookUrl, plan);
        await using var client = BitrixClient.FromWebhook(emulator.WebhookUrl.ToString(), new BitrixClientOptions { RateLimit = plan.Plan, MaxConcurrency = maxConcurrency });
        long? dealsBefore;
        using (var control = new EmulatorControl(emulator.WebhookUrl))
        {
            dealsBefore = (await control.StatsAsync(cancellationToken).ConfigureAwait(false)).DealCount;
        }

        using var run = await MeasuredRun.StartAsync(emulator, cancellationToken).ConfigureAwait(false);
        var results = await client.CallManyAsync(Method, Enumerable.Range(1, adds).Select(i => (JsonObject?)LimitsSetup.DealFields(i)), cancellationToken).ConfigureAwait(false);
        var outcome = await run.StopAsync(adds, PolicyFloor.ForBatchable(adds, plan.Plan), latencyScale, cancellationToken).ConfigureAwait(false);
        var stats = outcome.Stats;
        var m = outcome.Result;
        var serverFloor = m.ServerSeconds / maxConcurrency;
        var errors = results.Where(r => r.Error is not null)
            .GroupBy(r => r.Error!.Code, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (long)g.Count(), StringComparer.Ordinal);
        var row = new BulkAddRow(plan.ToString(), maxConcurrency, stats.Calls("batch"), m, serverFloor, Math.Max(m.Floor.Seconds, serverFloor) / m.WallSeconds, outcome.Heard.WaitSecondsByReason, errors);
        Console.WriteLine($"{adds} adds: {m.Summary()}");

        report.FailOnErrors("adds", errors, "failed adds");
        report.FailOnRefusals("adds", m.Rejected503, m.Rejected429);
        if (stats.Calls(Method) != adds)
        {
            report.Fail($"the emulator ran {stats.Calls(Method)} {Method} commands, not {adds}");
        }

        if (dealsBefore is { } b && stats.DealCount is { } a && a - b != adds)
        {
            report.Fail($"the emulator holds {a - b} more deals, not {adds}");
        }

        report.Note("policy floor = max(0, ceil(N/50) − capacity) / drain: the batch requests beyond the bucket's capacity, one per 1/drain s. server floor = server s / MaxConcurrency. max floor / wall uses the larger of the two.")
            .Note(LimitsResult.Note);
        return await report.FinishAsync([row], Table([row]), cancellationToken).ConfigureAwait(false);
    }

    private static MarkdownTable Table(IEnumerable<BulkAddRow> rows)
    {
        var table = MarkdownTable.WithLimits("plan", "max conc.", "batches", "server floor s", "max floor / wall", "adds/s", "errors");
        foreach (var r in rows)
        {
            table.Add(
                r.Measured,
                r.Plan,
                r.MaxConcurrency.ToString(CultureInfo.InvariantCulture),
                r.BatchRequests.ToString(CultureInfo.InvariantCulture),
                r.ServerFloorSeconds.ToString("F2", CultureInfo.InvariantCulture),
                r.MaxFloorOverWall.ToString("F3", CultureInfo.InvariantCulture),
                (r.Measured.Rows / r.Measured.WallSeconds).ToString("F0", CultureInfo.InvariantCulture),
                MarkdownTable.Counts(r.Errors));
        }

        return table;
    }
}

/// <summary>One bulk add.</summary>
/// <param name="BatchRequests">Of the requests, batch requests.</param>
/// <param name="Measured">The common fields; rows are the adds.</param>
/// <param name="ServerFloorSeconds">The modelled server time really waited, spread over MaxConcurrency requests in flight.</param>
/// <param name="MaxFloorOverWall">max(policy floor, server floor) / wall: 1 would be a perfect client.</param>
internal sealed record BulkAddRow(
    string Plan,
    int MaxConcurrency,
    long BatchRequests,
    LimitsResult Measured,
    double ServerFloorSeconds,
    double MaxFloorOverWall,
    IReadOnlyDictionary<string, double> WaitSecondsByReason,
    IReadOnlyDictionary<string, long> Errors);
