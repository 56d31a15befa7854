using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bitrix.Bench.Harness;

namespace Bitrix.Bench.Scenarios;

/// <summary>
/// A whole-list export: <c>ListAllAsync("crm.deal.list")</c> over N deals with each paging
/// strategy, each against a fresh emulator process (empty bucket, empty operating budget), with
/// the plan's leaky bucket enforced and modelled server time really waited. Reports wall time
/// against the policy floor, the emulator's refusals and charged operating seconds, and checks
/// the exported IDs against <c>/_emulator/ids</c>.
/// </summary>
internal sealed class ExportScenario : IScenario
{
    public const string Method = "crm.deal.list";

    /// <summary>The default select: a typical narrow export.</summary>
    public static readonly string[] DefaultSelect = ["ID", "TITLE", "STAGE_ID", "OPPORTUNITY", "DATE_CREATE"];

    private static readonly string[] AllStrategies = ["auto", "offset", "chained", "parallel"];

    public string Name => "export";

    public string Summary => "ListAllAsync(crm.deal.list) over N deals per strategy: wall time vs the policy floor, 503/429, operating seconds, ID check";

    public string Usage => $"""
        Options:
          --deals N            seeded deals (default 200000)
          --strategies LIST    comma-separated among {string.Join(", ", AllStrategies)} (default all)
          --cap-seconds S      stop a strategy that runs longer than S seconds and report how far it got (default 120)
          --select FIELDS      comma-separated select (default {string.Join(",", DefaultSelect)})
          --latency-scale S    multiplier of the emulator's modelled server time really waited (default 1)
          --plan NAME          standard (50 + 2/s, default), enterprise (250 + 5/s) or custom --capacity X --drain Y
          --fresh MODE         reset (default): one emulator process, POST /_emulator/reset before each strategy
                               and a private client store (empty bucket on both sides; the emulator's JIT stays warm);
                               process: a new emulator process per strategy and the default shared store
          --warmup-rounds R    before measuring, R reads of at most 5,000 rows per chosen strategy (reset: against
                               the measured emulator, then reset; process: an open emulator) to JIT-compile (default 1; 0: none)
          --emulator PATH      Bitrix.Emulator.dll (default: the one built beside this harness)
          --out DIR            where the JSON and Markdown results go (default bench/results)
        Each strategy runs against an emulator process of its own. Exit code 1 when a strategy that
        was not capped misses or duplicates rows (its IDs differ from /_emulator/ids), a read fails,
        or the emulator refused anything (503 or 429) to a run that was not capped.
        policy floor = max(0, ceil(rows / 2500) + 3 - capacity) / drain: the least wall time the
        leaky bucket allows for the fewest requests the list needs (50 pages of 50 per batch).
        """;

