using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bitrix.Batching;
using static Bitrix.Listing.Lister;

namespace Bitrix.Listing;

/// <summary>
/// The parallel cursor: reads the snapshot range as pieces whose row counts are known, packing
/// the chained pages of many pieces into shared batches so that every batch but the last is
/// full, whatever holes the portal's IDs have.
/// </summary>
internal sealed class ParallelCursorStrategy(BatchSender batches, int parallelism) : IListStrategy
{
    private readonly BatchSender _batches = batches;
    private readonly int _parallelism = parallelism;

    /// <summary>Most pieces one counting round splits a range into (one batch of first pages).</summary>
    private const int MaxPieces = PagesPerBatch;

    public async IAsyncEnumerable<JsonElement> ReadAsync(ListRun run, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var descending = run.Query.Order == RequestedOrder.IdDescending;
        if (await CursorProbe.ReadAsync(_batches, run, cancellationToken).ConfigureAwait(false) is not { } probe)
        {
            yield break;
        }

        await foreach (var row in ParallelCursorAsync(run, probe.LowIds, probe.HighIds, run.ExpectedTotal, descending, cancellationToken).ConfigureAwait(false))
        {
            yield return row;
        }
    }

    /// <summary>
    /// Reads (low − 1, high] in ID order. The range is cut into up to 50 equal-width pieces whose
    /// first pages, asked with a count (<c>start=0</c>), come back in one batch: rows and the exact
    /// number of rows of each piece. From then on every piece needs a known number of chained
    /// pages, and batches are packed with the pages of as many pieces as fill 50 commands, so ID
    /// holes, dense stretches or a lone far row cannot leave batches half empty. A piece that
    /// holds too many rows for one chain to read in time is cut again, its new pieces counted in
    /// the next batch beside other pieces' pages. A count plans the pages but never ends a piece:
    /// IDs grow, so no new row lands inside the snapshot range, yet an edited row can come to match
    /// the caller's filter after its piece was counted; only a short page or the range's edge ends
    /// a piece.
    /// </summary>
    private async IAsyncEnumerable<JsonElement> ParallelCursorAsync(ListRun run, List<long?> lowIds, List<long?> highIds, long? total, bool descending, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (low, high) = (lowIds[0]!.Value, highIds[0]!.Value);
        var plan = new CursorPlan(run.Query.Profile, descending, total ?? high - low + 1);
        plan.Start(low - 1, high, total, Edge(lowIds, ascending: true), Edge(highIds, ascending: false));
        var inFlight = new List<(Task<Dictionary<string, CommandOutcome>> Task, List<Segment> Segments)>();
        try
        {
            while (true)
            {
                foreach (var row in plan.TakeReady())
                {
                    yield return row;
                }

                if (plan.Finished)
                {
                    yield break;
                }

                while (inFlight.Count < _parallelism && plan.NextBatch(partialAllowed: inFlight.Count == 0) is { } segments)
                {
                    var commands = Commands(run, segments);
                    inFlight.Add((SendPagesAsync(_batches, BatchMode.Chained, commands, cancellationToken), segments));
                    run.Requests++;
                }

                if (inFlight.Count == 0)
                {
                    throw new InvalidOperationException("The parallel cursor has pieces left but nothing to ask for.");
                }

                var done = await Task.WhenAny(inFlight.Select(f => f.Task)).ConfigureAwait(false);
                var index = inFlight.FindIndex(f => f.Task == done);
                var finished = inFlight[index];
                inFlight.RemoveAt(index);
                plan.Apply(finished.Segments, await done.ConfigureAwait(false), run);
                run.Report(force: false);
            }
        }
        finally
        {
            // Batches still out when the caller stops: their failures are nobody's concern now.
            foreach (var (task, _) in inFlight)
            {
                _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            }
        }
    }

    /// <summary>The 50th ID of a full probe page whose IDs run strictly in its direction; null otherwise.</summary>
    private static long? Edge(List<long?> ids, bool ascending)
    {
        if (ids.Count != PageSize)
        {
            return null;
        }

        for (var i = 1; i < ids.Count; i++)
        {
            if (ids[i] is not { } id || ids[i - 1] is not { } before || (ascending ? id <= before : id >= before))
            {
                return null;
            }
        }

        return ids[^1];
    }

    private static List<PackedCommand> Commands(ListRun run, List<Segment> segments)
    {
        var commands = new List<PackedCommand>(PagesPerBatch);
        for (var s = 0; s < segments.Count; s++)
        {
            var segment = segments[s];
            var piece = segment.Piece;
            for (var i = 0; i < segment.Pages; i++)
            {
                var name = SegmentPageName(s, i);
                JsonNode? after = i == 0
                    ? (piece.Last is { } l ? JsonValue.Create(l) : null)
                    : JsonValue.Create(run.Query.Profile.LastIdReference(SegmentPageName(s, i - 1)));
                var page = run.Query.CursorPage(after, piece.LowerExclusive, piece.UpperInclusive, piece.Descending);
                if (i == 0 && segment.Counts)
                {
                    page["start"] = 0;
                }

                commands.Add(new PackedCommand(name, run.Method, page));
            }
        }

        return commands;
    }

