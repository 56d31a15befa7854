using System.Globalization;
using System.Text.Json.Nodes;

namespace Bitrix.Listing;

/// <summary>The order a caller asked for, as far as the strategies care.</summary>
internal enum RequestedOrder
{
    None,
    IdAscending,
    IdDescending,
    Other,
}

/// <summary>
/// A caller's list parameters taken apart: their own ID bounds lifted out of the filter (so that
/// cursor bounds can be combined with them), their order understood, and page parameters rebuilt
/// for each strategy.
/// </summary>
internal sealed class ListQuery
{
    private readonly JsonObject _base;
    private readonly JsonObject _filter;
    private readonly string _filterKey;
    private readonly JsonNode? _userOrder;

    public ListQuery(JsonObject? parameters, ListMethodProfile profile)
    {
        Profile = profile;
        _base = parameters is null ? [] : (JsonObject)parameters.DeepClone();
        HasNull = parameters is not null && PhpQueryEncoder.ContainsNull(parameters);
        _filterKey = KeyOf(_base, "filter") ?? "filter";
        _filter = _base[_filterKey] as JsonObject ?? [];
        _base.Remove(_filterKey);
        foreach (var key in new[] { "start", "START" })
        {
            _base.Remove(key);
        }

        // Top-level SORT/ORDER first: the key lookups ignore case, so "order" would take ORDER's
        // direction string for an order object and lose it.
        if (profile.TopLevelSort && KeyOf(_base, "SORT") is { } sortKey)
        {
            var direction = KeyOf(_base, "ORDER") is { } dirKey ? (string?)_base[dirKey] : "ASC";
            _userOrder = new JsonObject { [(string?)_base[sortKey] ?? profile.FilterIdKey] = direction ?? "ASC" };
            _base.Remove(sortKey);
            if (KeyOf(_base, "ORDER") is { } d)
            {
                _base.Remove(d);
            }
        }
        else if (KeyOf(_base, "order") is { } orderKey)
        {
            _userOrder = _base[orderKey];
            _base.Remove(orderKey);
        }

        Order = ReadOrder(_userOrder, profile);
        LiftIdBounds();
        EnsureIdSelected();
    }

    public ListMethodProfile Profile { get; }

    /// <summary>The caller's parameters hold a null, which a batch cannot carry.</summary>
    public bool HasNull { get; }

    public RequestedOrder Order { get; }

    /// <summary>The caller's own lower bound on the ID (exclusive), if any.</summary>
    public long? LowerExclusive { get; private set; }

    /// <summary>The caller's own upper bound on the ID (inclusive), if any.</summary>
    public long? UpperInclusive { get; private set; }

    /// <summary>Parameters of one cursor page: the caller's filter, our ID bounds, ID order, <c>start=-1</c>.</summary>
    /// <param name="after">The last ID seen (a number, or a batch reference string); null for the range start.</param>
    /// <param name="lowerExclusive">The range's lower bound (exclusive) when <paramref name="after"/> is null.</param>
    /// <param name="upperInclusive">The range's upper bound (inclusive).</param>
    /// <param name="descending">Walk the IDs downwards.</param>
    public JsonObject CursorPage(JsonNode? after, long? lowerExclusive, long? upperInclusive, bool descending)
    {
        var page = (JsonObject)_base.DeepClone();
        var filter = (JsonObject)_filter.DeepClone();
        var id = Profile.FilterIdKey;
        if (descending)
        {
            if (after is not null || upperInclusive is not null)
            {
                filter[after is null ? "<=" + id : "<" + id] = after?.DeepClone() ?? upperInclusive;
            }

            if (lowerExclusive is { } lo)
            {
                filter[">" + id] = lo;
            }
        }
        else
        {
            if (after is not null || lowerExclusive is not null)
            {
                filter[">" + id] = after?.DeepClone() ?? lowerExclusive;
            }

            if (upperInclusive is { } hi)
            {
                filter["<=" + id] = hi;
            }
        }

        page[_filterKey] = filter;
        SetOrder(page, descending ? "DESC" : "ASC");
        page["start"] = -1;
        return page;
    }

