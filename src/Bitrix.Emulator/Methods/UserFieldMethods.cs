using System.Globalization;
using System.Text.Json.Nodes;
using Bitrix.Emulator.Data;
using Bitrix.Emulator.Protocol;

namespace Bitrix.Emulator.Methods;

/// <summary>
/// <c>crm.{deal,lead,contact,company}.userfield.list/add</c> over the declared user fields
/// (docs: api-reference/crm/deals/user-defined-fields). A declared field joins the entity's
/// catalog, so it shows in <c>*.fields</c> and can be selected, filtered and written.
/// </summary>
internal static class UserFieldMethods
{
    private const int MaxNameLength = 50;

    /// <summary>The field's ID column: the table's own ID is the row's position in the answer.</summary>
    private const string FieldIdColumn = "FIELD_ID";

    private static readonly string[] Entities = ["crm.deal", "crm.lead", "crm.contact", "crm.company"];

    public static void Register(MethodRegistry registry)
    {
        foreach (var entity in Entities)
        {
            registry.Add(entity + ".userfield.list", c => List(c, entity));
            registry.Add(entity + ".userfield.add", c => Add(c, entity));
        }
    }

    /// <summary>All matching fields at once, with <c>total</c>; default order SORT, then ID.</summary>
    private static JsonNode List(CallContext context, string entity)
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

        var filterObject = JsonValues.AsObject(filterNode);
        var withLabels = filterObject is not null && filterObject.Any(p => p.Key.Equals("LANG", StringComparison.OrdinalIgnoreCase));
        var (table, entries) = Table(context.Data, entity, withLabels);
        var filter = FilterParser.Parse(filterObject, table.Catalog, ColumnOf, strict: false);
        var order = RowFormat.Order(table.Catalog, orderNode, ColumnOf);
        if (order.Count == 0)
        {
            order = [new OrderKey(table.Catalog.Find("SORT")!, false), new OrderKey(table.Catalog.Find(FieldIdColumn)!, false)];
        }

