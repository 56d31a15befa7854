using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bitrix.Bench.Harness;

namespace Bitrix.Bench.Scenarios;

/// <summary>
/// A whole-list export: <c>ListAllAsync("crm.deal.list")</c> over N deals with each paging
/// strategy, each against a fresh portal (empty bucket, empty operating budget), with the plan's
/// leaky bucket enforced and modelled server time really waited. Reports the common
/// <see cref="LimitsResult"/> fields (wall time against the policy floor, refusals, retries,
/// operating seconds, CPU, working set) and checks the exported IDs against <c>/_emulator/ids</c>.
/// As <c>faults</c> the same export runs against an emulator that injects faults into a share of
/// its answers; the exported ID set must still be exact.
/// </summary>
internal sealed class ExportScenario(bool faults = false) : IScenario
{
    public const string Method = "crm.deal.list";

    /// <summary>The default select: a typical narrow export.</summary>
    public static readonly string[] DefaultSelect = ["ID", "TITLE", "STAGE_ID", "OPPORTUNITY", "DATE_CREATE"];

    /// <summary>The faults of the <c>faults</c> scenario: every kind the emulator knows.</summary>
    public const string MixedFaultKinds = "500,502html,503,reset,truncate,slow,cut,cutshort,empty,html200";

    private static readonly string[] AllStrategies = ["auto", "offset", "chained", "parallel"];

    /// <summary>The emulator's seeded ID layouts; <c>gaps</c> is its default.</summary>
    private static readonly string[] AllLayouts = ["dense", "gaps", "blocks", "adversarial"];

    public string Name => faults ? "faults" : "export";

    public string Summary => faults
        ? "export with injected faults (default 5 %, every kind): retries, faults injected, the same ID check"
        : "ListAllAsync(crm.deal.list) over N deals per strategy: wall time vs the policy floor, 503/429, operating seconds, ID check";

    public string Usage => $"""
        Options:
          --deals N            seeded deals (default {(faults ? "20000" : "200000")})
          --strategies LIST    comma-separated among {string.Join(", ", AllStrategies)} (default {(faults ? "auto" : "all")})
          --id-layout LIST     comma-separated among {string.Join(", ", AllLayouts)} or all: each strategy runs on each
                               layout of seeded IDs (default gaps, the emulator's default)
          --cap-seconds S      stop a strategy that runs longer than S seconds and report how far it got (default 120)
          --select FIELDS      comma-separated select (default {string.Join(",", DefaultSelect)})
          --latency-scale S    multiplier of the emulator's modelled server time really waited (default 1)
          --plan NAME          standard (50 + 2/s, default), enterprise (250 + 5/s) or custom --capacity X --drain Y
          --fault-rate P       probability 0..1 of an injected fault per request (default {(faults ? "0.05" : "0")})
          --fault-kinds LIST   the kinds injected (default {MixedFaultKinds})
          --slow-delay S       seconds a "slow" answer is held back (default 5)
          --request-timeout S  the client's RequestTimeout (default {(faults ? "3" : "100")}: a slow answer times out and is resent;
                               at 1 s, batches of a loaded 2-core machine timed out too)
          --fresh MODE         reset (default): one emulator process, POST /_emulator/reset before each strategy
                               and a private client store (empty bucket on both sides; the emulator's JIT stays warm);
                               process: a new emulator process per strategy and the default shared store
          --warmup-rounds R    before measuring, R reads of at most 5,000 rows per chosen strategy (reset: against
                               the measured emulator, then reset; process: an open emulator) to JIT-compile (default 1; 0: none)
          --emulator PATH      Bitrix.Emulator.dll (default: the one built beside this harness)
          --out DIR            where the JSON and Markdown results go (default bench/results)
        The emulator runs in its own process over loopback. Exit code 1 when a strategy that was not
        capped misses or duplicates rows (its IDs differ from /_emulator/ids), a read fails, or the
        emulator refused anything (503 or 429) to a run that was not capped.
        policy floor = max(0, ceil(rows / 2500) + 3 - capacity) / drain: the least wall time the
        leaky bucket allows for the fewest requests the list needs (50 pages of 50 per batch).
        """;

