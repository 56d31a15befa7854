using System.Text.Json;
using System.Text.Json.Nodes;
using Bitrix.Emulator.Data;
using Bitrix.Emulator.Protocol;

namespace Bitrix.Emulator.Methods;

/// <summary>
/// <c>user.get</c>, <c>user.current</c>, <c>user.fields</c> and <c>department.get</c>. These take
/// top-level <c>SORT</c>/<c>ORDER</c> and filter keys (docs/protocol.md §3); users print <c>ACTIVE</c> as a
/// JSON boolean and <c>UF_DEPARTMENT</c> as a list of numbers (docs: api-reference/user/user-get.md).
/// </summary>
internal static class UserMethods
{
    private static readonly HashSet<string> NotFilterKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "SORT", "ORDER", "START", "SELECT", "FILTER", "ADMIN_MODE", "IMAGE_RESIZE", "NAME_SEARCH", "FIND",
    };

    private static readonly string[] SearchFields = ["NAME", "LAST_NAME", "SECOND_NAME", "EMAIL", "WORK_POSITION"];

    private static readonly Dictionary<string, string> FieldLabels = new(StringComparer.Ordinal)
    {
        ["XML_ID"] = "External code",
        ["ACTIVE"] = "Activity",
        ["NAME"] = "First Name",
        ["LAST_NAME"] = "Last Name",
        ["SECOND_NAME"] = "Middle Name",
        ["EMAIL"] = "E-Mail",
        ["LAST_LOGIN"] = "Last Authorization",
        ["DATE_REGISTER"] = "Registration Date",
        ["PERSONAL_CITY"] = "Residential City",
        ["WORK_POSITION"] = "Job Title",
        ["UF_DEPARTMENT"] = "Units",
    };

    private static readonly string[] DepartmentKeys = ["ID", "NAME", "SORT", "PARENT", "UF_HEAD"];

    public static void Register(MethodRegistry registry)
    {
        registry.Add("user.get", Get);
        registry.Add("user.current", Current);
        registry.Add("user.fields", Fields);
        registry.Add("department.get", Departments);
    }

    private static JsonNode Get(CallContext context)
    {
        var users = context.Data.Users;
        var filter = UserFilter(context, users.Catalog);
        var order = new List<OrderKey>();
        if (context.Params.GetString("SORT") is { } sort && users.Catalog.Find(sort) is { } sortField)
        {
            order.Add(new OrderKey(sortField, string.Equals(context.Params.GetString("ORDER"), "DESC", StringComparison.OrdinalIgnoreCase)));
        }

        var page = ListEngine.Run(users, filter, order, RowFormat.Start(context.Params));
        context.Paged(page);
        var fields = SelectUserFields(users.Catalog, context.Params["select"]);
        var rows = new JsonArray();
        foreach (var row in page.Rows)
        {
            rows.Add((JsonNode)User(users, row, fields));
        }

        return rows;
    }

    /// <summary>The webhook's user; a user outside the seeded range still gets its seeded values.</summary>
    private static JsonNode Current(CallContext context)
    {
        var users = context.Data.Users;
        var id = context.Portal.WebhookUserId;
        return User(users, users.Find(id) ?? new Row(id), users.Catalog.Fields);
    }

    private static JsonNode Fields(CallContext context)
    {
        var result = new JsonObject();
        foreach (var field in context.Data.Users.Catalog.Fields)
        {
            result[field.Name] = FieldLabels.GetValueOrDefault(field.Name, field.Name);
        }

        return result;
    }

    /// <summary>The filter comes as <c>FILTER</c> or as top-level keys (with operator prefixes); both are merged.</summary>
    private static FilterGroup UserFilter(CallContext context, EntityCatalog catalog)
    {
        var merged = new JsonObject();
        var given = context.Params.GetObject("FILTER") ?? [];
        var search = new List<string>();
        foreach (var (key, value) in given.Concat(context.Params.Values))
        {
            if (key.Equals("NAME_SEARCH", StringComparison.OrdinalIgnoreCase) || key.Equals("FIND", StringComparison.OrdinalIgnoreCase))
            {
                search.AddRange(JsonValues.AsList(value).Select(JsonValues.AsString).Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s!));
                continue;
            }

            var name = FilterParser.SplitOperator(key).Name;
            if (NotFilterKeys.Contains(key) || catalog.Find(name) is not { } field)
            {
                continue;
            }

            merged[key] = field.Kind == FieldKind.Flag ? Flag(value) : value?.DeepClone();
        }

        var filter = FilterParser.Parse(merged, catalog, k => k, strict: false);
        if (search.Count == 0)
        {
            return filter;
        }

        var terms = SearchFields.Select(f => catalog.Find(f)).Where(f => f is not null)
            .Select(f => (FilterNode)new FilterTerm(f!, FilterOp.Like, [.. search]))
            .ToList();
        return new FilterGroup(false, [.. filter.Children, new FilterGroup(true, terms)]);
    }

    /// <summary><c>ACTIVE</c> is filtered with true/false (docs) as well as Y/N; storage holds Y/N.</summary>
    private static JsonNode? Flag(JsonNode? value)
    {
        if (value is JsonArray or JsonObject)
        {
            return new JsonArray(JsonValues.AsList(value).Select(Flag).ToArray());
        }

        var text = value is JsonValue v && v.GetValueKind() == JsonValueKind.False ? "N" : JsonValues.AsString(value);
        return JsonValue.Create(text?.ToUpperInvariant() switch
        {
            "1" or "Y" or "TRUE" => "Y",
            "0" or "N" or "FALSE" or "" => "N",
            _ => text,
        });
    }

    /// <summary>No select or <c>*</c>: every field, user fields included.</summary>
    private static List<FieldDef> SelectUserFields(EntityCatalog catalog, JsonNode? select)
    {
        var names = JsonValues.AsList(select).Select(JsonValues.AsString).Where(s => !string.IsNullOrEmpty(s)).ToList();
        return names.Count == 0 || names.Contains("*") ? [.. catalog.Fields] : RowFormat.Select(catalog, select);
    }

    private static JsonObject User(EntityTable users, Row row, IEnumerable<FieldDef> fields)
    {
        var user = new JsonObject();
        foreach (var field in fields)
        {
            var value = users.GetValue(row, field.Name);
            user[field.Name] = field.Name switch
            {
                "ACTIVE" => value as string == "Y",
                "UF_DEPARTMENT" => new JsonArray(JsonValues.AsList(RowFormat.LegacyValue(value))
                    .Select(JsonValues.AsLong).Where(d => d is not null).Select(d => (JsonNode)d!.Value).ToArray()),
                _ => RowFormat.LegacyValue(value),
            };
        }

        return user;
    }

    /// <summary><c>department.get</c>: top-level filter keys, <c>sort</c>/<c>order</c>, paged by 50.</summary>
    private static JsonNode Departments(CallContext context)
    {
        var sortBy = "SORT";
        IEnumerable<JsonObject> rows = PortalData.Departments();
        foreach (var key in DepartmentKeys)
        {
            var value = context.Params[key];
            if (value is null)
            {
                continue;
            }

            // "sort" names the sort field; "SORT" with a number filters by sort index.
            if (key == "SORT" && JsonValues.AsString(value) is { } sortValue && DepartmentKeys.Contains(sortValue.ToUpperInvariant()))
            {
                sortBy = sortValue.ToUpperInvariant();
                continue;
            }

            var wanted = JsonValues.AsList(value).Select(JsonValues.AsString).ToHashSet(StringComparer.OrdinalIgnoreCase);
            rows = rows.Where(d => wanted.Contains(JsonValues.AsString(d[key]) ?? string.Empty));
        }

        var descending = string.Equals(context.Params.GetString("order"), "DESC", StringComparison.OrdinalIgnoreCase);
        var ordered = rows.Order(Comparer<JsonObject>.Create((a, b) =>
        {
            var c = CompareDepartments(a, b, sortBy);
            return c != 0 ? c : CompareDepartments(a, b, "ID");
        })).ToList();
        if (descending)
        {
            ordered.Reverse();
        }

        var page = Paging.Page(context, ordered);
        return new JsonArray([.. page]);
    }

    private static int CompareDepartments(JsonObject a, JsonObject b, string key)
    {
        var va = JsonValues.AsString(a[key]);
        var vb = JsonValues.AsString(b[key]);
        return ValueComparer.CompareNullable(key == "NAME" ? FieldKind.Text : FieldKind.Integer, va, vb);
    }
}
