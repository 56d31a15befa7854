using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bitrix.Batching;

namespace Bitrix;

/// <content>Bulk calls: one command per item, packed 50 to a batch, batches in parallel, results in input order.</content>
public partial class BitrixClient
{
    /// <summary>
    /// Calls <paramref name="method"/> once per item. Items are packed into batches of up to 50 and
    /// the batches run in parallel; items holding a <c>null</c> (an erase) or an empty list or
    /// object — which a batch's query strings cannot carry — are sent as individual JSON calls, and
    /// so are items holding text the portal would rewrite inside a batch (<c>$result[...]</c>,
    /// <c>$next[...]</c>, <c>$total[...]</c>, <c>$error[...]</c>, <c>$time[...]</c>): every item
    /// is stored as given.
    /// Results come in input order, each a success or an error; one failed item never loses its
    /// siblings' results.
    /// </summary>
    [RequiresUnreferencedCode(ParameterConverter.ReflectionMessage)]
    [RequiresDynamicCode(ParameterConverter.ReflectionMessage)]
    public virtual Task<IReadOnlyList<BitrixItemResult>> CallManyAsync(string method, IEnumerable<object?> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        return CallManyAsync(method, items.Select(ParameterConverter.ToObject), cancellationToken);
    }

    /// <summary>Bulk calls with parameters as JSON objects (trimming- and AOT-safe).</summary>
    public virtual Task<IReadOnlyList<BitrixItemResult>> CallManyAsync(string method, IEnumerable<JsonObject?> items, CancellationToken cancellationToken = default)
        => CallManyAsync(method, items, options: null, cancellationToken);