    public async Task<int> RunAsync(BenchArguments arguments, CancellationToken cancellationToken)
    {
        var deals = arguments.Int("deals", faults ? 20_000 : 200_000, min: 1);
        var strategies = arguments.Choices("strategies", faults ? ["auto"] : AllStrategies);
        var layouts = arguments.String("id-layout") switch
        {
            null => ["gaps"],
            "all" => AllLayouts,
            _ => arguments.Choices("id-layout", AllLayouts),
        };

        var capSeconds = arguments.Double("cap-seconds", 120, min: 0.1);
        var select = (arguments.String("select") ?? string.Join(",", DefaultSelect))
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var latencyScale = arguments.Double("latency-scale", 1, min: 0);
        var plan = LimitPlanChoice.Read(arguments, new(LimitPlanChoice.Standard, RateLimitPlan.Standard));
        var faultRate = arguments.Double("fault-rate", faults ? 0.05 : 0, min: 0);
        var faultKinds = arguments.String("fault-kinds", MixedFaultKinds);
        var slowDelay = arguments.Double("slow-delay", 5, min: 0);
        var requestTimeout = TimeSpan.FromSeconds(arguments.Double("request-timeout", faults ? 3 : 100, min: 0.05));
        var output = arguments.String("out", Path.Combine("bench", "results"));
        var warmupRounds = arguments.Int("warmup-rounds", 1, min: 0);
        var fresh = arguments.String("fresh", "reset");
        if (fresh is not ("reset" or "process"))
        {
            throw new ArgumentException($"--fresh takes reset or process; got '{fresh}'");
        }

        var emulatorDll = EmulatorProcess.Locate(arguments.String("emulator"));
        arguments.EnsureAllRead();

        var report = new ScenarioReport(Name, output)
            .Parameter("plan", plan)
            .Parameter("deals", deals)
            .Parameter("id-layout", string.Join(",", layouts))
            .Parameter("latency-scale", latencyScale)
            .Parameter("cap-seconds", capSeconds)
            .Parameter("select", string.Join(",", select))
            .Parameter("warmup-rounds", warmupRounds)
            .Parameter("fresh", fresh)
            .Parameter("emulator", "own process, loopback");
        IEnumerable<string> emulatorArguments = [.. LimitsSetup.EmulatorArguments(plan, latencyScale, deals), "--id-layout", layouts[0]];
        if (faultRate > 0)
        {
            emulatorArguments = emulatorArguments.Concat(["--fault-rate", Invariant(faultRate), "--fault-kinds", faultKinds, "--slow-delay", Invariant(slowDelay)]);
            report.Parameter("fault-rate", faultRate).Parameter("fault-kinds", faultKinds).Parameter("slow-delay", slowDelay).Parameter("request-timeout", requestTimeout.TotalSeconds);
        }

        var clientOptions = (RateLimitPlan bucket, IRateLimitStore store) => new BitrixClientOptions { RateLimit = bucket, RateLimitStore = store, RequestTimeout = requestTimeout };
        var rows = new List<ExportRow>();
        EmulatorProcess? shared = null;
        if (fresh == "reset")
        {
            // One emulator for all strategies (its JIT warm), reset before each: empty bucket,
            // empty operating budget, zero counters, the same seeded data. Each client gets a
            // private store, so it starts from an empty bucket too.
            shared = await EmulatorProcess.StartAsync(emulatorDll, emulatorArguments, cancellationToken).ConfigureAwait(false);
            await WarmUpAsync(shared.WebhookUrl, clientOptions(plan.Plan, new InMemoryRateLimitStore()), strategies, select, warmupRounds, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await using var open = await LimitsSetup.StartWarmUpEmulatorAsync(emulatorDll, 5_000, cancellationToken).ConfigureAwait(false);
            await WarmUpAsync(open.WebhookUrl, clientOptions(new RateLimitPlan(1_000_000, 1_000_000), new InMemoryRateLimitStore()), strategies, select, warmupRounds, cancellationToken).ConfigureAwait(false);
        }

        await using var sharedScope = shared;
        foreach (var layout in layouts)
        {
            foreach (var strategy in strategies)
            {
                ExportRow row;
                if (shared is not null)
                {
                    using var control = new EmulatorControl(shared.WebhookUrl);
                    await control.ResetAsync(layout, cancellationToken).ConfigureAwait(false);
                    row = await RunOneAsync(shared, clientOptions(plan.Plan, new InMemoryRateLimitStore()), plan, latencyScale, deals, layout, strategy, select, capSeconds, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await using var emulator = await EmulatorProcess.StartAsync(emulatorDll, [.. emulatorArguments, "--id-layout", layout], cancellationToken).ConfigureAwait(false);
                    RateScenario.EnsureFreshSharedBucket(emulator.WebhookUrl, plan);
                    row = await RunOneAsync(emulator, clientOptions(plan.Plan, InMemoryRateLimitStore.Shared), plan, latencyScale, deals, layout, strategy, select, capSeconds, cancellationToken).ConfigureAwait(false);
                }

                rows.Add(row);
                var name = $"{strategy} on {layout}";
                Console.WriteLine($"{name}{(row.Capped ? " (capped)" : "")}: {row.Measured.Summary()}, ids {row.IdCheck}");
                if (row.Error is not null)
                {
                    report.Fail($"{name}: the read failed: {row.Error}");
                }

                if (!row.IdsMatch)
                {
                    report.Fail($"{name}: ID MISMATCH: {row.IdCheck}");
                }

                if (!row.Capped)
                {
                    report.FailOnRefusals(name, row.Measured.Rejected503, row.Measured.Rejected429);
                }
            }
        }

        report.Note($"select {string.Join(",", select)}; each strategy against a fresh portal ({(fresh == "reset" ? "one emulator process reset before each strategy, a private client store" : "a new emulator process each, the shared client store")}; {plan}, latency-scale {Invariant(latencyScale)}, {deals} deals, seed 1{(faultRate > 0 ? $"; faults: rate {Invariant(faultRate)} of {faultKinds}, slow answers held {Invariant(slowDelay)} s, client RequestTimeout {Invariant(requestTimeout.TotalSeconds)} s" : "")}).")
            .Note(LimitsResult.Note)
            .Note($"operating s here is crm.deal.list's: charged against the 480 s / 10 min budget. CPU and WS after {warmupRounds} warm-up export(s) per strategy; the WS includes the harness's list of exported IDs.")
            .Note("ids: the exported IDs against GET /_emulator/ids?entity=crm.deal (all of them for a complete read; a capped read must be duplicate-free and a subset).");
        return await report.FinishAsync(rows, Table(rows, faultRate > 0), cancellationToken).ConfigureAwait(false);
    }

    private static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>JIT-compiles the list paths (client, and emulator when it is the measured one), on a private store.</summary>
    private static async Task WarmUpAsync(Uri webhookUrl, BitrixClientOptions options, IReadOnlyList<string> strategies, string[] select, int rounds, CancellationToken cancellationToken)
    {
        if (rounds == 0)
        {
            return;
        }

        await using var client = BitrixClient.FromWebhook(webhookUrl.ToString(), options);
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

    private static async Task<ExportRow> RunOneAsync(EmulatorProcess emulator, BitrixClientOptions clientOptions, LimitPlanChoice plan, double latencyScale, int deals, string layout, string strategy, string[] select, double capSeconds, CancellationToken cancellationToken)
    {
        using (var control = new EmulatorControl(emulator.WebhookUrl))
        {
            var before = await control.StatsAsync(cancellationToken).ConfigureAwait(false);
            if (before.Requests != 0 || before.BucketLevel > 0)
            {
                throw new InvalidOperationException($"the new emulator is not fresh: {before.Requests} requests, bucket {before.BucketLevel}");
            }
        }

        await using var client = BitrixClient.FromWebhook(emulator.WebhookUrl.ToString(), clientOptions);
        var parameters = new JsonObject { ["select"] = new JsonArray([.. select.Select(s => (JsonNode)s)]) };
        var options = new ListOptions { Strategy = Parse(strategy) };
        var ids = new List<long>(deals);
        using var cap = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var capped = false;
        string? error = null;
        using var run = await MeasuredRun.StartAsync(emulator, cancellationToken).ConfigureAwait(false);
        cap.CancelAfter(TimeSpan.FromSeconds(capSeconds));
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

        var outcome = await run.StopAsync(ids.Count, PolicyFloor.ForList(ids.Count, plan.Plan), latencyScale, cancellationToken).ConfigureAwait(false);
        var expected = await ExpectedIdsAsync(emulator.WebhookUrl, cancellationToken).ConfigureAwait(false);
        var (match, check) = CheckIds(ids, expected, complete: !capped && error is null);
        return new ExportRow(
            layout,
            strategy,
            plan.ToString(),
            deals,
            capped,
            outcome.Result,
            outcome.Stats.OperatingSecondsByMethod.GetValueOrDefault(Method),
            outcome.Heard.RefusalsByCode,
            outcome.Heard.RetriesByReason,
            match,
            check,
            error);
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
        static string Range(long[] a) => a.Length == 0 ? "none" : $"{a[0]}..{a[^1]}";
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

    private static MarkdownTable Table(IEnumerable<ExportRow> rows, bool faults)
    {
        var table = faults
            ? MarkdownTable.WithLimits("ID layout", "strategy", "plan", "of deals", "rows/s", "list operating s", "faults injected", "retries by reason", "ids")
            : MarkdownTable.WithLimits("ID layout", "strategy", "plan", "of deals", "rows/s", "list operating s", "operating ms / 2,500 rows", "requests − floor", "ids");
        foreach (var r in rows)
        {
            var m = r.Measured;
            string[] own =
            [
                r.Layout,
                r.Strategy + (r.Capped ? " (capped)" : r.Error is not null ? " (FAILED)" : ""),
                r.Plan,
                r.Deals.ToString(CultureInfo.InvariantCulture),
                (m.Rows / Math.Max(m.WallSeconds, 1e-9)).ToString("F0", CultureInfo.InvariantCulture),
                r.ListOperatingSeconds.ToString("F2", CultureInfo.InvariantCulture),
            ];
            own = faults
                ? [.. own, MarkdownTable.Counts(m.FaultsInjected), MarkdownTable.Counts(r.RetriesByReason)]
                : [.. own, (r.ListOperatingSeconds * 1000 * 2_500 / Math.Max(1, m.Rows)).ToString("F1", CultureInfo.InvariantCulture), (m.Requests - m.Floor.MinRequests).ToString("+0;-0;0", CultureInfo.InvariantCulture)];

            table.Add(m, [.. own, r.IdsMatch ? (r.IdCheck.StartsWith("subset", StringComparison.Ordinal) ? "subset ok" : "equal") : "MISMATCH"]);
        }

        return table;
    }
}

/// <summary>One strategy's export.</summary>
/// <param name="Measured">The common fields; rows are the rows read.</param>
/// <param name="ListOperatingSeconds">Modelled server seconds charged to <c>crm.deal.list</c> (its 480 s / 10 min budget).</param>
/// <param name="RefusalsSeenByClient">503 and 429 answers the client's meter heard (injected 503 pages included).</param>
/// <param name="RetriesByReason">The client's resends after transient failures, by reason.</param>
internal sealed record ExportRow(
    string Layout,
    string Strategy,
    string Plan,
    int Deals,
    bool Capped,
    LimitsResult Measured,
    double ListOperatingSeconds,
    IReadOnlyDictionary<string, long> RefusalsSeenByClient,
    IReadOnlyDictionary<string, long> RetriesByReason,
    bool IdsMatch,
    string IdCheck,
    string? Error);