    private static string SegmentPageName(int segment, int page)
        => "s" + segment.ToString(CultureInfo.InvariantCulture) + "p" + page.ToString(CultureInfo.InvariantCulture);

    /// <summary>Part of a batch: <see cref="Pages"/> chained pages of one piece, the first counting the piece when <see cref="Counts"/>.</summary>
    private sealed record Segment(Piece Piece, int Pages, bool Counts);

    /// <summary>An ID range read by one chain at a time, with its rows until they are handed out.</summary>
    private sealed class Piece(long lowerExclusive, long upperInclusive, bool descending, int firstPages)
    {
        public long LowerExclusive { get; set; } = lowerExclusive;

        public long UpperInclusive { get; set; } = upperInclusive;

        public bool Descending { get; } = descending;

        /// <summary>Pages the first (counting) segment chains, to fill the first batch when it holds few pieces.</summary>
        public int FirstPages { get; } = firstPages;

        /// <summary>The exact number of rows the range held when it was counted; null until then, or when the method gives no total.</summary>
        public long? Count { get; set; }

        public bool Counted { get; set; }

        public long Read { get; set; }

        public long? Last { get; set; }

        public bool Done { get; set; }

        public bool InFlight { get; set; }

        public Queue<JsonElement> Rows { get; } = new();

        /// <summary>
        /// Chained pages still needed: the count's worth once counted (at least one: a row that
        /// came to match the filter after the count can push the end past it, and only a short
        /// page or the range's edge proves the end), a batch's worth while unknown.
        /// </summary>
        public int PagesLeft => Count is { } count
            ? (int)Math.Clamp((Math.Max(0, count - Read) + PageSize - 1) / PageSize, 1, int.MaxValue)
            : PagesPerBatch;

        public long RowsLeft => Count is { } count ? Math.Max(0, count - Read) : RowsPerBatch;

        public bool Continues(long id)
            => id > LowerExclusive && id <= UpperInclusive && (Last is not { } l || (Descending ? id < l : id > l));

        /// <summary>The walk reached the edge of the range. (Reading the counted number of rows is not the end: see <see cref="PagesLeft"/>.)</summary>
        public bool Exhausted
            => Last is { } last && (Descending ? last <= LowerExclusive + 1 : last >= UpperInclusive);
    }

    /// <summary>The pieces of one read in walk order, and the packing of their pages into batches.</summary>
    private sealed class CursorPlan(ListMethodProfile profile, bool descending, long expectedRows)
    {
        private readonly List<Piece> _pieces = [];

        /// <summary>A piece with more rows than this left after its first page is cut again: no chain may be long beside the read.</summary>
        private readonly long _splitAbove = Math.Max(4L * RowsPerBatch, expectedRows / 20);

        /// <summary>Rows the plan may read ahead of the first unfinished piece (memory stays bounded).</summary>
        private readonly long _lookahead = 24L * RowsPerBatch;

        public bool Finished => _pieces.Count == 0;

        /// <summary>
        /// Cuts the snapshot range for the first batch: one piece, a chain of as many pages as the
        /// probe's count needs, when the list fits one batch; otherwise up to 50 counted pieces.
        /// The probes' pages name the lowest and the highest 50 IDs: those two ends become pieces
        /// of 50 known rows, and only the span between them is cut by width, so that a lone row
        /// far above (or below) the rest cannot stretch every piece but one into emptiness.
        /// </summary>
        public void Start(long lowerExclusive, long upperInclusive, long? total, long? lowEdge, long? highEdge)
        {
            if (total is { } small && small <= RowsPerBatch)
            {
                var pages = (int)Math.Clamp((small + PageSize - 1) / PageSize, 1, PagesPerBatch);
                _pieces.Add(new Piece(lowerExclusive, upperInclusive, descending, pages));
                return;
            }

            Piece? head = null;
            Piece? tail = null;
            if (lowEdge is { } le && highEdge is { } he && le < he - 1)
            {
                // The probes read these ends' IDs: 50 rows each, read with one page each; the
                // range's edge ends them.
                head = new Piece(lowerExclusive, le, descending, 1) { Counted = true, Count = PageSize };
                tail = new Piece(he - 1, upperInclusive, descending, 1) { Counted = true, Count = PageSize };
                (lowerExclusive, upperInclusive) = (le, he - 1);
            }

            var slots = MaxPieces - (head is null ? 0 : 2);
            var count = (int)Math.Clamp(total is { } t ? (t + PageSize - 1) / PageSize : slots, 1, slots);
            var pieces = Cut(lowerExclusive, upperInclusive, count, slots / count);
            if (head is not null)
            {
                pieces.Insert(descending ? pieces.Count : 0, head);
                pieces.Insert(descending ? 0 : pieces.Count, tail!);
            }

            _pieces.AddRange(pieces);
        }

