using System.Globalization;
using System.Text.Json.Nodes;
using Bitrix.Emulator.Data;
using Bitrix.Emulator.Protocol;

namespace Bitrix.Emulator.Methods;

/// <summary>
/// The legacy CRM methods of deals, leads, contacts, companies and activities:
/// list/get/add/update/delete/fields with string values, UPPER_CASE keys and the legacy
/// error shape (empty code, HTTP 400).
/// </summary>
internal static class CrmLegacyMethods
{
    private static readonly string[] Multifields = ["PHONE", "EMAIL", "WEB", "IM", "LINK"];

    public static void Register(MethodRegistry registry)
    {
        foreach (var entity in new[] { "crm.deal", "crm.lead", "crm.contact", "crm.company", "crm.activity" })
        {
            Func<CallContext, EntityTable> table = c => c.Data.FindTable(entity)!;
            registry.Add(entity + ".list", c => List(c, table(c)));
            registry.Add(entity + ".get", c => Get(c, table(c)));
            registry.Add(entity + ".add", c => Add(c, table(c)));
            registry.Add(entity + ".update", c => Update(c, table(c)));
            registry.Add(entity + ".delete", c => Delete(c, table(c)));
            registry.Add(entity + ".fields", c => table(c).Catalog.ToFieldsAnswer());
        }
    }

    public static JsonNode List(CallContext context, EntityTable table)
    {
        var filterNode = context.Params["filter"];
        if (filterNode is JsonValue && !string.IsNullOrEmpty(JsonValues.AsString(filterNode)))
        {
            throw PortalError.Legacy("Parameter 'filter' must be array.");
        }

        var orderNode = context.Params["order"];
        if (orderNode is JsonValue && !string.IsNullOrEmpty(JsonValues.AsString(orderNode)))
        {
            throw PortalError.Legacy("Parameter 'order' must be array.");
        }

        var filter = FilterParser.Parse(JsonValues.AsObject(filterNode), table.Catalog, k => k, strict: false);
        var order = RowFormat.Order(table.Catalog, orderNode);
        var select = RowFormat.Select(table.Catalog, context.Params["select"]);
        var page = LegacyPage(table, filter, order, RowFormat.Start(context.Params));
        context.Paged(page);
        var rows = new JsonArray();
        foreach (var row in page.Rows)
        {
            rows.Add((JsonNode)RowFormat.Legacy(table, row, select));
        }

        return rows;
    }

    /// <summary>
    /// The legacy list builder pages by page number, not by offset: <c>start</c> is rounded down to a
    /// multiple of the page size, and a page number past the last page gives the first page again
    /// (with its <c>next</c>), never an empty page.
    /// </summary>
    private static ListPage LegacyPage(EntityTable table, FilterGroup filter, IReadOnlyList<OrderKey> order, long start)
    {
        if (start < 0)
        {
            return ListEngine.Run(table, filter, order, start);
        }

        var page = ListEngine.Run(table, filter, order, start / ListEngine.PageSize * ListEngine.PageSize);
        return page.Rows.Count == 0 && page.Total > 0 ? ListEngine.Run(table, filter, order, 0) : page;
    }

    public static JsonNode Get(CallContext context, EntityTable table)
    {
        var row = FindRow(context, table);
        return RowFormat.Legacy(table, row, table.Catalog.Fields);
    }

    public static JsonNode Add(CallContext context, EntityTable table)
    {
        var fields = context.Params.GetObject("fields") ?? throw PortalError.Legacy("Parameter 'fields' must be array.");
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        var now = SeedData.FormatDateTime(context.Now);
        foreach (var field in table.Catalog.Fields)
        {
            values[field.Name] = field.IsMultifield ? Array.Empty<MultifieldValue>() : null;
        }

        values["DATE_CREATE"] = now;
        values["DATE_MODIFY"] = now;
        values["CREATED_BY_ID"] = context.Portal.WebhookUserId.ToString(CultureInfo.InvariantCulture);
        values["ASSIGNED_BY_ID"] = values["CREATED_BY_ID"];
        values["MODIFY_BY_ID"] = values["CREATED_BY_ID"];
        values["OPENED"] = "Y";
        if (table.Name == "crm.deal")
        {
            values["STAGE_ID"] = "NEW";
            values["CATEGORY_ID"] = "0";
            values["STAGE_SEMANTIC_ID"] = "P";
            values["IS_NEW"] = "Y";
            values["CLOSED"] = "N";
            values["CURRENCY_ID"] = "RUB";
            values["OPPORTUNITY"] = "0.00";
        }

        Apply(context, table, values, fields, isAdd: true);
        var row = table.Insert(values);
        return row.Id;
    }