    /// <summary>Bulk calls with settings, e.g. a way to check whether a write whose answer was lost ran.</summary>
    public virtual async Task<IReadOnlyList<BitrixItemResult>> CallManyAsync(string method, IEnumerable<JsonObject?> items, BulkCallOptions? options, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        method = MethodName.Validate(method, nameof(method));
        ArgumentNullException.ThrowIfNull(items);
        if (MethodName.IsBatch(method))
        {
            throw new ArgumentException("CallManyAsync packs calls into batches itself; pass the method to repeat, not 'batch' (use BatchAsync for an explicit batch).", nameof(method));
        }

        var list = items.ToList();
        var results = new BitrixItemResult[list.Count];
        var batchable = new List<int>();
        var work = new List<Task>();
        var cancelled = new Interruption();
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is { } p && !PhpQueryEncoder.SafeInPackedBatch(p))
            {
                work.Add(CallOneAsync(method, i, p, results, cancelled, cancellationToken));
            }
            else
            {
                batchable.Add(i);
            }
        }

        foreach (var chunk in batchable.Chunk(BitrixBatch.MaxCommands))
        {
            work.Add(CallChunkAsync(method, chunk, list, results, cancelled, cancellationToken));
        }

        // Every item's task ends (none is left running): a cancelled one records whether its
        // request had been sent, so the caller learns exactly what may have run.
        await Task.WhenAll(work).ConfigureAwait(false);
        if (options?.FindExisting is { } find && !cancelled.Happened)
        {
            try
            {
                await SettleUnknownOutcomesAsync(method, list, results, find, options.MaxResends, cancelled, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                cancelled.Happened = true;
            }
        }

        if (cancelled.Happened)
        {
            throw new BitrixBulkCanceledException(method, results, cancellationToken);
        }

        return results;
    }

    /// <summary>Set when an item of a bulk call stopped for cancellation.</summary>
    private sealed class Interruption
    {
        private volatile bool _happened;

        public bool Happened
        {
            get => _happened;
            set => _happened = value;
        }
    }

    /// <summary>Set when an item's request was handed to the transport: from then on it may have run.</summary>
    private sealed class SendMark
    {
        private volatile bool _sent;

        public bool Sent => _sent;

        public void Set() => _sent = true;
    }

    private static BitrixError CancelledError(SendMark mark) => mark.Sent
        ? new BitrixError(BitrixErrorCodes.UnknownOutcome, "The bulk call was cancelled while this item's request was in flight: it may or may not have run.")
        : new BitrixError(BitrixErrorCodes.NotSent, "The bulk call was cancelled before this item was sent: it did not run.");

    /// <summary>
    /// Items whose write may or may not have run are looked up; those found take the found
    /// result, those missing are sent again (one by one) — never blindly.
    /// </summary>
    private async Task SettleUnknownOutcomesAsync(string method, List<JsonObject?> items, BitrixItemResult[] results, Func<JsonObject, CancellationToken, Task<JsonElement?>> find, int maxResends, Interruption cancelled, CancellationToken cancellationToken)
    {
        for (var round = 0; round <= maxResends; round++)
        {
            var unknown = Enumerable.Range(0, results.Length).Where(i => results[i].Error?.Code == BitrixErrorCodes.UnknownOutcome).ToList();
            if (unknown.Count == 0)
            {
                return;
            }

            foreach (var index in unknown)
            {
                var parameters = items[index] ?? [];
                JsonElement? existing;
                try
                {
                    existing = await find(parameters, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // The check itself failed: whether the write ran is still unknown, so the item
                    // stays so (never resent blindly) and the other items keep their results.
                    results[index] = BitrixItemResult.Failure(index, LookupFailed(results[index].Error!, e), results[index].Time);
                    continue;
                }

                if (existing is { } found)
                {
                    results[index] = BitrixItemResult.Success(index, found);
                }
                else if (round < maxResends)
                {
                    await CallOneAsync(method, index, parameters, results, cancelled, cancellationToken).ConfigureAwait(false);
                    if (cancelled.Happened)
                    {
                        return;
                    }
                }
            }
        }
    }

    /// <summary>An unknown outcome whose check failed: the first reason, then why the check failed (without repeating it each round).</summary>
    private static BitrixError LookupFailed(BitrixError unknown, Exception lookupError)
    {
        const string Marker = " Checking whether it ran failed: ";
        var why = lookupError is BitrixException b ? $"{b.ErrorCode}: {b.Description}" : $"{lookupError.GetType().Name}: {lookupError.Message}";
        var first = unknown.Description.IndexOf(Marker, StringComparison.Ordinal) is var at and >= 0 ? unknown.Description[..at] : unknown.Description;
        return unknown with { Description = first + Marker + why };
    }

    /// <summary>
    /// Gets one result per ID (<c>crm.deal.get</c> with <c>ID</c> = each), in input order,
    /// duplicates allowed; <see cref="BitrixIdResults{TId}.ById"/> views the unique IDs. A
    /// missing ID is an error on its own pair, not an exception.
    /// </summary>
    public virtual async Task<BitrixIdResults<TId>> GetByIdAsync<TId>(string method, IEnumerable<TId> ids, string idParameter = "ID", CancellationToken cancellationToken = default)
        where TId : notnull
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentException.ThrowIfNullOrWhiteSpace(idParameter);
        var idList = ids.ToList();
        var items = idList.Select(id => (JsonObject?)new JsonObject { [idParameter] = Convert.ToString(id, CultureInfo.InvariantCulture) });
        var results = await CallManyAsync(method, items, cancellationToken).ConfigureAwait(false);
        var pairs = new List<KeyValuePair<TId, BitrixItemResult>>(idList.Count);
        for (var i = 0; i < idList.Count; i++)
        {
            pairs.Add(new(idList[i], results[i]));
        }

        return new BitrixIdResults<TId>(pairs);
    }

    private async Task CallOneAsync(string method, int index, JsonObject parameters, BitrixItemResult[] results, Interruption cancelled, CancellationToken cancellationToken)
    {
        var mark = new SendMark();
        try
        {
            var response = await _sender.SendAsync(method, parameters, cancellationToken, mark.Set).ConfigureAwait(false);
            results[index] = BitrixItemResult.Success(index, response.Result, response.Time);
        }
        catch (BitrixException e)
        {
            results[index] = BitrixItemResult.Failure(index, BitrixError.From(e));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            cancelled.Happened = true;
            results[index] = BitrixItemResult.Failure(index, CancelledError(mark));
        }
    }

    private async Task CallChunkAsync(string method, int[] chunk, List<JsonObject?> items, BitrixItemResult[] results, Interruption cancelled, CancellationToken cancellationToken)
    {
        // Command names are positions within the batch: no marker parameter reaches the server,
        // and a fully successful batch's list-shaped answer maps straight back.
        var commands = chunk.Select((index, position) => new PackedCommand(position.ToString(CultureInfo.InvariantCulture), method, items[index])).ToList();
        var mark = new SendMark();
        var outcomes = new Dictionary<string, CommandOutcome>(StringComparer.Ordinal);
        try
        {
            await _batches.SendAsync(commands, BatchMode.ResendRefused, cancellationToken, outcomes: outcomes, onSending: mark.Set).ConfigureAwait(false);
        }
        catch (BitrixException e)
        {
            // Commands that answered in an earlier round (before a resend after a 429 failed) keep their results.
            for (var position = 0; position < chunk.Length; position++)
            {
                var index = chunk[position];
                results[index] = outcomes.TryGetValue(commands[position].Name, out var o) ? ToItemResult(index, o) : BitrixItemResult.Failure(index, BitrixError.From(e));
            }

            return;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Commands that answered before the cancellation keep their results (a round of
            // resends after a 429 may have been pending); the others may or may not have run.
            cancelled.Happened = true;
            var error = CancelledError(mark);
            for (var position = 0; position < chunk.Length; position++)
            {
                var index = chunk[position];
                results[index] = outcomes.TryGetValue(commands[position].Name, out var o) ? ToItemResult(index, o) : BitrixItemResult.Failure(index, error);
            }

            return;
        }

        for (var position = 0; position < chunk.Length; position++)
        {
            var index = chunk[position];
            results[index] = outcomes.TryGetValue(commands[position].Name, out var o)
                ? ToItemResult(index, o)
                : BitrixItemResult.Failure(index, new BitrixError(BitrixErrorCodes.InvalidResponse, "The batch answer has no entry for this item."));
        }
    }

    private static BitrixItemResult ToItemResult(int index, CommandOutcome outcome)
        => outcome.Error is { } error ? BitrixItemResult.Failure(index, error, outcome.Time) : BitrixItemResult.Success(index, outcome.Result!.Value, outcome.Time);
}