    /// <summary>Parameters of one offset page: the caller's filter and order as given.</summary>
    public JsonObject OffsetPage(long start)
    {
        var page = (JsonObject)_base.DeepClone();
        var filter = (JsonObject)_filter.DeepClone();
        if (LowerExclusive is { } lo)
        {
            filter[">" + Profile.FilterIdKey] = lo;
        }

        if (UpperInclusive is { } hi)
        {
            filter["<=" + Profile.FilterIdKey] = hi;
        }

        if (filter.Count > 0)
        {
            page[_filterKey] = filter;
        }

        if (_userOrder is not null)
        {
            if (Profile.TopLevelSort && _userOrder is JsonObject o && o.Count == 1)
            {
                var (field, direction) = o.First();
                page["SORT"] = field;
                page["ORDER"] = direction?.DeepClone();
            }
            else
            {
                page["order"] = _userOrder.DeepClone();
            }
        }

        page["start"] = start;
        return page;
    }

    /// <summary>Parameters of a probe: one page of IDs only, in the given direction.</summary>
    public JsonObject Probe(bool descending, bool count)
    {
        var page = CursorPage(null, LowerExclusive, UpperInclusive, descending);
        page["select"] = new JsonArray(Profile.FilterIdKey);
        if (count)
        {
            page["start"] = 0;
        }

        return page;
    }

    private void SetOrder(JsonObject page, string direction)
    {
        if (Profile.TopLevelSort)
        {
            page["SORT"] = Profile.FilterIdKey;
            page["ORDER"] = direction;
        }
        else
        {
            page["order"] = new JsonObject { [Profile.FilterIdKey] = direction };
        }
    }

    private static RequestedOrder ReadOrder(JsonNode? order, ListMethodProfile profile)
    {
        if (order is not JsonObject map || map.Count == 0)
        {
            return RequestedOrder.None;
        }

        if (map.Count != 1)
        {
            return RequestedOrder.Other;
        }

        var (field, direction) = map.First();
        if (!field.Equals(profile.FilterIdKey, StringComparison.OrdinalIgnoreCase) && !field.Equals(profile.RowIdKey, StringComparison.OrdinalIgnoreCase))
        {
            return RequestedOrder.Other;
        }

        return string.Equals(JsonValueText(direction), "DESC", StringComparison.OrdinalIgnoreCase) ? RequestedOrder.IdDescending : RequestedOrder.IdAscending;
    }

    /// <summary>Takes the caller's <c>&gt;ID</c>, <c>&gt;=ID</c>, <c>&lt;ID</c>, <c>&lt;=ID</c> out of the filter as bounds.</summary>
    private void LiftIdBounds()
    {
        foreach (var key in _filter.Select(p => p.Key).ToList())
        {
            var (op, field) = SplitOperator(key);
            if (!field.Equals(Profile.FilterIdKey, StringComparison.OrdinalIgnoreCase) || ReadLong(_filter[key]) is not { } value)
            {
                continue;
            }

            switch (op)
            {
                case ">":
                    LowerExclusive = Math.Max(LowerExclusive ?? long.MinValue, value);
                    break;
                case ">=":
                    LowerExclusive = Math.Max(LowerExclusive ?? long.MinValue, value - 1);
                    break;
                case "<":
                    UpperInclusive = Math.Min(UpperInclusive ?? long.MaxValue, value - 1);
                    break;
                case "<=":
                    UpperInclusive = Math.Min(UpperInclusive ?? long.MaxValue, value);
                    break;
                default:
                    continue;
            }

            _filter.Remove(key);
        }
    }

    /// <summary>A cursor needs each row's ID: a select that names fields but not the ID gets it added.</summary>
    private void EnsureIdSelected()
    {
        var selectKey = KeyOf(_base, "select");
        if (selectKey is null || _base[selectKey] is not JsonArray select)
        {
            return;
        }

        var names = select.Select(n => JsonValueText(n)).ToList();
        if (names.Contains("*") || names.Any(n => string.Equals(n, Profile.RowIdKey, StringComparison.OrdinalIgnoreCase) || string.Equals(n, Profile.FilterIdKey, StringComparison.OrdinalIgnoreCase)))
        {
            return;
        }

        select.Add((JsonNode)JsonValue.Create(Profile.FilterIdKey));
    }

    private static (string Op, string Field) SplitOperator(string key)
    {
        foreach (var op in new[] { ">=", "<=", ">", "<" })
        {
            if (key.StartsWith(op, StringComparison.Ordinal))
            {
                return (op, key[op.Length..]);
            }
        }

        return (string.Empty, key);
    }

    private static string? KeyOf(JsonObject obj, string name)
        => obj.Select(p => p.Key).FirstOrDefault(k => k.Equals(name, StringComparison.OrdinalIgnoreCase));

    private static long? ReadLong(JsonNode? node)
        => long.TryParse(JsonValueText(node), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v : null;

    private static string? JsonValueText(JsonNode? node) => node is JsonValue value
        ? value.GetValueKind() == System.Text.Json.JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString()
        : null;
}
