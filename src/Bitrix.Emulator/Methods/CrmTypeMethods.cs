using System.Globalization;
using System.Text.Json.Nodes;
using Bitrix.Emulator.Data;
using Bitrix.Emulator.Protocol;
using Bitrix.Emulator.SmartProcesses;

namespace Bitrix.Emulator.Methods;

/// <summary>
/// <c>crm.type.*</c>: the smart processes of the portal (docs: api-reference/crm/universal/user-defined-object-types).
/// Lists answer <c>{types: [...]}</c> paged by 50 with <c>total</c>; get and add answer <c>{type: {...}}</c>
/// with relations; an unknown type is HTTP 400 with the code <c>0</c> and "SPA not found".
/// </summary>
internal static class CrmTypeMethods
{
    public static void Register(MethodRegistry registry)
    {
        registry.Add("crm.type.list", List);
        registry.Add("crm.type.get", c => Wrap(Store(c).FindById(c.Params.GetLong("id") ?? 0)));
        registry.Add("crm.type.getbyentitytypeid", c => Wrap(Store(c).Find(c.Params.GetLong("entityTypeId") ?? 0)));
        registry.Add("crm.type.add", Add);
    }

    /// <summary>Declares a type as <c>crm.type.add</c> does; shared with the emulator's C# API.</summary>
    public static SmartProcessType Declare(Portal portal, JsonObject fields, DateTimeOffset now)
    {
        var parameters = new RequestParams(fields);
        var title = parameters.GetString("title");
        if (string.IsNullOrWhiteSpace(title))
        {
            throw PortalError.Core("Field \"title\" is required");
        }

        var flags = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var flag in SmartProcessType.FlagNames)
        {
            if (fields.TryGetPropertyValue(flag, out var value) && value is not null)
            {
                flags[flag] = JsonValues.IsYes(value) || JsonValues.AsString(value) is "true" or "1";
            }
        }

        try
        {
            return portal.SmartProcesses.Add(title, parameters.GetLong("entityTypeId"), parameters.GetString("code") ?? string.Empty, flags, portal.WebhookUserId, now);
        }
        catch (ArgumentException e)
        {
            throw PortalError.Core(e.Message);
        }
    }

    private static SmartProcessStore Store(CallContext context) => context.Portal.SmartProcesses;

    private static JsonObject Wrap(SmartProcessType? type)
        => type is null ? throw new PortalError("0", "SPA not found", 400) : new JsonObject { ["type"] = type.ToJson(withRelations: true) };

    private static JsonNode Add(CallContext context)
    {
        var fields = context.Params.GetObject("fields") ?? throw PortalError.Core("Field \"title\" is required");
        return Wrap(Declare(context.Portal, fields, context.Now));
    }

    /// <summary>Filter and order over the type objects' fields (camelCase, the shared operators); unknown fields are refused.</summary>
    private static JsonNode List(CallContext context)
    {
        var types = Store(context).Types;
        var catalog = new EntityCatalog("crm.type", TypeFields());
        var table = new EntityTable("crm.type", catalog, (_, _) => null);
        var byRow = new Dictionary<long, SmartProcessType>();
        foreach (var type in types)
        {
            var values = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var (key, value) in type.ToJson(withRelations: false))
            {
                values[Naming.UpperSnake(key)] = value is null ? null : JsonValues.AsString(value);
            }

            var row = table.Insert(values);
            byRow[row.Id] = type;
        }

        string? Map(string key) => catalog.Find(Naming.UpperSnake(key)) is { } f ? f.Name : null;
        var filter = FilterParser.Parse(FilterObject(context.Params["filter"]), catalog, Map, strict: true);
        var order = RowFormat.Order(catalog, context.Params["order"], Map);
        var rows = Paging.All(table, filter, order).Select(r => byRow[r.Id]).ToList();
        var page = Paging.Page(context, rows);
        return new JsonObject { ["types"] = new JsonArray([.. page.Select(t => (JsonNode)t.ToJson(withRelations: false))]) };
    }

    /// <summary>The docs' examples send the filter as a list of groups; a list is the same as an object keyed 0..n-1.</summary>
    private static JsonObject? FilterObject(JsonNode? node) => node switch
    {
        JsonObject obj => obj,
        JsonArray list => new JsonObject(list.Select((item, i) => KeyValuePair.Create(i.ToString(CultureInfo.InvariantCulture), item?.DeepClone()))),
        _ => null,
    };

    private static IEnumerable<FieldDef> TypeFields()
    {
        static FieldDef F(string name, string type) => new(name, new JsonObject { ["type"] = type, ["isReadOnly"] = name == "ID" });
        yield return F("ID", "integer");
        yield return F("TITLE", "string");
        yield return F("CODE", "string");
        yield return F("CREATED_BY", "integer");
        yield return F("ENTITY_TYPE_ID", "integer");
        yield return F("CUSTOM_SECTION_ID", "integer");
        foreach (var flag in SmartProcessType.FlagNames)
        {
            yield return F(Naming.UpperSnake(flag), "char");
        }

        yield return F("CREATED_TIME", "datetime");
        yield return F("UPDATED_TIME", "datetime");
        yield return F("UPDATED_BY", "integer");
    }
}
