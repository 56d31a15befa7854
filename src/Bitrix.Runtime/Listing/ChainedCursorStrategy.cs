using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bitrix.Batching;
using static Bitrix.Listing.Lister;

namespace Bitrix.Listing;

/// <summary>
/// The chained cursor: one range walked in ID order, a batch of 50 chained pages at a time, so
/// that <see cref="ListOptions.MaxItems"/> and cancellation stop the traffic and memory holds one
/// batch, not the list.
/// </summary>
internal sealed class ChainedCursorStrategy(BatchSender batches) : IListStrategy
{
    private readonly BatchSender _batches = batches;

    public async IAsyncEnumerable<JsonElement> ReadAsync(ListRun run, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var descending = run.Query.Order == RequestedOrder.IdDescending;
        if (await CursorProbe.ReadAsync(_batches, run, cancellationToken).ConfigureAwait(false) is not { } probe)
        {
            yield break;
        }

        var (low, high) = (probe.Low, probe.High);

        // One range, streamed a batch at a time: MaxItems and cancellation stop the traffic,
        // and memory holds one batch, not the list.
        long? after = null;
        while (true)
        {
            var rows = new List<JsonElement>(RowsPerBatch);
            var (last, exhausted) = await ReadBatchAsync(run, low - 1, high, after, descending, rows, cancellationToken).ConfigureAwait(false);
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

    /// <summary>
    /// One batch of 50 chained pages after <paramref name="last"/> (the range start when null),
    /// its rows added to <paramref name="rows"/>; exhausted when a page came back short or the
    /// walk reached the end of the range.
    /// </summary>
    private async Task<(long? Last, bool Exhausted)> ReadBatchAsync(ListRun run, long lowerExclusive, long upperInclusive, long? last, bool descending, List<JsonElement> rows, CancellationToken cancellationToken)
    {
        var commands = new List<PackedCommand>(PagesPerBatch);
        for (var i = 0; i < PagesPerBatch; i++)
        {
            JsonNode? after = i == 0 ? (last is { } l ? JsonValue.Create(l) : null) : JsonValue.Create(run.Query.Profile.LastIdReference(PageName(i - 1)));
            commands.Add(new PackedCommand(PageName(i), run.Method, run.Query.CursorPage(after, lowerExclusive, upperInclusive, descending)));
        }

        // Chained pages cannot be resent one by one (their references would break): a page
        // refused by the portal ends this batch, and the next batch resumes after the last row.
        var outcomes = await SendPagesAsync(_batches, BatchMode.Chained, commands, cancellationToken).ConfigureAwait(false);
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
}