        var rows = Paging.All(table, filter, order);
        context.Total = rows.Count;
        context.ModelledSeconds = context.Cost.ListPage(0, rows.Count, table.Count, counted: true);
        return new JsonArray([.. rows.Select(r => (JsonNode)entries[(int)r.Id - 1])]);
    }

    private static JsonNode Add(CallContext context, string entity)
    {
        var fields = new RequestParams(context.Params.GetObject("fields") ?? []);
        var requested = fields.GetString("FIELD_NAME");
        if (string.IsNullOrWhiteSpace(requested))
        {
            throw PortalError.Legacy("The 'FIELD_NAME' field is not found.");
        }

        if (string.IsNullOrWhiteSpace(fields.GetString("USER_TYPE_ID")))
        {
            throw PortalError.Legacy("The 'USER_TYPE_ID' field is not found.");
        }

        var name = FullName(requested);
        if (!name.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '_'))
        {
            throw PortalError.Core("Field name contains invalid characters. Allowed characters are: A-Z, 0-9 and _.");
        }

        if (name.Length > MaxNameLength)
        {
            throw PortalError.Core("Field name is too long (more than 50 characters).");
        }

        var declaration = UserFieldRequest.From(context.Params, entity) with { FieldName = name };
        string declared;
        try
        {
            declared = context.Portal.DeclareUserFieldLocked(declaration);
        }
        catch (ArgumentException)
        {
            throw PortalError.Core("Incorrect custom type specified.");
        }

        var table = context.Data.FindTable(entity)!;
        return context.Data.UserFields[table.Name].Last(f => f.FieldName == declared).Id;
    }

    private static string ColumnOf(string key) => key.Equals("ID", StringComparison.OrdinalIgnoreCase) ? FieldIdColumn : key;

    /// <summary>The docs' naming rule: UF_CRM_ is kept, a bare UF_ becomes UF_CRM_, anything else gets the prefix.</summary>
    private static string FullName(string requested)
    {
        var name = requested.Trim().ToUpperInvariant();
        if (name.StartsWith("UF_CRM_", StringComparison.Ordinal))
        {
            return name;
        }

        return name.StartsWith("UF_", StringComparison.Ordinal) ? "UF_CRM_" + name[3..] : "UF_CRM_" + name;
    }

    /// <summary>
    /// The entity's user fields as a small table for the shared filter and order, and their answers
    /// by row (row ID n is entry n-1). Fields shipped in the documented catalog come first.
    /// </summary>
    private static (EntityTable Table, List<JsonObject> Entries) Table(PortalData data, string entity, bool withLabels)
    {
        static FieldDef F(string name, string type) => new(name, new JsonObject { ["type"] = type, ["isMultiple"] = false, ["title"] = name });

        var catalog = new EntityCatalog(entity + ".userfield",
        [
            F(FieldIdColumn, "integer"), F("ENTITY_ID", "string"), F("FIELD_NAME", "string"), F("USER_TYPE_ID", "string"), F("XML_ID", "string"),
            F("SORT", "integer"), F("MULTIPLE", "char"), F("MANDATORY", "char"), F("SHOW_FILTER", "char"), F("SHOW_IN_LIST", "char"),
            F("EDIT_IN_LIST", "char"), F("IS_SEARCHABLE", "char"),
        ]);
        var table = new EntityTable(entity + ".userfield", catalog, (_, _) => null);
        var source = data.FindTable(entity)!;
        var declared = data.UserFields.GetValueOrDefault(source.Name) ?? [];
        var entries = new List<JsonObject>();
        var shipped = source.Catalog.Fields.Where(f => f.IsUserField && declared.All(d => d.FieldName != f.Name)).ToList();
        for (var i = 0; i < shipped.Count; i++)
        {
            var field = shipped[i];
            var label = (string?)field.Definition["listLabel"] ?? (string?)field.Definition["title"] ?? field.Name;
            entries.Add(Entry(entity, i + 1, field.Name, field.Type, field.IsMultiple, (bool?)field.Definition["isRequired"] ?? false, label, [], field.Definition["settings"], withLabels));
        }

        foreach (var uf in declared)
        {
            var settings = source.Catalog.Find(uf.FieldName)?.Definition["settings"];
            entries.Add(Entry(entity, uf.Id, uf.FieldName, uf.UserTypeId, uf.Multiple, uf.Mandatory, uf.Label, uf.Items, settings, withLabels));
        }

        foreach (var entry in entries)
        {
            var values = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var field in catalog.Fields)
            {
                values[field.Name] = JsonValues.AsString(entry[field.Name == FieldIdColumn ? "ID" : field.Name]);
            }

            table.Insert(values);
        }

        return (table, entries);
    }

    private static JsonObject Entry(string entity, long id, string name, string type, bool multiple, bool mandatory, string label, IReadOnlyList<UserFieldItem> items, JsonNode? settings, bool withLabels)
    {
        var entry = new JsonObject
        {
            ["ID"] = id.ToString(CultureInfo.InvariantCulture),
            ["ENTITY_ID"] = entity.Replace('.', '_').ToUpperInvariant(),
            ["FIELD_NAME"] = name,
            ["USER_TYPE_ID"] = type,
            ["XML_ID"] = null,
            ["SORT"] = "100",
            ["MULTIPLE"] = multiple ? "Y" : "N",
            ["MANDATORY"] = mandatory ? "Y" : "N",
            ["SHOW_FILTER"] = "N",
            ["SHOW_IN_LIST"] = "Y",
            ["EDIT_IN_LIST"] = "Y",
            ["IS_SEARCHABLE"] = "N",

            // An empty PHP array prints as [].
            ["SETTINGS"] = settings is JsonObject { Count: > 0 } map ? map.DeepClone() : new JsonArray(),
        };
        if (withLabels)
        {
            entry["EDIT_FORM_LABEL"] = label;
            entry["LIST_COLUMN_LABEL"] = label;
            entry["LIST_FILTER_LABEL"] = label;
            entry["ERROR_MESSAGE"] = null;
            entry["HELP_MESSAGE"] = null;
        }

        if (type == "enumeration")
        {
            var list = new JsonArray();
            foreach (var item in items)
            {
                var itemId = item.Id.ToString(CultureInfo.InvariantCulture);
                list.Add((JsonNode)new JsonObject
                {
                    ["ID"] = itemId,
                    ["SORT"] = item.Sort.ToString(CultureInfo.InvariantCulture),
                    ["VALUE"] = item.Value,
                    ["DEF"] = item.IsDefault ? "Y" : "N",
                    ["XML_ID"] = itemId,
                });
            }

            entry["LIST"] = list;
        }

        return entry;
    }
}
