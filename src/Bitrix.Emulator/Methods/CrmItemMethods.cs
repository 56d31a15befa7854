using System.Globalization;
using System.Text.Json.Nodes;
using Bitrix.Emulator.Data;
using Bitrix.Emulator.Protocol;
using Bitrix.Emulator.SmartProcesses;

namespace Bitrix.Emulator.Methods;

/// <summary>
/// <c>crm.item.*</c> for leads, deals, contacts and companies (entityTypeId 1, 2, 3, 4): views onto
/// the legacy tables, so a write through either API is visible through the other; and for declared
/// smart processes (crm.type.*), each with its own table, funnels and stages.
/// </summary>
internal static class CrmItemMethods
{
    public static void Register(MethodRegistry registry)
    {
        registry.Add("crm.item.list", List);
        registry.Add("crm.item.get", Get);
        registry.Add("crm.item.add", Add);
        registry.Add("crm.item.update", Update);
        registry.Add("crm.item.delete", Delete);
        registry.Add("crm.item.fields", c => View(c).FieldsAnswer(OriginalNames(c)));
    }

    private static JsonNode List(CallContext context)
    {
        var view = View(context);
        var filterNode = view.NormaliseFilter(context.Params.GetObject("filter"));
        var filter = FilterParser.Parse(filterNode, view.StorageCatalog, k => view.Find(k)?.Storage.Name, strict: true);
        var order = Order(view, context.Params.GetObject("order"));
        var (fields, full) = Select(view, context.Params["select"]);
        var page = ListEngine.Run(view.Table, filter, order, RowFormat.Start(context.Params));
        context.Paged(page);
        var original = OriginalNames(context);
        var items = new JsonArray();
        foreach (var row in page.Rows)
        {
            items.Add((JsonNode)view.Item(row, fields, original, full));
        }

        return new JsonObject { ["items"] = items };
    }

    private static JsonNode Get(CallContext context)
    {
        var view = View(context);
        var row = FindRow(context, view);
        return Wrap(context, view, row);
    }

    private static JsonNode Add(CallContext context)
    {
        var view = View(context);
        var split = Split(view, context.Params.GetObject("fields"));
        SmartProcessDefaults(context, view, split.Legacy, existing: null);
        var legacy = new CallContext(context.Portal, context.Data, context.Method, new RequestParams(new JsonObject { ["fields"] = split.Legacy }), context.Now);
        var id = CrmLegacyMethods.Add(legacy, view.Table).GetValue<long>();
        var row = view.Table.Find(id)!;
        WriteItemOnly(view, row, split.ItemOnly);
        return Wrap(context, view, row);
    }

    private static JsonNode Update(CallContext context)
    {
        var view = View(context);
        var row = FindRow(context, view);
        var split = Split(view, context.Params.GetObject("fields"));
        SmartProcessDefaults(context, view, split.Legacy, row);
        var parameters = new JsonObject { ["id"] = row.Id, ["fields"] = split.Legacy };
        CrmLegacyMethods.Update(new CallContext(context.Portal, context.Data, context.Method, new RequestParams(parameters), context.Now), view.Table);
        WriteItemOnly(view, row, split.ItemOnly);
        return Wrap(context, view, row);
    }

    private static JsonNode Delete(CallContext context)
    {
        var view = View(context);
        var row = FindRow(context, view);
        view.Table.Delete(row.Id);
        return new JsonArray();
    }

    private static ItemView View(CallContext context)
    {
        var entityTypeId = context.Params.GetLong("entityTypeId");
        if (ItemView.For(context.Data, entityTypeId) is { } view)
        {
            return view;
        }

        return entityTypeId is { } id && context.Portal.SmartProcesses.Find(id) is { } type
            ? ItemView.ForTable(type.Table, id)
            : throw PortalError.NotFound("Smart process not found");
    }

