using System.Runtime.CompilerServices;
using System.Text.Json;
using Bitrix.Batching;
using Bitrix.Diagnostics;
using Microsoft.Extensions.Logging;
using static Bitrix.Listing.Lister;

namespace Bitrix.Listing;

/// <summary>
/// Offsets, for any order the caller asks for, de-duplicating by ID.
/// </summary>
internal sealed class OffsetStrategy(ICallSender calls, BatchSender batches, int parallelism, ILogger logger) : IListStrategy
{
    /// <summary>What a skipped row is assumed to cost until deep pages measure it (captured portals: 8–21 µs).</summary>
    private const double AssumedCostPerSkippedRow = 0.00002;

    /// <summary>Server time a single offset batch may take; the portal stops a request at 60 s.</summary>
    private static readonly TimeSpan OffsetBatchBudget = TimeSpan.FromSeconds(20);

    private readonly ICallSender _calls = calls;
    private readonly BatchSender _batches = batches;
    private readonly int _parallelism = parallelism;
    private readonly ILogger _logger = logger;

    /// <summary>
    /// Offsets: the first page gives <c>total</c>; the other offsets are packed into batches,
    /// sized from the measured cost of deep pages, run concurrently and yielded in order.
    /// </summary>
    public async IAsyncEnumerable<JsonElement> ReadAsync(ListRun run, [EnumeratorCancellation] CancellationToken cancellationToken)
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

    private async Task<(List<JsonElement> Rows, bool End, long? Total, double? PerSkippedRow)> ReadOffsetsAsync(ListRun run, ListMethodProfile profile, long start, int pages, double pageCost, CancellationToken cancellationToken)
    {
        var commands = Enumerable.Range(0, pages)
            .Select(i => new PackedCommand(PageName(i), run.Method, run.Query.OffsetPage(start + (long)i * PageSize)))
            .ToList();
        var outcomes = await SendPagesAsync(_batches, BatchMode.ResendRefused, commands, cancellationToken).ConfigureAwait(false);
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
}
