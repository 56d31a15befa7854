using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bitrix.Batching;
using Bitrix.Diagnostics;
using Bitrix.Throttling;
using Microsoft.Extensions.Logging;

namespace Bitrix.Listing;

/// <summary>
/// Reads whole lists (docs/protocol.md §3). The cursor strategies walk IDs with <c>start=-1</c>, chaining
/// 50 pages per batch through <c>$result[prev][49][ID]</c>, up to a snapshot bound taken at the
/// start, so every row that exists throughout is returned exactly once whatever is inserted or
/// deleted meanwhile; the parallel cursor reads counted pieces of the ID range concurrently and
/// still yields rows in ID order.
/// The offset strategy honours any order the caller asks for, de-duplicating by ID.
/// </summary>
internal sealed partial class Lister
{
    public const int PageSize = 50;
    public const int PagesPerBatch = 50;
    public const int RowsPerBatch = PageSize * PagesPerBatch;

    /// <summary>What a skipped row is assumed to cost until deep pages measure it (captured portals: 8–21 µs).</summary>
    private const double AssumedCostPerSkippedRow = 0.00002;

    /// <summary>Server time a single offset batch may take; the portal stops a request at 60 s.</summary>
    private static readonly TimeSpan OffsetBatchBudget = TimeSpan.FromSeconds(20);

    private readonly ICallSender _calls;
    private readonly BatchSender _batches;
    private readonly IWaitReasonSource _waits;
    private readonly int _parallelism;
    private readonly ILogger _logger;

    public Lister(ICallSender calls, BatchSender batches, IWaitReasonSource waits, int parallelism, ILogger logger)
    {
        _calls = calls;
        _batches = batches;
        _waits = waits;
        _parallelism = Math.Max(1, parallelism);
        _logger = logger;
    }

    /// <summary>Independent pages: a page refused for its method's operating time is asked again on its own.</summary>
    private async Task<Dictionary<string, CommandOutcome>> BatchAsync(IReadOnlyList<PackedCommand> commands, CancellationToken cancellationToken)
        => (await _batches.SendAsync(commands, BatchMode.ResendRefused, cancellationToken).ConfigureAwait(false)).Outcomes;

    /// <summary>Chained pages: sent as they are, no page resent on its own.</summary>
    private async Task<Dictionary<string, CommandOutcome>> ChainAsync(IReadOnlyList<PackedCommand> commands, CancellationToken cancellationToken)
        => (await _batches.SendAsync(commands, BatchMode.Chained, cancellationToken).ConfigureAwait(false)).Outcomes;