    public static JsonNode Update(CallContext context, EntityTable table)
    {
        var row = FindRow(context, table);

        // Without fields the update changes nothing and still succeeds: the fields default to an empty set.
        var fields = context.Params.Has("fields")
            ? context.Params.GetObject("fields") ?? throw PortalError.Legacy("Parameter 'fields' must be array.")
            : new JsonObject();
        var values = table.Materialise(row);
        Apply(context, table, values, fields, isAdd: false);
        values["DATE_MODIFY"] = SeedData.FormatDateTime(context.Now);
        return true;
    }

    public static JsonNode Delete(CallContext context, EntityTable table)
    {
        var row = FindRow(context, table);
        table.Delete(row.Id);
        return true;
    }

    /// <summary>Finds the row named by <c>id</c>; the legacy errors when it is missing or malformed.</summary>
    public static Row FindRow(CallContext context, EntityTable table)
    {
        var id = context.Params.GetLong("id");
        if (id is null or <= 0)
        {
            throw PortalError.Legacy("ID is not defined or invalid.");
        }

        return table.Find(id.Value) ?? throw PortalError.Legacy("Not found");
    }

    /// <summary>Writes request fields onto stored values: unknown and read-only fields are ignored, null erases.</summary>
    private static void Apply(CallContext context, EntityTable table, Dictionary<string, object?> values, JsonObject fields, bool isAdd)
    {
        foreach (var (key, node) in fields)
        {
            var field = table.Catalog.Find(key);
            if (field is null || field.Name == "ID" || (field.IsReadOnly && !field.IsUserField))
            {
                continue;
            }

            if (field.IsMultifield)
            {
                var current = values.GetValueOrDefault(field.Name) as IReadOnlyList<MultifieldValue> ?? [];
                values[field.Name] = MergeMultifield(context.Data, field.Name, isAdd ? [] : current, node);
                continue;
            }

            values[field.Name] = RowFormat.ToStored(field, node);
        }

        foreach (var name in Multifields)
        {
            if (table.Catalog.Find("HAS_" + name) is not null && values.GetValueOrDefault(name) is IReadOnlyList<MultifieldValue> list)
            {
                values["HAS_" + name] = list.Count > 0 ? "Y" : "N";
            }
        }
    }

    /// <summary>
    /// Multifield writes: entries with an ID change that entry (or remove it with DELETE=Y),
    /// entries without one are added with a new ID.
    /// </summary>
    private static MultifieldValue[] MergeMultifield(PortalData data, string typeId, IReadOnlyList<MultifieldValue> current, JsonNode? node)
    {
        var result = current.ToList();
        foreach (var entry in JsonValues.AsList(node))
        {
            if (JsonValues.AsObject(entry) is not { } obj)
            {
                continue;
            }

            var p = new RequestParams(obj);
            var value = p.GetString("VALUE") ?? string.Empty;
            var valueType = p.GetString("VALUE_TYPE") ?? "WORK";
            var existingId = p.GetLong("ID");
            var index = existingId is { } eid ? result.FindIndex(v => v.Id == eid) : -1;
            if (index >= 0)
            {
                if (JsonValues.IsYes(p["DELETE"]) || value.Length == 0)
                {
                    result.RemoveAt(index);
                }
                else
                {
                    result[index] = result[index] with { Value = value, ValueType = valueType };
                }
            }
            else if (value.Length > 0)
            {
                result.Add(new MultifieldValue(data.NextMultifieldId++, valueType, value, typeId));
            }
        }

        return [.. result];
    }
}