        private List<Piece> Cut(long lowerExclusive, long upperInclusive, int count, int firstPages)
        {
            var width = upperInclusive - lowerExclusive;
            count = (int)Math.Max(1, Math.Min(count, width));
            var cuts = new List<Piece>(count);
            for (var i = 0; i < count; i++)
            {
                var lo = lowerExclusive + (long)((double)width * i / count);
                var hi = i == count - 1 ? upperInclusive : lowerExclusive + (long)((double)width * (i + 1) / count);
                if (hi > lo)
                {
                    cuts.Add(new Piece(lo, hi, descending, Math.Max(1, firstPages)));
                }
            }

            if (descending)
            {
                cuts.Reverse();
            }

            return cuts;
        }

        /// <summary>The rows of the leading pieces, in walk order, as far as they are read.</summary>
        public IEnumerable<JsonElement> TakeReady()
        {
            while (_pieces.Count > 0)
            {
                var head = _pieces[0];
                while (head.Rows.TryDequeue(out var row))
                {
                    yield return row;
                }

                if (!head.Done)
                {
                    yield break;
                }

                _pieces.RemoveAt(0);
            }
        }

        /// <summary>
        /// The next batch: pages of the earliest pieces not in flight, up to 50. A batch that would
        /// not be full waits for answers in flight unless nothing is in flight (then waiting would
        /// not bring more work).
        /// </summary>
        public List<Segment>? NextBatch(bool partialAllowed)
        {
            var segments = new List<Segment>();
            var room = PagesPerBatch;
            var ahead = 0L;
            foreach (var piece in _pieces)
            {
                if (room == 0 || ahead > _lookahead)
                {
                    break;
                }

                ahead += piece.Rows.Count + (piece.Done ? 0 : piece.Counted ? piece.RowsLeft : (long)piece.FirstPages * PageSize);
                if (piece.Done || piece.InFlight)
                {
                    continue;
                }

                var counts = !piece.Counted;
                var pages = Math.Min(room, counts ? piece.FirstPages : piece.PagesLeft);
                if (pages <= 0)
                {
                    continue;
                }

                segments.Add(new Segment(piece, pages, counts));
                room -= pages;
            }

            if (segments.Count == 0 || (room > 0 && !partialAllowed))
            {
                return null;
            }

            foreach (var segment in segments)
            {
                segment.Piece.InFlight = true;
            }

            return segments;
        }

        /// <summary>Takes a batch's answer: rows to their pieces, counts learnt, pieces finished or cut again.</summary>
        public void Apply(List<Segment> segments, Dictionary<string, CommandOutcome> outcomes, ListRun run)
        {
            for (var s = 0; s < segments.Count; s++)
            {
                var segment = segments[s];
                var piece = segment.Piece;
                piece.InFlight = false;
                for (var i = 0; i < segment.Pages; i++)
                {
                    var name = SegmentPageName(s, i);
                    if (!outcomes.TryGetValue(name, out var outcome) || outcome.Result is not { } result)
                    {
                        // A page refused for the method's operating time ends this chain for now;
                        // the pages after it hang on its rows. The piece resumes from its last row.
                        if (outcome?.Error is { } error && error.Code != BitrixErrorCodes.OperationTimeLimit)
                        {
                            throw error.ToException(run.Method, name);
                        }

                        break;
                    }

                    if (i == 0 && segment.Counts)
                    {
                        piece.Counted = true;
                        piece.Count = outcome.Total;
                    }

                    var rows = 0;
                    var broken = false;
                    foreach (var row in ListMethodProfile.Rows(result, profile.WrapperKey))
                    {
                        rows++;

                        // A page behind a broken reference can hold anything: only rows that
                        // continue the walk inside the piece are taken.
                        if (profile.IdOf(row) is not { } id || !piece.Continues(id))
                        {
                            broken = true;
                            break;
                        }

                        piece.Rows.Enqueue(row);
                        piece.Last = id;
                        piece.Read++;
                    }

                    if (broken || rows < PageSize)
                    {
                        piece.Done = true;
                        break;
                    }
                }

                if (!piece.Done && piece.Exhausted)
                {
                    piece.Done = true;
                }

                if (!piece.Done && segment.Counts && piece.RowsLeft > _splitAbove && piece.Last is { } last)
                {
                    Split(piece, last);
                }
            }
        }

        /// <summary>
        /// Cuts what is left of a piece after its first rows into pieces of about the split size
        /// by width, each counted by its own first page; the piece keeps the rows it read.
        /// </summary>
        private void Split(Piece piece, long last)
        {
            var (lo, hi) = descending ? (piece.LowerExclusive, last - 1) : (last, piece.UpperInclusive);
            var parts = (int)Math.Clamp((piece.RowsLeft + _splitAbove - 1) / _splitAbove, 2, MaxPieces);
            var pieces = Cut(lo, hi, parts, 1);
            if (pieces.Count == 0)
            {
                return;
            }

            if (descending)
            {
                piece.LowerExclusive = last - 1;
            }
            else
            {
                piece.UpperInclusive = last;
            }

            piece.Done = true;
            _pieces.InsertRange(_pieces.IndexOf(piece) + 1, pieces);
        }
    }
}
