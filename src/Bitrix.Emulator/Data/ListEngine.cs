namespace Bitrix.Emulator.Data;

/// <summary>One ordering key of a list request.</summary>
internal readonly record struct OrderKey(FieldDef Field, bool Descending);

/// <summary>A page of rows with its paging facts and the work the server did for it.</summary>
internal sealed record ListPage(IReadOnlyList<Row> Rows, long? Next, long Total, bool Counted, long Skipped);

/// <summary>
/// Runs list requests over a table. An ID range in the filter and an ID order are served from
/// the sorted ID index, so cursor reads (<c>&gt;ID</c>, <c>start=-1</c>) stay cheap at any depth.
/// </summary>
internal static class ListEngine
{
    public const int PageSize = 50;

    public static ListPage Run(EntityTable table, FilterGroup filter, IReadOnlyList<OrderKey> order, long start)
    {
        var countTotal = start >= 0;
        var offset = Math.Max(start, 0);
        var (lo, hi, residual) = SplitIdRange(filter);
        var from = table.LowerBound(lo);
        var to = hi == long.MaxValue ? table.Count : table.LowerBound(hi + 1);
        to = Math.Max(from, to);

        var byId = order.Count == 0 || (order.Count >= 1 && order[0].Field.Name == "ID");
        var descending = byId && order.Count > 0 && order[0].Descending;

        if (byId && residual.Children.Count == 0)
        {
            var total = to - from;
            var rows = new List<Row>(PageSize);
            for (var k = offset; k < total && rows.Count < PageSize; k++)
            {
                var index = descending ? to - 1 - (int)k : from + (int)k;
                rows.Add(table.Find(table.Ids[index])!);
            }

            return Page(rows, offset, total, countTotal);
        }

        var matched = new List<Row>();
        var stopEarly = byId && !countTotal;
        for (var n = 0; n < to - from; n++)
        {
            var index = descending ? to - 1 - n : from + n;
            var row = table.Find(table.Ids[index])!;
            if (residual.Matches(table, row))
            {
                matched.Add(row);
                if (stopEarly && matched.Count >= offset + PageSize)
                {
                    break;
                }
            }
        }

        if (!byId)
        {
            matched.Sort((a, b) => CompareRows(table, order, a, b));
        }

        var page = matched.Skip((int)Math.Min(offset, int.MaxValue)).Take(PageSize).ToList();
        return Page(page, offset, matched.Count, countTotal);
    }

    private static ListPage Page(List<Row> rows, long offset, long total, bool countTotal)
    {
        if (!countTotal)
        {
            return new ListPage(rows, null, 0, false, 0);
        }

        long? next = offset + PageSize < total ? offset + PageSize : null;

        // An offset past the end skips no more rows than there are: the modelled cost stays bounded.
        return new ListPage(rows, next, total, true, Math.Min(offset, total));
    }

    private static int CompareRows(EntityTable table, IReadOnlyList<OrderKey> order, Row a, Row b)
    {
        foreach (var key in order)
        {
            var va = table.GetValue(a, key.Field.Name) as string;
            var vb = table.GetValue(b, key.Field.Name) as string;
            var c = ValueComparer.CompareNullable(key.Field.Kind, va, vb);
            if (c != 0)
            {
                return key.Descending ? -c : c;
            }
        }

        return a.Id.CompareTo(b.Id);
    }

    /// <summary>Takes the ID bounds out of a top-level AND filter; the rest is evaluated per row.</summary>
    private static (long Lo, long Hi, FilterGroup Residual) SplitIdRange(FilterGroup filter)
    {
        long lo = long.MinValue, hi = long.MaxValue;
        if (filter.IsOr)
        {
            return (lo, hi, filter);
        }

        var residual = new List<FilterNode>();
        foreach (var child in filter.Children)
        {
            if (child is FilterTerm { Field.Name: "ID", Values.Count: 1 } term
                && long.TryParse(term.Values[0], System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var v))
            {
                switch (term.Op)
                {
                    case FilterOp.Greater:
                        lo = Math.Max(lo, v == long.MaxValue ? v : v + 1);
                        continue;
                    case FilterOp.GreaterOrEqual:
                        lo = Math.Max(lo, v);
                        continue;
                    case FilterOp.Less:
                        hi = Math.Min(hi, v == long.MinValue ? v : v - 1);
                        continue;
                    case FilterOp.LessOrEqual:
                        hi = Math.Min(hi, v);
                        continue;
                    case FilterOp.Equal:
                    case FilterOp.In:
                        lo = Math.Max(lo, v);
                        hi = Math.Min(hi, v);
                        continue;
                }
            }

            residual.Add(child);
        }

        return (lo, hi, new FilterGroup(false, residual));
    }
}