    public async IAsyncEnumerable<JsonElement> ListAsync(string method, JsonObject? parameters, ListOptions options, [EnumeratorCancellation] CancellationToken cancellationToken, ListObserver? observer = null)
    {
        var run = new Run(method, new ListQuery(parameters, ListMethodProfile.For(method, options)), options, _waits) { Observer = observer };
        var strategy = Choose(run, options.Strategy);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var rows = strategy switch
        {
            ListStrategy.Offset => OffsetAsync(run, stop.Token),
            ListStrategy.ChainedCursor => CursorAsync(run, parallel: false, stop.Token),
            _ => CursorAsync(run, parallel: true, stop.Token),
        };
        try
        {
            await foreach (var row in rows.ConfigureAwait(false))
            {
                yield return row;
                if (++run.Rows == options.MaxItems)
                {
                    break;
                }

                // Rows already read are not handed out after cancellation.
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            run.Report(force: true);
            BitrixMetrics.Rows.Add(run.Rows, new KeyValuePair<string, object?>("method", method));
        }
    }

    /// <summary>
    /// Auto: a cursor where the method supports one and the caller's order allows it (none, or by
    /// ID); the parallel cursor to let the rate limit, not latency, bound the read. Offset otherwise.
    /// </summary>
    private static ListStrategy Choose(Run run, ListStrategy wanted)
    {
        var query = run.Query;
        var cursorPossible = query.Profile.SupportsCursor && !query.HasNull && query.Order != RequestedOrder.Other;
        if (wanted is ListStrategy.ChainedCursor or ListStrategy.ParallelCursor && !cursorPossible)
        {
            throw new ArgumentException(
                query.Order == RequestedOrder.Other
                    ? "A cursor reads in ID order; this list asks for another order. Use ListStrategy.Offset (or Auto)."
                    : query.HasNull
                        ? "A cursor batches its pages, and a batch cannot carry null parameters. Use ListStrategy.Offset (or Auto)."
                        : $"{run.Method} has no ID cursor. Use ListStrategy.Offset (or Auto).",
                nameof(wanted));
        }

        return wanted == ListStrategy.Auto ? (cursorPossible ? ListStrategy.ParallelCursor : ListStrategy.Offset) : wanted;
    }

    private async IAsyncEnumerable<JsonElement> CursorAsync(Run run, bool parallel, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var query = run.Query;
        var descending = query.Order == RequestedOrder.IdDescending;

        // One request finds the snapshot: lowest ID with the count, and highest ID.
        var probes = await BatchAsync(
            [
                new PackedCommand("low", run.Method, query.Probe(descending: false, count: true)),
                new PackedCommand("high", run.Method, query.Probe(descending: true, count: false)),
            ],
            cancellationToken).ConfigureAwait(false);
        run.Requests++;
        run.Observer?.Probed(probes.Values.Select(p => p.Time));
        var lowIds = ProbeIds(run, probes, "low");
        var highIds = ProbeIds(run, probes, "high");
        long? low = lowIds.Count > 0 ? lowIds[0] : null;
        long? high = highIds.Count > 0 ? highIds[0] : null;
        run.ExpectedTotal = probes.GetValueOrDefault("low")?.Total;
        if (low is null || high is null)
        {
            yield break;
        }

        if (!parallel)
        {
            // One range, streamed a batch at a time: MaxItems and cancellation stop the traffic,
            // and memory holds one batch, not the list.
            long? after = null;
            while (true)
            {
                var rows = new List<JsonElement>(RowsPerBatch);
                var (last, exhausted) = await ReadBatchAsync(run, low.Value - 1, high.Value, after, descending, rows, cancellationToken).ConfigureAwait(false);
                foreach (var row in rows)
                {
                    yield return row;
                }

                run.Report(force: false);
                if (exhausted)
                {
                    yield break;
                }

                after = last;
            }
        }

        await foreach (var row in ParallelCursorAsync(run, lowIds, highIds, run.ExpectedTotal, descending, cancellationToken).ConfigureAwait(false))
        {
            yield return row;
        }
    }

    /// <summary>
    /// One batch of 50 chained pages after <paramref name="last"/> (the range start when null),
    /// its rows added to <paramref name="rows"/>; exhausted when a page came back short or the
    /// walk reached the end of the range.
    /// </summary>
    private async Task<(long? Last, bool Exhausted)> ReadBatchAsync(Run run, long lowerExclusive, long upperInclusive, long? last, bool descending, List<JsonElement> rows, CancellationToken cancellationToken)
    {
        var commands = new List<PackedCommand>(PagesPerBatch);
        for (var i = 0; i < PagesPerBatch; i++)
        {
            JsonNode? after = i == 0 ? (last is { } l ? JsonValue.Create(l) : null) : JsonValue.Create(run.Query.Profile.LastIdReference(PageName(i - 1)));
            commands.Add(new PackedCommand(PageName(i), run.Method, run.Query.CursorPage(after, lowerExclusive, upperInclusive, descending)));
        }

        // Chained pages cannot be resent one by one (their references would break): a page
        // refused by the portal ends this batch, and the next batch resumes after the last row.
        var outcomes = await ChainAsync(commands, cancellationToken).ConfigureAwait(false);
        run.Requests++;
        var exhausted = false;
        for (var i = 0; i < commands.Count && !exhausted; i++)
        {
            if (!outcomes.TryGetValue(commands[i].Name, out var outcome) || outcome.Result is not { } result)
            {
                if (outcome?.Error is { } error && error.Code != BitrixErrorCodes.OperationTimeLimit)
                {
                    throw error.ToException(run.Method, commands[i].Name);
                }

                break;
            }

            var count = 0;
            foreach (var row in ListMethodProfile.Rows(result, run.Query.Profile.WrapperKey))
            {
                count++;
                var id = run.Query.Profile.IdOf(row);

                // A page behind a broken reference can hold anything: only rows that continue
                // the walk inside the range are taken; the first that does not ends the range.
                if (id is not { } value || !Continues(value, last, lowerExclusive, upperInclusive, descending))
                {
                    exhausted = true;
                    break;
                }

                rows.Add(row);
                last = value;
            }

            if (count < PageSize)
            {
                exhausted = true;
            }
        }

        // The walk reached the edge of the range: nothing is left to ask for.
        if (last is { } reached && (descending ? reached <= lowerExclusive + 1 : reached >= upperInclusive))
        {
            exhausted = true;
        }

        return (last, exhausted);
    }

    private static bool Continues(long id, long? last, long lowerExclusive, long upperInclusive, bool descending)
        => id > lowerExclusive && id <= upperInclusive && (last is not { } l || (descending ? id < l : id > l));

    /// <summary>The IDs of a probe page in its order; empty when the list is, cut at the first row without an ID.</summary>
    private static List<long?> ProbeIds(Run run, Dictionary<string, CommandOutcome> probes, string name)
    {
        if (!probes.TryGetValue(name, out var outcome))
        {
            throw new BitrixException(BitrixErrorCodes.InvalidResponse, "The probe of the ID range got no answer.", null, run.Method, name);
        }

        if (outcome.Error is { } error)
        {
            throw error.ToException(run.Method, name);
        }

        var ids = new List<long?>();
        foreach (var row in ListMethodProfile.Rows(outcome.Result!.Value, run.Query.Profile.WrapperKey))
        {
            var id = run.Query.Profile.IdOf(row);
            ids.Add(id);
            if (id is null)
            {
                break;
            }
        }

        return ids;
    }

    private static string PageName(int index) => "p" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Offsets: the first page gives <c>total</c>; the other offsets are packed into batches,
    /// sized from the measured cost of deep pages, run concurrently and yielded in order.
    /// </summary>
    private async IAsyncEnumerable<JsonElement> OffsetAsync(Run run, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var query = run.Query;
        var seen = new HashSet<long>();
        var first = await _calls.SendAsync(run.Method, query.OffsetPage(0), cancellationToken).ConfigureAwait(false);
        run.Requests++;
        var profile = query.Profile.LearnFrom(first.Result);
        run.ExpectedTotal = first.Total;
        foreach (var row in Fresh(profile, first.Result, seen))
        {
            yield return row;
        }

        if (first.Next is null)
        {
            run.Report(force: false);
            yield break;
        }

        // A page costs a fixed part (which includes counting the total) plus a part per skipped
        // row; the first page, at offset 0, measures the fixed part, later pages the slope.
        var pageCost = first.Time?.Processing ?? 0.002;
        var costPerSkippedRow = AssumedCostPerSkippedRow;
        var start = first.Next.Value;
        var known = first.Total;
        var window = new Queue<Task<(List<JsonElement> Rows, bool End, long? Total, double? PerSkippedRow)>>();
        var done = false;
        while (!done || window.Count > 0)
        {
            while (!done && window.Count < _parallelism + 1)
            {
                // Deep offsets cost the server time per skipped row: fewer pages per batch keeps
                // every request far from the portal's 60-second limit.
                var pages = (int)Math.Clamp(OffsetBatchBudget.TotalSeconds / (pageCost + costPerSkippedRow * (start + PageSize)), 1, PagesPerBatch);
                if (known is { } total)
                {
                    pages = (int)Math.Min(pages, (total - start + PageSize - 1) / PageSize);
                }

                window.Enqueue(ReadOffsetsAsync(run, profile, start, Math.Max(1, pages), pageCost, cancellationToken));
                start += (long)Math.Max(1, pages) * PageSize;
                done = known is { } t && start >= t;
            }

            var batch = await window.Dequeue().ConfigureAwait(false);
            if (batch.PerSkippedRow is { } measured)
            {
                costPerSkippedRow = measured;
            }

            if (batch.Total is { } now && known is { } before && now != before)
            {
                // Offsets shift when rows come and go during the read; de-duplication keeps each
                // row once, but rows can be missed: the caller is told.
                Log.CountChanged(_logger, run.Method, before, now);
                run.CountChanged(now);
                known = now;
            }

            foreach (var row in batch.Rows)
            {
                if (profile.IdOf(row) is not { } id || seen.Add(id))
                {
                    yield return row;
                }
            }

            if (batch.End)
            {
                done = true;
                foreach (var pending in window)
                {
                    await pending.ConfigureAwait(false);
                }

                window.Clear();
            }

            run.Report(force: false);
        }
    }

    private async Task<(List<JsonElement> Rows, bool End, long? Total, double? PerSkippedRow)> ReadOffsetsAsync(Run run, ListMethodProfile profile, long start, int pages, double pageCost, CancellationToken cancellationToken)
    {
        var commands = Enumerable.Range(0, pages)
            .Select(i => new PackedCommand(PageName(i), run.Method, run.Query.OffsetPage(start + (long)i * PageSize)))
            .ToList();
        var outcomes = await BatchAsync(commands, cancellationToken).ConfigureAwait(false);
        run.Requests++;
        var rows = new List<JsonElement>();
        long? total = null;
        double? perSkippedRow = null;
        for (var i = 0; i < commands.Count; i++)
        {
            var outcome = outcomes.GetValueOrDefault(commands[i].Name)
                ?? throw new BitrixException(BitrixErrorCodes.InvalidResponse, "The batch answer has no entry for this page.", null, run.Method, commands[i].Name);
            if (outcome.Error is { } error)
            {
                throw error.ToException(run.Method, commands[i].Name);
            }

            total = outcome.Total ?? total;
            if (outcome.Time?.Processing is { } processing)
            {
                var offset = start + (long)i * PageSize;
                if (offset > 0)
                {
                    perSkippedRow = Math.Max(perSkippedRow ?? 0, Math.Max(0, processing - pageCost) / offset);
                }
            }

            var count = 0;
            foreach (var row in ListMethodProfile.Rows(outcome.Result!.Value, profile.WrapperKey))
            {
                rows.Add(row);
                count++;
            }

            if (count < PageSize || outcome.Next is null && total is not null)
            {
                return (rows, true, total, perSkippedRow);
            }
        }

        return (rows, false, total, perSkippedRow);
    }

    private static IEnumerable<JsonElement> Fresh(ListMethodProfile profile, JsonElement result, HashSet<long> seen)
    {
        foreach (var row in ListMethodProfile.Rows(result, profile.WrapperKey))
        {
            if (profile.IdOf(row) is not { } id || seen.Add(id))
            {
                yield return row;
            }
        }
    }

    /// <summary>The state of one read, for progress reports.</summary>
    private sealed class Run(string method, ListQuery query, ListOptions options, IWaitReasonSource waits)
    {
        private readonly long _started = Stopwatch.GetTimestamp();
        private long _lastReport;

        public string Method { get; } = method;

        public ListQuery Query { get; } = query;

        public ListObserver? Observer { get; init; }

        public long Rows { get; set; }

        public long Requests { get; set; }

        public long? ExpectedTotal { get; set; }

        public bool TotalChanged { get; private set; }

        public void CountChanged(long now)
        {
            TotalChanged = true;
            ExpectedTotal = now;
        }

        /// <summary>Reports at most four times a second, and once at the end.</summary>
        public void Report(bool force)
        {
            if (options.Progress is not { } progress)
            {
                return;
            }

            var now = Stopwatch.GetTimestamp();
            if (!force && Stopwatch.GetElapsedTime(_lastReport, now) < TimeSpan.FromMilliseconds(250))
            {
                return;
            }

            _lastReport = now;
            progress.Report(new ListProgress
            {
                Rows = Rows,
                ExpectedTotal = ExpectedTotal,
                Requests = Requests,
                Elapsed = Stopwatch.GetElapsedTime(_started, now),
                WaitReason = waits.CurrentWaitReason,
                TotalChanged = TotalChanged,
            });
        }
    }
}
