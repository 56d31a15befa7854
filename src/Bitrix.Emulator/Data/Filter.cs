using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Bitrix.Emulator.Protocol;

namespace Bitrix.Emulator.Data;

/// <summary>A filter operator: the prefix of a filter key (docs/protocol.md §3).</summary>
internal enum FilterOp
{
    Equal,
    NotEqual,
    Greater,
    GreaterOrEqual,
    Less,
    LessOrEqual,
    In,
    NotIn,
    Like,
    LikeExplicit,
    NotLike,
}

/// <summary>A node of a parsed filter: a term or a group.</summary>
internal abstract class FilterNode
{
    public abstract bool Matches(EntityTable table, Row row);
}

/// <summary><c>FIELD op value</c>.</summary>
internal sealed class FilterTerm : FilterNode
{
    public FilterTerm(FieldDef field, FilterOp op, IReadOnlyList<string?> values)
    {
        Field = field;
        Op = op;
        Values = values;
    }

    public FieldDef Field { get; }

    public FilterOp Op { get; }

    public IReadOnlyList<string?> Values { get; }

    /// <summary>The LIKE patterns of <see cref="FilterOp.LikeExplicit"/>, built once per filter rather than once per row.</summary>
    private Regex?[]? _likePatterns;

    public override bool Matches(EntityTable table, Row row)
    {
        var stored = table.GetValue(row, Field.Name);
        return stored switch
        {
            IReadOnlyList<string> many => Op is FilterOp.NotEqual or FilterOp.NotIn or FilterOp.NotLike
                ? many.All(v => MatchesScalar(v))
                : many.Count == 0 ? MatchesScalar(null) : many.Any(v => MatchesScalar(v)),
            IReadOnlyList<MultifieldValue> multi => Op is FilterOp.NotEqual or FilterOp.NotIn or FilterOp.NotLike
                ? multi.All(v => MatchesScalar(v.Value))
                : multi.Any(v => MatchesScalar(v.Value)),
            _ => MatchesScalar(stored as string),
        };
    }

    private bool MatchesScalar(string? value)
    {
        switch (Op)
        {
            case FilterOp.Equal:
            case FilterOp.In:
                return Values.Any(v => AreEqual(value, v));
            case FilterOp.NotEqual:
            case FilterOp.NotIn:
                return !Values.Any(v => AreEqual(value, v));
            case FilterOp.Greater:
                return Compare(value, Values[0]) is > 0;
            case FilterOp.GreaterOrEqual:
                return Compare(value, Values[0]) is >= 0;
            case FilterOp.Less:
                return Compare(value, Values[0]) is < 0;
            case FilterOp.LessOrEqual:
                return Compare(value, Values[0]) is <= 0;
            case FilterOp.Like:
                return Values.Any(v => value is not null && v is not null && value.Contains(v, StringComparison.OrdinalIgnoreCase));
            case FilterOp.NotLike:
                return !Values.Any(v => value is not null && v is not null && value.Contains(v, StringComparison.OrdinalIgnoreCase));
            case FilterOp.LikeExplicit:
                _likePatterns ??= Values.Select(v => v is null ? null : LikePattern(v)).ToArray();
                return value is not null && _likePatterns.Any(p => p is not null && p.IsMatch(value));
            default:
                return false;
        }
    }

    private bool AreEqual(string? stored, string? wanted)
    {
        if (string.IsNullOrEmpty(wanted))
        {
            return string.IsNullOrEmpty(stored);
        }

        return stored is not null && Compare(stored, wanted) == 0;
    }

    /// <summary>Compares by the field's kind; null when either side is empty (SQL: NULL compares false).</summary>
    private int? Compare(string? stored, string? wanted)
    {
        if (string.IsNullOrEmpty(stored) || wanted is null)
        {
            return null;
        }

        return ValueComparer.Compare(Field.Kind, stored, wanted);
    }

    private static Regex LikePattern(string pattern)
    {
        var escaped = Regex.Escape(pattern).Replace("%", ".*", StringComparison.Ordinal).Replace("_", ".", StringComparison.Ordinal);
        // Linear time whatever the pattern: a client's "%a%a%a...%b" must not backtrack for seconds.
        return new Regex("^" + escaped + "$", RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, TimeSpan.FromSeconds(1));
    }
}

/// <summary>AND or OR over child nodes (<c>logic: OR</c> inside a nested filter).</summary>
internal sealed class FilterGroup : FilterNode
{
    public FilterGroup(bool isOr, IReadOnlyList<FilterNode> children)
    {
        IsOr = isOr;
        Children = children;
    }

    public bool IsOr { get; }

    public IReadOnlyList<FilterNode> Children { get; }

    public override bool Matches(EntityTable table, Row row)
        => Children.Count == 0 || (IsOr ? Children.Any(c => c.Matches(table, row)) : Children.All(c => c.Matches(table, row)));
}

