using Bitrix.Emulator.Data;

namespace Bitrix.Emulator.Methods;

/// <summary>Paging of small lists kept in memory (departments, categories), with the same next/total/cost rules as <see cref="ListEngine"/>.</summary>
internal static class Paging
{
    public static List<T> Page<T>(CallContext context, IReadOnlyList<T> rows)
    {
        var start = RowFormat.Start(context.Params);
        var offset = Math.Max(start, 0);
        var page = rows.Skip((int)Math.Min(offset, int.MaxValue)).Take(ListEngine.PageSize).ToList();
        var counted = start >= 0;
        if (counted)
        {
            context.Total = rows.Count;
            context.Next = offset + ListEngine.PageSize < rows.Count ? offset + ListEngine.PageSize : null;
        }

        context.ModelledSeconds = context.Cost.ListPage(offset, page.Count, rows.Count, counted);
        return page;
    }

    /// <summary>Every matching row of a table in the requested order, for lists that the portal does not page.</summary>
    public static List<Row> All(EntityTable table, FilterGroup filter, IReadOnlyList<OrderKey> order)
    {
        var rows = new List<Row>();
        long start = 0;
        while (true)
        {
            var page = ListEngine.Run(table, filter, order, start);
            rows.AddRange(page.Rows);
            if (page.Next is not { } next)
            {
                return rows;
            }

            start = next;
        }
    }
}
