using System.Text.Json;

namespace Bitrix.Listing;

/// <summary>
/// How a list method shapes its pages: where the rows are (<c>result</c> itself or a wrapper key),
/// which key carries a row's ID, which key the filter and order take for the ID, and whether the
/// method sorts through top-level <c>SORT</c>/<c>ORDER</c> (user.get, department.get).
/// </summary>
internal sealed record ListMethodProfile(string? WrapperKey, string RowIdKey, string FilterIdKey, bool TopLevelSort, bool SupportsCursor, bool FilterInFilterKey = true)
{
    private static readonly Dictionary<string, ListMethodProfile> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        ["crm.item.list"] = new("items", "id", "id", false, true),
        ["tasks.task.list"] = new("tasks", "id", "ID", false, true),
        ["crm.category.list"] = new("categories", "id", "id", false, false),
        ["user.get"] = new(null, "ID", "ID", true, true, FilterInFilterKey: true),
        ["department.get"] = new(null, "ID", "ID", true, false),
        ["crm.status.list"] = new(null, "ID", "ID", false, false),
        ["sonet_group.get"] = new(null, "ID", "ID", false, false),
        ["socialnetwork.api.workgroup.list"] = new("workgroups", "id", "ID", false, false),
        ["catalog.document.element.list"] = new("documentElements", "id", "id", false, true),
        ["crm.stagehistory.list"] = new("items", "ID", "ID", false, true),
        ["crm.deal.contact.items.get"] = new(null, "CONTACT_ID", "CONTACT_ID", false, false),
    };

    /// <summary>Legacy lists: rows in <c>result</c>, <c>ID</c> everywhere, cursor works.</summary>
    public static ListMethodProfile Legacy { get; } = new(null, "ID", "ID", false, true);

    /// <summary>The profile of a method, with the caller's overrides applied.</summary>
    public static ListMethodProfile For(string method, ListOptions options)
    {
        var profile = Known.GetValueOrDefault(method) ?? Legacy;
        if (options.WrapperKey is { } wrapper)
        {
            profile = profile with { WrapperKey = wrapper };
        }

        if (options.IdKey is { } id)
        {
            profile = profile with { RowIdKey = id, FilterIdKey = Known.ContainsKey(method) ? profile.FilterIdKey : id };
        }

        return profile;
    }

    /// <summary>Learns the wrapper and ID key of an unknown method from its first page.</summary>
    public ListMethodProfile LearnFrom(JsonElement result)
    {
        var profile = this;
        if (result.ValueKind == JsonValueKind.Object && WrapperKey is null)
        {
            foreach (var property in result.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.Array)
                {
                    profile = profile with { WrapperKey = property.Name };
                    break;
                }
            }
        }

        foreach (var row in Rows(result, profile.WrapperKey))
        {
            if (row.ValueKind == JsonValueKind.Object && !row.TryGetProperty(profile.RowIdKey, out _))
            {
                var other = profile.RowIdKey == "ID" ? "id" : "ID";
                if (row.TryGetProperty(other, out _))
                {
                    profile = profile with { RowIdKey = other, FilterIdKey = profile.FilterIdKey == profile.RowIdKey ? other : profile.FilterIdKey };
                }
            }

            break;
        }

        return profile;
    }

    /// <summary>
    /// The rows of one page: <c>result</c> itself when it is a list, or the list under
    /// <paramref name="wrapperKey"/>. A page of any other shape — a string, a number, an object
    /// without the rows, a list holding something other than rows — is an
    /// <see cref="BitrixErrorCodes.InvalidResponse"/> error, never an empty page (which would end
    /// the list early and lose every row after it).
    /// </summary>
    public static IEnumerable<JsonElement> Rows(JsonElement result, string? wrapperKey, string? method = null)
    {
        var rows = result;
        if (result.ValueKind == JsonValueKind.Object && wrapperKey is not null && result.TryGetProperty(wrapperKey, out var wrapped))
        {
            rows = wrapped;
        }

        var expected = wrapperKey is null ? "a list of rows" : $"a list of rows (or an object with the rows under '{wrapperKey}')";
        if (rows.ValueKind != JsonValueKind.Array)
        {
            throw ResponseExcerpt.WrongShape(method, expected, result);
        }

        foreach (var row in rows.EnumerateArray())
        {
            if (row.ValueKind != JsonValueKind.Object)
            {
                throw ResponseExcerpt.WrongShape(method, expected + " whose rows are objects", result);
            }
        }

        return rows.EnumerateArray();
    }

    /// <summary>A row's ID, read as a number whether the portal sent <c>37</c> or <c>"37"</c>.</summary>
    public long? IdOf(JsonElement row)
        => row.ValueKind == JsonValueKind.Object && row.TryGetProperty(RowIdKey, out var id) && Json.AsDouble(id) is { } d ? (long)d : null;

    /// <summary>The reference to the last row's ID of a page returned by batch command <paramref name="command"/>.</summary>
    public string LastIdReference(string command)
        => WrapperKey is null ? $"$result[{command}][49][{RowIdKey}]" : $"$result[{command}][{WrapperKey}][49][{RowIdKey}]";
}