/// <summary>Orders values by field kind: numbers as numbers, dates as instants, text case-insensitively.</summary>
internal static class ValueComparer
{
    public static int Compare(FieldKind kind, string a, string b)
    {
        switch (kind)
        {
            case FieldKind.Integer:
            case FieldKind.Number:
                if (decimal.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out var da)
                    && decimal.TryParse(b, NumberStyles.Float, CultureInfo.InvariantCulture, out var db))
                {
                    return da.CompareTo(db);
                }

                break;
            case FieldKind.Date:
                // Date-only values compare by calendar day: 2024-05-01 equals the stored 2024-05-01T03:00:00+03:00.
                if (SeedData.TryParseInstant(a, out var day1) && SeedData.TryParseInstant(b, out var day2))
                {
                    return SeedData.PortalDay(day1).CompareTo(SeedData.PortalDay(day2));
                }

                break;
            case FieldKind.DateTime:
                if (SeedData.TryParseInstant(a, out var ta) && SeedData.TryParseInstant(b, out var tb))
                {
                    return ta.CompareTo(tb);
                }

                break;
        }

        return string.Compare(a, b, StringComparison.OrdinalIgnoreCase);
    }

    public static int CompareNullable(FieldKind kind, string? a, string? b)
    {
        if (a is null || b is null)
        {
            return a is null ? (b is null ? 0 : -1) : 1;
        }

        return Compare(kind, a, b);
    }
}

/// <summary>Parses a <c>filter</c> parameter against a catalog.</summary>
internal static class FilterParser
{
    private static readonly (string Prefix, FilterOp Op)[] Prefixes =
    [
        ("!@", FilterOp.NotIn),
        ("!=", FilterOp.NotEqual),
        ("!%", FilterOp.NotLike),
        (">=", FilterOp.GreaterOrEqual),
        ("<=", FilterOp.LessOrEqual),
        ("=%", FilterOp.LikeExplicit),
        ("%=", FilterOp.LikeExplicit),
        ("@", FilterOp.In),
        ("!", FilterOp.NotEqual),
        (">", FilterOp.Greater),
        ("<", FilterOp.Less),
        ("=", FilterOp.Equal),
        ("%", FilterOp.Like),
    ];

    /// <summary>
    /// Parses the filter. <paramref name="mapKey"/> turns a request key into a storage field name
    /// (camelCase for crm.item); unknown fields are ignored by legacy methods and rejected with
    /// INVALID_ARG_VALUE when <paramref name="strict"/> (crm.item.*).
    /// </summary>
    public static FilterGroup Parse(JsonObject? filter, EntityCatalog catalog, Func<string, string?> mapKey, bool strict)
        => ParseGroup(filter, catalog, mapKey, strict, depth: 0);

    private static FilterGroup ParseGroup(JsonObject? filter, EntityCatalog catalog, Func<string, string?> mapKey, bool strict, int depth)
    {
        var children = new List<FilterNode>();
        var isOr = false;
        if (filter is null || depth > 16)
        {
            return new FilterGroup(false, children);
        }

        foreach (var (rawKey, value) in filter)
        {
            if (rawKey.Equals("logic", StringComparison.OrdinalIgnoreCase))
            {
                isOr = string.Equals(JsonValues.AsString(value), "OR", StringComparison.OrdinalIgnoreCase);
                continue;
            }

            if (IsNestedGroup(rawKey, value))
            {
                children.Add(ParseGroup(JsonValues.AsObject(value), catalog, mapKey, strict, depth + 1));
                continue;
            }

            var (op, name) = SplitOperator(rawKey);
            var storage = mapKey(name);
            var field = storage is null ? null : catalog.Find(storage);
            if (field is null)
            {
                if (strict)
                {
                    throw PortalError.InvalidArgValue($"Invalid filter: field '{name}' is not allowed in filter");
                }

                continue;
            }

            var values = value is JsonArray or JsonObject
                ? JsonValues.AsList(value).Select(JsonValues.AsString).ToList()
                : [JsonValues.AsString(value)];
            if (op is FilterOp.Like or FilterOp.NotLike or FilterOp.LikeExplicit && !field.SupportsLike)
            {
                op = op == FilterOp.NotLike ? FilterOp.NotEqual : FilterOp.Equal;
            }

            if (values.Count == 0)
            {
                // An empty IN list matches nothing; an empty NOT IN list everything.
                children.Add(new FilterTerm(field, op is FilterOp.NotEqual or FilterOp.NotIn ? FilterOp.NotIn : FilterOp.In, []));
                continue;
            }

            children.Add(new FilterTerm(field, op, values));
        }

        return new FilterGroup(isOr, children);
    }

    private static bool IsNestedGroup(string key, JsonNode? value)
        => value is JsonObject obj && (key.All(char.IsAsciiDigit) || obj.Any(p => p.Key.Equals("logic", StringComparison.OrdinalIgnoreCase)));

    public static (FilterOp Op, string Name) SplitOperator(string key)
    {
        foreach (var (prefix, op) in Prefixes)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal) && key.Length > prefix.Length)
            {
                return (op, key[prefix.Length..]);
            }
        }

        return (FilterOp.Equal, key);
    }
}
