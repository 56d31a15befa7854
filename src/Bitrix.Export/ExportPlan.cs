using Bitrix.Generator.Parsing;

namespace Bitrix.Export;

/// <summary>
/// What an export asks the portal for and what it writes, checked against the portal's live field
/// catalog: every named field must exist there (user fields included), spelled as the catalog spells it.
/// </summary>
/// <param name="Select">The <c>select</c> sent; null = the portal's default (every regular field).</param>
/// <param name="Columns">The columns written, <c>ID</c> first.</param>
/// <param name="Filters">The conditions, field names as in the catalog.</param>
internal sealed record ExportPlan(IReadOnlyList<string>? Select, IReadOnlyList<string> Columns, IReadOnlyList<FilterCondition> Filters)
{
    private const string MultifieldType = "crm_multifield";

    public static ExportPlan Create(ExportSettings settings, IReadOnlyDictionary<string, string> catalog)
    {
        var method = $"crm.{settings.Entity}";
        var byUpper = catalog.Keys.ToDictionary(k => k.ToUpperInvariant(), k => k, StringComparer.Ordinal);
        // Every unknown name is collected, so that one run names all the misspellings, not only the first.
        var unknown = new List<(string Field, string Option)>();
        string Known(string field, string option)
        {
            if (byUpper.TryGetValue(field.ToUpperInvariant(), out var name))
            {
                return name;
            }

            unknown.Add((field, option));
            return field;
        }

        // The generated record's fields the portal has, in schema order; multifields are not in "*" and are named.
        var typed = CrmEntities.TypedFields(settings.Entity).Where(f => catalog.ContainsKey(f.Name)).ToList();
        var multifields = typed.Where(f => f.Type == MultifieldType).Select(f => f.Name).ToList();
        var typedColumns = typed.Select(f => f.Name).ToList();

        var filters = settings.Filters.Select(f => f with { Field = Known(f.Field, "--filter") }).ToList();
        if (settings.Select is null)
        {
            ThrowIfUnknown(unknown, method, catalog.Keys);
            return new ExportPlan(multifields.Count == 0 ? null : ["*", .. multifields], WithIdFirst(typedColumns), filters);
        }

        var select = new List<string>();
        var columns = new List<string>();
        foreach (var item in settings.Select)
        {
            if (item == "*")
            {
                select.Add("*");
                select.AddRange(multifields);
                columns.AddRange(typedColumns);
            }
            else if (item.Equals("UF_*", StringComparison.OrdinalIgnoreCase))
            {
                select.Add("UF_*");
                columns.AddRange(catalog.Keys.Where(k => k.StartsWith("UF_", StringComparison.OrdinalIgnoreCase)));
            }
            else
            {
                var name = Known(item, "--select");
                select.Add(name);
                columns.Add(name);
            }
        }

        ThrowIfUnknown(unknown, method, catalog.Keys);
        if (!select.Contains("ID", StringComparer.Ordinal) && !select.Contains("*", StringComparer.Ordinal))
        {
            select.Insert(0, "ID");
        }

        return new ExportPlan(select.Distinct(StringComparer.Ordinal).ToList(), WithIdFirst(columns), filters);
    }

    private static List<string> WithIdFirst(IEnumerable<string> columns) => ["ID", .. columns.Where(c => c != "ID").Distinct(StringComparer.Ordinal)];

    private static void ThrowIfUnknown(List<(string Field, string Option)> unknown, string method, IEnumerable<string> known)
    {
        if (unknown.Count == 1)
        {
            var (field, option) = unknown[0];
            throw new CliException($"unknown field '{field}' in {option}: {method}.fields has no such field{Suggestion(field, known)}");
        }

        if (unknown.Count > 1)
        {
            var names = string.Join("; ", unknown.GroupBy(u => u.Option).Select(g =>
                $"in {g.Key}: {string.Join(", ", g.Select(u => $"'{u.Field}'{Suggestion(u.Field, known)}"))}"));
            throw new CliException($"{unknown.Count} unknown fields ({names}): {method}.fields has no such fields");
        }
    }

    private static string Suggestion(string field, IEnumerable<string> known)
    {
        var upper = field.ToUpperInvariant();
        var best = known
            .Select(k => (Name: k, Distance: Levenshtein.Distance(upper, k.ToUpperInvariant())))
            .Where(c => c.Distance <= Math.Max(2, upper.Length / 3))
            .OrderBy(c => c.Distance)
            .FirstOrDefault();
        return best.Name is null ? "" : $" (did you mean '{best.Name}'?)";
    }
}