    public async Task<int> RunAsync(BenchArguments arguments, CancellationToken cancellationToken)
    {
        var deals = arguments.Int("deals", 200_000, min: 1);
        var strategies = arguments.Choices("strategies", AllStrategies);
        var capSeconds = arguments.Double("cap-seconds", 120, min: 0.1);
        var select = (arguments.String("select") ?? string.Join(",", DefaultSelect))
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var latencyScale = arguments.Double("latency-scale", 1, min: 0);
        var plan = LimitPlanChoice.Read(arguments, new(LimitPlanChoice.Standard, RateLimitPlan.Standard));
        var output = arguments.String("out", Path.Combine("bench", "results"));
        var warmupRounds = arguments.Int("warmup-rounds", 1, min: 0);
        var fresh = arguments.String("fresh", "reset");
        if (fresh is not ("reset" or "process"))
        {
            throw new ArgumentException($"--fresh takes reset or process; got '{fresh}'");
        }

        var emulatorDll = EmulatorProcess.Locate(arguments.String("emulator"));
        arguments.EnsureAllRead();

        var startedAt = DateTimeOffset.UtcNow;
        var rows = new List<ExportRow>();
        var failures = new List<string>();
        EmulatorProcess? shared = null;
        if (fresh == "reset")
        {
            // One emulator for all strategies (its JIT warm), reset before each: empty bucket,
            // empty operating budget, zero counters, the same seeded data. Each client gets a
            // private store, so it starts from an empty bucket too.
            shared = await LimitsSetup.StartEmulatorAsync(emulatorDll, plan, latencyScale, deals, cancellationToken).ConfigureAwait(false);
            await WarmUpAsync(shared.WebhookUrl, plan.Plan, strategies, select, warmupRounds, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await using var open = await LimitsSetup.StartWarmUpEmulatorAsync(emulatorDll, 5_000, cancellationToken).ConfigureAwait(false);
            await WarmUpAsync(open.WebhookUrl, new RateLimitPlan(1_000_000, 1_000_000), strategies, select, warmupRounds, cancellationToken).ConfigureAwait(false);
        }

        await using var sharedScope = shared;
        foreach (var strategy in strategies)
        {
            ExportRow row;
            if (shared is not null)
            {
                using var control = new EmulatorControl(shared.WebhookUrl);
                await control.ResetAsync(cancellationToken).ConfigureAwait(false);
                row = await RunOneAsync(shared, new InMemoryRateLimitStore(), plan, deals, strategy, select, capSeconds, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await using var emulator = await LimitsSetup.StartEmulatorAsync(emulatorDll, plan, latencyScale, deals, cancellationToken).ConfigureAwait(false);
                RateScenario.EnsureFreshSharedBucket(emulator.WebhookUrl, plan);
                row = await RunOneAsync(emulator, null, plan, deals, strategy, select, capSeconds, cancellationToken).ConfigureAwait(false);
            }

            rows.Add(row);
            Console.WriteLine($"{strategy}: {row.Rows} rows{(row.Capped ? " (capped)" : "")}, wall {row.WallSeconds:F2} s, {row.Requests} requests, 503 {row.Rejected503}, 429 {row.Rejected429}, retries {row.Retries}, operating {row.OperatingSeconds:F2} s, floor {row.PolicyFloorSeconds:F2} s, ids {row.IdCheck}");
            if (row.Error is not null)
            {
                failures.Add($"{strategy}: the read failed: {row.Error}");
            }

            if (!row.IdsMatch)
            {
                failures.Add($"{strategy}: ID MISMATCH: {row.IdCheck}");
            }

            if (!row.Capped && (row.Rejected503 > 0 || row.Rejected429 > 0))
            {
                failures.Add($"{strategy}: the emulator refused {row.Rejected503} requests with 503 and {row.Rejected429} with 429");
            }
        }

        var notes = new List<string>
        {
            $"select {string.Join(",", select)}; each strategy against a fresh portal ({(fresh == "reset" ? "one emulator process reset before each strategy, a private client store" : "a new emulator process each, the shared client store")}; {plan}, latency-scale {latencyScale.ToString(CultureInfo.InvariantCulture)}, {deals} deals, seed 1).",
            "requests, 503, 429, operating s: the emulator's /_emulator/stats (operating s = operatingSecondsByMethod[crm.deal.list], the modelled server time charged against the 480 s / 10 min budget). retries: the client's bitrix.client.retries.",
            $"policy floor = max(0, ceil(rows / 2500) + 3 - capacity) / drain. CPU s: this process's CPU time during the read (after {warmupRounds} warm-up export(s) per strategy). peak WS: the process's working set sampled every 50 ms during the read (after a full GC before it; it includes the harness's list of exported IDs).",
            "ids: the exported IDs against GET /_emulator/ids?entity=crm.deal (all of them for a complete read; a capped read must be duplicate-free and a subset).",
        };
        notes.AddRange(failures.Select(f => "FAILED: " + f));
        var report = new BenchReport<ExportRow>(
            Name,
            startedAt,
            MachineInfo.Current(),
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["plan"] = plan.ToString(),
                ["deals"] = deals.ToString(CultureInfo.InvariantCulture),
                ["latency-scale"] = latencyScale.ToString(CultureInfo.InvariantCulture),
                ["cap-seconds"] = capSeconds.ToString(CultureInfo.InvariantCulture),
                ["select"] = string.Join(",", select),
                ["warmup-rounds"] = warmupRounds.ToString(CultureInfo.InvariantCulture),
                ["fresh"] = fresh,
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

    /// <summary>JIT-compiles the list paths (client, and emulator when it is the measured one), on a private store.</summary>
    private static async Task WarmUpAsync(Uri webhookUrl, RateLimitPlan plan, IReadOnlyList<string> strategies, string[] select, int rounds, CancellationToken cancellationToken)
    {
        if (rounds == 0)
        {
            return;
        }

        await using var client = BitrixClient.FromWebhook(webhookUrl.ToString(), new BitrixClientOptions { RateLimit = plan, RateLimitStore = new InMemoryRateLimitStore() });
        var parameters = new JsonObject { ["select"] = new JsonArray([.. select.Select(s => (JsonNode)s)]) };
        for (var round = 0; round < rounds; round++)
        {
            foreach (var strategy in strategies)
            {
                await foreach (var row in client.ListAllAsync(Method, parameters, new ListOptions { Strategy = Parse(strategy), MaxItems = 5_000 }, cancellationToken).ConfigureAwait(false))
                {
                    _ = ReadId(row);
                }
            }
        }
    }

    private static ListStrategy Parse(string strategy) => strategy switch
    {
        "auto" => ListStrategy.Auto,
        "offset" => ListStrategy.Offset,
        "chained" => ListStrategy.ChainedCursor,
        "parallel" => ListStrategy.ParallelCursor,
        _ => throw new ArgumentException($"unknown strategy '{strategy}'"),
    };

    private static async Task<ExportRow> RunOneAsync(EmulatorProcess emulator, IRateLimitStore? store, LimitPlanChoice plan, int deals, string strategy, string[] select, double capSeconds, CancellationToken cancellationToken)
    {
        using var control = new EmulatorControl(emulator.WebhookUrl);
        var before = await control.StatsAsync(cancellationToken).ConfigureAwait(false);
        if (before.Requests != 0 || before.BucketLevel > 0)
        {
            throw new InvalidOperationException($"the new emulator is not fresh: {before.Requests} requests, bucket {before.BucketLevel}");
        }

        using var metrics = new ClientMetrics();
        await using var client = BitrixClient.FromWebhook(emulator.WebhookUrl.ToString(), new BitrixClientOptions { RateLimit = plan.Plan, RateLimitStore = store ?? InMemoryRateLimitStore.Shared });
        var parameters = new JsonObject { ["select"] = new JsonArray([.. select.Select(s => (JsonNode)s)]) };
        var options = new ListOptions { Strategy = Parse(strategy) };

        var ids = new List<long>(deals);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var cap = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var self = Process.GetCurrentProcess();
        long peak = 0;
        using var sampler = new Timer(_ => UpdatePeak(ref peak), null, 0, 50);
        var cpuBefore = self.TotalProcessorTime;
        var serverCpuBefore = emulator.CpuTime;
        var watch = Stopwatch.StartNew();
        cap.CancelAfter(TimeSpan.FromSeconds(capSeconds));
        var capped = false;
        string? error = null;
        try
        {
            await foreach (var row in client.ListAllAsync(Method, parameters, options, cap.Token).ConfigureAwait(false))
            {
                ids.Add(ReadId(row));
            }
        }
        catch (OperationCanceledException) when (cap.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            capped = true;
        }
        catch (Exception e) when (e is BitrixException or HttpRequestException or InvalidOperationException)
        {
            error = $"{e.GetType().Name}: {e.Message}";
        }

        var wall = watch.Elapsed.TotalSeconds;
        self.Refresh();
        var cpu = (self.TotalProcessorTime - cpuBefore).TotalSeconds;
        var serverCpu = (emulator.CpuTime - serverCpuBefore).TotalSeconds;
        UpdatePeak(ref peak);
        var stats = await control.StatsAsync(cancellationToken).ConfigureAwait(false);
        var heard = metrics.Snapshot();
        var expected = await ExpectedIdsAsync(emulator.WebhookUrl, cancellationToken).ConfigureAwait(false);
        var (match, check) = CheckIds(ids, expected, complete: !capped && error is null);

        var minRequests = (long)Math.Ceiling(ids.Count / 2500.0) + 3;
        var floor = Math.Max(0, minRequests - plan.Plan.Capacity) / plan.Plan.DrainPerSecond;
        return new ExportRow(
            strategy,
            plan.ToString(),
            deals,
            ids.Count,
            capped,
            wall,
            stats.Requests,
            stats.Rejected503,
            stats.Rejected429,
            heard.RetriesByReason.Values.Sum(),
            heard.RefusalsByCode,
            stats.OperatingSecondsByMethod.GetValueOrDefault(Method),
            minRequests,
            floor,
            wall > 0 ? floor / wall : 0,
            ids.Count / Math.Max(wall, 1e-9),
            cpu,
            serverCpu,
            peak / (1024.0 * 1024.0),
            match,
            check,
            error);
    }

    private static void UpdatePeak(ref long peak)
    {
        var now = Environment.WorkingSet;
        long seen;
        do
        {
            seen = Interlocked.Read(ref peak);
            if (now <= seen)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref peak, now, seen) != seen);
    }

    private static long ReadId(JsonElement row)
    {
        var id = row.GetProperty("ID");
        return id.ValueKind == JsonValueKind.Number ? id.GetInt64() : long.Parse(id.GetString()!, CultureInfo.InvariantCulture);
    }

    private static async Task<long[]> ExpectedIdsAsync(Uri webhookUrl, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(60) };
        var url = new Uri(new Uri(webhookUrl.GetLeftPart(UriPartial.Authority) + "/"), "_emulator/ids?entity=crm.deal");
        await using var stream = await http.GetStreamAsync(url, cancellationToken).ConfigureAwait(false);
        using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        var ids = document.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        var count = document.RootElement.GetProperty("count").GetInt64();
        if (count != ids.Length)
        {
            throw new InvalidOperationException($"/_emulator/ids says count {count} but lists {ids.Length} IDs");
        }

        Array.Sort(ids);
        return ids;
    }

    /// <summary>Complete reads must equal the portal's IDs exactly; capped ones must be a duplicate-free subset.</summary>
    internal static (bool Match, string Check) CheckIds(List<long> exported, long[] expected, bool complete)
    {
        var sorted = exported.ToArray();
        Array.Sort(sorted);
        var duplicates = 0;
        for (var i = 1; i < sorted.Length; i++)
        {
            if (sorted[i] == sorted[i - 1])
            {
                duplicates++;
            }
        }

        var expectedSet = expected.ToHashSet();
        var unknown = sorted.Distinct().Count(id => !expectedSet.Contains(id));
        var distinct = sorted.Length - duplicates;
        var missing = expected.Length - (distinct - unknown);
        string Range(long[] a) => a.Length == 0 ? "none" : $"{a[0]}..{a[^1]}";
        var summary = $"exported {sorted.Length} ({Range(sorted)}), portal {expected.Length} ({Range(expected)}), duplicates {duplicates}, unknown {unknown}, missing {missing}";
        if (duplicates > 0 || unknown > 0)
        {
            return (false, summary);
        }

        if (!complete)
        {
            return (true, "subset ok: " + summary);
        }

        return missing == 0 ? (true, "equal: " + summary) : (false, summary);
    }

    private static MarkdownTable Table(IEnumerable<ExportRow> rows)
    {
        var table = new MarkdownTable("strategy", "plan", "rows", "of deals", "wall s", "rows/s", "HTTP requests", "503", "429", "retries", "operating s", "min requests", "policy floor s", "floor/wall", "client CPU s", "emulator CPU s", "peak WS MB", "ids");
        foreach (var r in rows)
        {
            table.Add(
                r.Strategy + (r.Capped ? " (capped)" : r.Error is not null ? " (FAILED)" : ""),
                r.Plan,
                r.Rows.ToString(CultureInfo.InvariantCulture),
                r.Deals.ToString(CultureInfo.InvariantCulture),
                r.WallSeconds.ToString("F2", CultureInfo.InvariantCulture),
                r.RowsPerSecond.ToString("F0", CultureInfo.InvariantCulture),
                r.Requests.ToString(CultureInfo.InvariantCulture),
                r.Rejected503.ToString(CultureInfo.InvariantCulture),
                r.Rejected429.ToString(CultureInfo.InvariantCulture),
                r.Retries.ToString(CultureInfo.InvariantCulture),
                r.OperatingSeconds.ToString("F2", CultureInfo.InvariantCulture),
                r.MinRequests.ToString(CultureInfo.InvariantCulture),
                r.PolicyFloorSeconds.ToString("F2", CultureInfo.InvariantCulture),
                r.FloorOverWall.ToString("F3", CultureInfo.InvariantCulture),
                r.ClientCpuSeconds.ToString("F2", CultureInfo.InvariantCulture),
                r.ServerCpuSeconds.ToString("F2", CultureInfo.InvariantCulture),
                r.PeakWorkingSetMegabytes.ToString("F0", CultureInfo.InvariantCulture),
                r.IdsMatch ? (r.IdCheck.StartsWith("subset", StringComparison.Ordinal) ? "subset ok" : "equal") : "MISMATCH");
        }

        return table;
    }
}

/// <summary>One strategy's export.</summary>
/// <param name="Requests">HTTP requests the emulator received (refused ones included).</param>
/// <param name="OperatingSeconds">Modelled server seconds charged to <c>crm.deal.list</c>.</param>
/// <param name="MinRequests">ceil(rows / 2500) + 3: the fewest requests the list needs.</param>
/// <param name="PolicyFloorSeconds">max(0, MinRequests − capacity) / drain.</param>
internal sealed record ExportRow(
    string Strategy,
    string Plan,
    int Deals,
    long Rows,
    bool Capped,
    double WallSeconds,
    long Requests,
    long Rejected503,
    long Rejected429,
    long Retries,
    IReadOnlyDictionary<string, long> RefusalsSeenByClient,
    double OperatingSeconds,
    long MinRequests,
    double PolicyFloorSeconds,
    double FloorOverWall,
    double RowsPerSecond,
    double ClientCpuSeconds,
    double ServerCpuSeconds,
    double PeakWorkingSetMegabytes,
    bool IdsMatch,
    string IdCheck,
    string? Error);