    /// <summary>
    /// A smart-process item without a funnel goes to the default one, and without a stage to the
    /// funnel's first stage; a stage of another funnel, or an unknown funnel, is refused.
    /// </summary>
    private static void SmartProcessDefaults(CallContext context, ItemView view, JsonObject legacy, Row? existing)
    {
        if (context.Portal.SmartProcesses.Find(view.EntityTypeId) is not { } type)
        {
            return;
        }

        var categoryText = legacy.TryGetPropertyValue("CATEGORY_ID", out var c) ? JsonValues.AsString(c) : existing is null ? null : view.Table.GetValue(existing, "CATEGORY_ID") as string;
        SmartProcessCategory category;
        if (string.IsNullOrEmpty(categoryText))
        {
            category = type.DefaultCategory;
        }
        else
        {
            category = long.TryParse(categoryText, NumberStyles.None, CultureInfo.InvariantCulture, out var categoryId) && type.Categories.FirstOrDefault(x => x.Id == categoryId) is { } found
                ? found
                : throw PortalError.InvalidArgValue($"Category {categoryText} not found");
        }

        legacy["CATEGORY_ID"] = category.Id.ToString(CultureInfo.InvariantCulture);
        var requested = legacy.TryGetPropertyValue("STAGE_ID", out var s) ? JsonValues.AsString(s) : null;
        if (!string.IsNullOrEmpty(requested))
        {
            if (!category.Stages.Any(x => x.StatusId == requested))
            {
                throw PortalError.InvalidArgValue($"Stage {requested} not found in category {category.Id}");
            }
        }
        else
        {
            var current = existing is null ? null : view.Table.GetValue(existing, "STAGE_ID") as string;
            legacy["STAGE_ID"] = category.Stages.Any(x => x.StatusId == current) ? current : category.Stages[0].StatusId;
        }

        if (existing is null)
        {
            legacy["OPPORTUNITY"] ??= "0";
            legacy["CURRENCY_ID"] ??= "RUB";
        }
    }

    private static bool OriginalNames(CallContext context) => JsonValues.IsYes(context.Params["useOriginalUfNames"]);

    private static Row FindRow(CallContext context, ItemView view)
    {
        var id = context.Params.GetLong("id");
        return id is > 0 && view.Table.Find(id.Value) is { } row ? row : throw PortalError.NotFound();
    }

    private static JsonObject Wrap(CallContext context, ItemView view, Row row)
        => new() { ["item"] = view.Item(row, view.Fields, OriginalNames(context), full: true) };

    /// <summary><c>select</c>: field names or <c>*</c>; none means all. <c>id</c> always comes back.</summary>
    private static (List<ItemField> Fields, bool Full) Select(ItemView view, JsonNode? select)
    {
        var names = JsonValues.AsList(select).Select(JsonValues.AsString).Where(s => !string.IsNullOrEmpty(s)).ToList();
        if (names.Count == 0 || names.Contains("*"))
        {
            return ([.. view.Fields], true);
        }

        var wanted = new HashSet<ItemField>();
        foreach (var name in names)
        {
            if (view.Find(name!) is { } field)
            {
                wanted.Add(field);
            }
        }

        return ([.. view.Fields.Where(f => f.Storage.Name == "ID" || wanted.Contains(f))], false);
    }

    /// <summary><c>order</c> is strict in crm.item.list: unknown fields and directions are errors.</summary>
    private static List<OrderKey> Order(ItemView view, JsonObject? order)
    {
        var keys = new List<OrderKey>();
        foreach (var (key, value) in order ?? [])
        {
            var field = view.Find(key) ?? throw PortalError.InvalidArgValue($"Invalid order: field '{key}' is not allowed in order");
            var direction = JsonValues.AsString(value)?.ToUpperInvariant();
            if (direction is not ("ASC" or "DESC"))
            {
                throw PortalError.InvalidArgValue($"Invalid order: allowed sort directions are ASC, DESC. But got '{JsonValues.AsString(value)}' for field '{key}'");
            }

            keys.Add(new OrderKey(field.Storage, direction == "DESC"));
        }

        return keys;
    }

    /// <summary>Sorts request fields into legacy fields (written by the legacy handler) and fields only crm.item knows.</summary>
    private static (JsonObject Legacy, List<(ItemField Field, JsonNode? Value)> ItemOnly) Split(ItemView view, JsonObject? fields)
    {
        var legacy = new JsonObject();
        var itemOnly = new List<(ItemField, JsonNode?)>();
        foreach (var (key, value) in fields ?? [])
        {
            var field = view.Find(key);
            if (field is null || field.Storage.Name == "ID" || (field.Storage.IsReadOnly && !field.Storage.IsUserField))
            {
                continue;
            }

            if (field.Legacy is { } target)
            {
                legacy[target.Name] = value?.DeepClone();
            }
            else
            {
                itemOnly.Add((field, value));
            }
        }

        return (legacy, itemOnly);
    }

    /// <summary>Fields without a legacy counterpart (XML_ID, OBSERVERS, ...) live in the row under their upper name.</summary>
    private static void WriteItemOnly(ItemView view, Row row, List<(ItemField Field, JsonNode? Value)> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        var stored = view.Table.Materialise(row);
        foreach (var (field, value) in values)
        {
            stored[field.Storage.Name] = RowFormat.ToStored(field.Storage, value);
        }
    }
}
