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
internal sealed class Lister
{
    public const int PageSize = 50;
    public const int PagesPerBatch = 50;
    public const int RowsPerBatch = PageSize * PagesPerBatch;

    private readonly IWaitReasonSource _waits;
    private readonly IListStrategy _offset;
    private readonly IListStrategy _chainedCursor;
    private readonly IListStrategy _parallelCursor;

    public Lister(ICallSender calls, BatchSender batches, IWaitReasonSource waits, int parallelism, ILogger logger)
    {
        _waits = waits;
        parallelism = Math.Max(1, parallelism);
        _offset = new OffsetStrategy(calls, batches, parallelism, logger);
        _chainedCursor = new ChainedCursorStrategy(batches);
        _parallelCursor = new ParallelCursorStrategy(batches, parallelism);
    }

    /// <summary>Sends a batch of list pages and hands back each page's outcome.</summary>
    internal static async Task<Dictionary<string, CommandOutcome>> SendPagesAsync(BatchSender batches, BatchMode mode, IReadOnlyList<PackedCommand> commands, CancellationToken cancellationToken)
        => (await batches.SendAsync(commands, mode, cancellationToken).ConfigureAwait(false)).Outcomes;

    /// <summary>The name of the <paramref name="index"/>th page of a batch.</summary>
    internal static string PageName(int index) => "p" + index.ToString(CultureInfo.InvariantCulture);

    public async IAsyncEnumerable<JsonElement> ListAsync(string method, JsonObject? parameters, ListOptions options, [EnumeratorCancellation] CancellationToken cancellationToken, ListObserver? observer = null)
    {
        var run = new ListRun(method, new ListQuery(parameters, ListMethodProfile.For(method, options)), options, _waits) { Observer = observer };
        var strategy = Choose(run, options.Strategy);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reader = strategy switch
        {
            ListStrategy.Offset => _offset,
            ListStrategy.ChainedCursor => _chainedCursor,
            _ => _parallelCursor,
        };
        var rows = reader.ReadAsync(run, stop.Token);
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
    private static ListStrategy Choose(ListRun run, ListStrategy wanted)
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
}
