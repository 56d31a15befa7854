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
        var latencyScale = arguments.Double("latency-scale", 1, min: 0);
        var deals = arguments.Int("deals", 1000, min: 1);
        var warmup = arguments.Int("warmup", quick ? 50 : 100, min: 0);
        var warmupRounds = arguments.Int("warmup-rounds", quick ? 1 : 40, min: 1);
        var output = arguments.String("out", Path.Combine("bench", "results"));
        var emulatorDll = EmulatorProcess.Locate(arguments.String("emulator"));
        arguments.EnsureAllRead();

        var startedAt = DateTimeOffset.UtcNow;
        await RateScenario.WarmUpAsync(emulatorDll, warmup, warmupRounds, deals, cancellationToken).ConfigureAwait(false);
        await using var emulator = await LimitsSetup.StartEmulatorAsync(emulatorDll, plan, latencyScale, deals, cancellationToken).ConfigureAwait(false);
        using var control = new EmulatorControl(emulator.WebhookUrl);
        RateScenario.EnsureFreshSharedBucket(emulator.WebhookUrl, plan);
        var before = await control.StatsAsync(cancellationToken).ConfigureAwait(false);

        using var metrics = new ClientMetrics();
        await using var client = BitrixClient.FromWebhook(emulator.WebhookUrl.ToString(), new BitrixClientOptions { RateLimit = plan.Plan, MaxConcurrency = maxConcurrency });
        var self = System.Diagnostics.Process.GetCurrentProcess();
        self.Refresh();
        var cpuBefore = self.TotalProcessorTime;
        var jitBefore = System.Runtime.JitInfo.GetCompilationTime();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var results = await client.CallManyAsync(Method, Enumerable.Range(1, adds).Select(i => (JsonObject?)LimitsSetup.DealFields(i)), cancellationToken).ConfigureAwait(false);
        var wall = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
        self.Refresh();
        var cpu = (self.TotalProcessorTime - cpuBefore).TotalSeconds;
        var jit = (System.Runtime.JitInfo.GetCompilationTime() - jitBefore).TotalSeconds;
        var stats = await control.StatsAsync(cancellationToken).ConfigureAwait(false);
        var heard = metrics.Snapshot();

        var batches = (long)Math.Ceiling(adds / 50.0);
        var policyFloor = Math.Max(0, batches - plan.Plan.Capacity) / plan.Plan.DrainPerSecond;
        var serverSeconds = stats.OperatingSecondsByMethod.GetValueOrDefault(Method);
        var serverFloor = serverSeconds * latencyScale / maxConcurrency;
        var errors = results.Where(r => r.Error is not null)
            .GroupBy(r => r.Error!.Code, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (long)g.Count(), StringComparer.Ordinal);
        var added = stats.Calls(Method);
        var dealsBefore = before.DealCount;
        var row = new BulkAddRow(
            plan.ToString(),
            adds,
            maxConcurrency,
            stats.Requests,
            stats.Calls("batch"),
            batches,
            stats.Rejected503,
            stats.Rejected429,
            wall,
            policyFloor,
            policyFloor / wall,
            serverSeconds,
            serverFloor,
            Math.Max(policyFloor, serverFloor) / wall,
            adds / wall,
            cpu,
            jit,
            heard.WaitSecondsByReason,
            errors);
        Console.WriteLine($"{adds} adds: {row.Requests} requests, 503 {row.Rejected503}, wall {wall:F2} s, policy floor {policyFloor:F2} s ({row.PolicyFloorOverWall:P0} of wall)");

        var failures = new List<string>();
        if (errors.Count > 0)
        {
            failures.Add($"failed adds {string.Join(", ", errors.Select(e => $"{e.Key} ×{e.Value}"))}");
        }

        if (row.Rejected503 > 0 || row.Rejected429 > 0)
        {
            failures.Add($"the emulator refused {row.Rejected503} requests with 503 and {row.Rejected429} calls with 429");
        }

        if (added != adds)
        {
            failures.Add($"the emulator ran {added} {Method} commands, not {adds}");
        }

        var dealsAfter = stats.DealCount;
        if (dealsBefore is { } b && dealsAfter is { } a && a - b != adds)
        {
            failures.Add($"the emulator holds {a - b} more deals, not {adds}");
        }

        var notes = new List<string>
        {
            "policy floor = max(0, ceil(N/50) − capacity) / drain: the batch requests beyond the bucket's capacity, one per 1/drain s. server floor = the emulator's modelled server seconds for the adds × latency-scale / MaxConcurrency. floor/wall uses the larger of the two.",
            "requests: HTTP requests the emulator received (batches: of them, batch requests); CPU s is the client process during the adds, JIT s the part spent compiling after the warm-up.",
        };
        notes.AddRange(failures.Select(f => "FAILED: " + f));
        var report = new BenchReport<BulkAddRow>(
            Name,
            startedAt,
            MachineInfo.Current(),
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["plan"] = plan.ToString(),
                ["adds"] = adds.ToString(CultureInfo.InvariantCulture),
                ["max-concurrency"] = maxConcurrency.ToString(CultureInfo.InvariantCulture),
                ["latency-scale"] = latencyScale.ToString(CultureInfo.InvariantCulture),
            },
            [row],
            notes);
        var table = Table([row]);
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

    private static MarkdownTable Table(IEnumerable<BulkAddRow> rows)
    {
        var table = new MarkdownTable("plan", "adds", "max conc.", "requests", "batches", "503", "429", "wall s", "policy floor s", "policy floor / wall", "server s", "server floor s", "max floor / wall", "adds/s", "CPU s", "of it JIT s", "errors");
        foreach (var r in rows)
        {
            table.Add(
                r.Plan,
                r.Adds.ToString(CultureInfo.InvariantCulture),
                r.MaxConcurrency.ToString(CultureInfo.InvariantCulture),
                r.Requests.ToString(CultureInfo.InvariantCulture),
                r.BatchRequests.ToString(CultureInfo.InvariantCulture),
                r.Rejected503.ToString(CultureInfo.InvariantCulture),
                r.Rejected429.ToString(CultureInfo.InvariantCulture),
                r.WallSeconds.ToString("F2", CultureInfo.InvariantCulture),
                r.PolicyFloorSeconds.ToString("F2", CultureInfo.InvariantCulture),
                r.PolicyFloorOverWall.ToString("F3", CultureInfo.InvariantCulture),
                r.ServerSeconds.ToString("F2", CultureInfo.InvariantCulture),
                r.ServerFloorSeconds.ToString("F2", CultureInfo.InvariantCulture),
                r.FloorOverWall.ToString("F3", CultureInfo.InvariantCulture),
                r.AddsPerSecond.ToString("F0", CultureInfo.InvariantCulture),
                r.ClientCpuSeconds.ToString("F3", CultureInfo.InvariantCulture),
                r.JitSeconds.ToString("F3", CultureInfo.InvariantCulture),
                r.Errors.Count == 0 ? "0" : string.Join(", ", r.Errors.Select(e => $"{e.Key} ×{e.Value}")));
        }

        return table;
    }
}

/// <summary>One bulk add.</summary>
/// <param name="ExpectedBatches">ceil(N / 50): the batch requests the adds need at least.</param>
/// <param name="PolicyFloorSeconds">max(0, batches − capacity) / drain.</param>
/// <param name="ServerSeconds">The emulator's modelled server time for the adds.</param>
/// <param name="ServerFloorSeconds">That time, as really waited (× latency-scale), spread over MaxConcurrency requests in flight.</param>
/// <param name="FloorOverWall">max(policy floor, server floor) / wall: 1 would be a perfect client.</param>
internal sealed record BulkAddRow(
    string Plan,
    int Adds,
    int MaxConcurrency,
    long Requests,
    long BatchRequests,
    long ExpectedBatches,
    long Rejected503,
    long Rejected429,
    double WallSeconds,
    double PolicyFloorSeconds,
    double PolicyFloorOverWall,
    double ServerSeconds,
    double ServerFloorSeconds,
    double FloorOverWall,
    double AddsPerSecond,
    double ClientCpuSeconds,
    double JitSeconds,
    IReadOnlyDictionary<string, double> WaitSecondsByReason,
    IReadOnlyDictionary<string, long> Errors);
