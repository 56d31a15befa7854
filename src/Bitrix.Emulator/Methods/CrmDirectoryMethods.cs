using System.Globalization;
using System.Text.Json.Nodes;
using Bitrix.Emulator.Data;
using Bitrix.Emulator.Protocol;

namespace Bitrix.Emulator.Methods;

/// <summary>
/// The CRM directories behind the seeded values: <c>crm.status.list</c> (statuses, sources,
/// stages, types, ...) and <c>crm.category.list</c> (deal funnels 0 and 1).
/// </summary>
internal static class CrmDirectoryMethods
{
    private sealed record Status(string EntityId, string StatusId, string Name, bool System = false, string? Semantics = null, string? Color = null, string? CategoryId = null, int? Sort = null);

    private static readonly string[] StageColors = ["#39A8EF", "#2FC6F6", "#55D0E0", "#47E4C2", "#FFA900"];

    private static readonly (string Id, string Name)[] DealStages =
    [
        ("NEW", "New"), ("PREPARATION", "Document preparation"), ("PREPAYMENT_INVOICE", "Invoice"),
        ("EXECUTING", "In progress"), ("FINAL_INVOICE", "Final invoice"), ("WON", "Deal won"), ("LOSE", "Deal lost"),
    ];

    /// <summary>The directory entries, in order, covering every value <see cref="SeedData"/> hands out.</summary>
    private static readonly Status[] Statuses =
    [
        new("STATUS", "NEW", "Unassigned", System: true),
        new("STATUS", "IN_PROCESS", "In progress"),
        new("STATUS", "PROCESSED", "Processed"),
        new("STATUS", "CONVERTED", "Good lead", System: true, Semantics: "S"),
        new("STATUS", "JUNK", "Junk lead", System: true, Semantics: "F"),
        new("SOURCE", "CALL", "Call"),
        new("SOURCE", "EMAIL", "E-mail"),
        new("SOURCE", "WEB", "Website"),
        new("SOURCE", "ADVERTISING", "Advertising"),
        new("SOURCE", "PARTNER", "Existing client"),
        new("SOURCE", "RECOMMENDATION", "By recommendation"),
        new("SOURCE", "TRADE_SHOW", "Show/Exhibition"),
        new("SOURCE", "WEBFORM", "CRM form"),
        new("SOURCE", "CALLBACK", "Callback"),
        new("SOURCE", "OTHER", "Other"),
        .. Stages("DEAL_STAGE", string.Empty),
        .. Stages("DEAL_STAGE_1", "C1:"),
        new("DEAL_TYPE", "SALE", "Sales"),
        new("DEAL_TYPE", "COMPLEX", "Integrated sale"),
        new("DEAL_TYPE", "GOODS", "Merchandise sales"),
        new("DEAL_TYPE", "SERVICES", "Service sales"),
        new("DEAL_TYPE", "SERVICE", "After-sales service"),
        new("CONTACT_TYPE", "CLIENT", "Clients"),
        new("CONTACT_TYPE", "SUPPLIER", "Suppliers"),
        new("CONTACT_TYPE", "PARTNER", "Partners"),
        new("CONTACT_TYPE", "OTHER", "Other"),
        new("COMPANY_TYPE", "CUSTOMER", "Client"),
        new("COMPANY_TYPE", "SUPPLIER", "Supplier"),
        new("COMPANY_TYPE", "COMPETITOR", "Competitor"),
        new("COMPANY_TYPE", "PARTNER", "Partner"),
        new("COMPANY_TYPE", "OTHER", "Other"),
        new("INDUSTRY", "IT", "Information technology"),
        new("INDUSTRY", "TELECOM", "Telecommunication"),
        new("INDUSTRY", "MANUFACTURING", "Manufacturing"),
        new("INDUSTRY", "BANKING", "Banking services"),
        new("INDUSTRY", "CONSULTING", "Consulting"),
        new("INDUSTRY", "FINANCE", "Finance"),
        new("INDUSTRY", "GOVERNMENT", "Government"),
        new("INDUSTRY", "DELIVERY", "Delivery"),
        new("INDUSTRY", "ENTERTAINMENT", "Entertainment"),
        new("INDUSTRY", "OTHER", "Other"),
        new("EMPLOYEES", "EMPLOYEES_1", "fewer than 50"),
        new("EMPLOYEES", "EMPLOYEES_2", "50-250"),
        new("EMPLOYEES", "EMPLOYEES_3", "250-500"),
        new("EMPLOYEES", "EMPLOYEES_4", "over 500"),
        new("HONORIFIC", "HNR_EN_1", "Mr."),
        new("HONORIFIC", "HNR_EN_2", "Mrs."),
        new("HONORIFIC", "HNR_EN_3", "Ms."),
        new("HONORIFIC", "HNR_EN_4", "Dr."),
    ];

    public static void Register(MethodRegistry registry)
    {
        registry.Add("crm.status.list", StatusList);
        registry.Add("crm.category.list", CategoryList);
    }

    private static IEnumerable<Status> Stages(string entityId, string prefix)
    {
        for (var i = 0; i < DealStages.Length; i++)
        {
            var (id, name) = DealStages[i];
            yield return id switch
            {
                "WON" => new(entityId, prefix + id, name, System: true, Semantics: "S", Color: "#7BD500"),
                "LOSE" => new(entityId, prefix + id, name, System: true, Semantics: "F", Color: "#FF5752"),
                _ => new(entityId, prefix + id, name, System: id == "NEW", Color: StageColors[i]),
            };
        }
    }

    /// <summary>Entities whose entries carry a process/success/failure semantics and a colour.</summary>
    private static bool IsStageLike(string entityId)
        => entityId is "STATUS" || entityId.StartsWith("DEAL_STAGE", StringComparison.Ordinal) || entityId.StartsWith("DYNAMIC_", StringComparison.Ordinal);

    /// <summary>The stages of the portal's smart processes: <c>DYNAMIC_{entityTypeId}_STAGE_{categoryId}</c> entries.</summary>
    private static IEnumerable<Status> SmartProcessStages(CallContext context)
    {
        foreach (var type in context.Portal.SmartProcesses.Types)
        {
            foreach (var category in type.Categories)
            {
                foreach (var stage in category.Stages)
                {
                    yield return new Status(
                        category.StatusEntityId(type.EntityTypeId), stage.StatusId, stage.Name, System: stage.Semantics != "P" || stage == category.Stages[0],
                        Semantics: stage.Semantics == "P" ? null : stage.Semantics, Color: stage.Color, CategoryId: category.Id.ToString(CultureInfo.InvariantCulture), Sort: stage.Sort);
                }
            }
        }
    }

    /// <summary>The whole matching directory at once (the method is not paged), with <c>total</c>.</summary>
    private static JsonNode StatusList(CallContext context)
    {
        var filterNode = context.Params["filter"];
        if (filterNode is JsonValue && !string.IsNullOrEmpty(JsonValues.AsString(filterNode)))
        {
            throw PortalError.Legacy("Parameter 'filter' must be array.");
        }

        var table = StatusTable(SmartProcessStages(context));
        var filter = FilterParser.Parse(JsonValues.AsObject(filterNode), table.Catalog, k => k, strict: false);
        var order = RowFormat.Order(table.Catalog, context.Params["order"]);
        var rows = Paging.All(table, filter, order);
        context.Total = rows.Count;
        context.ModelledSeconds = context.Cost.ListPage(0, rows.Count, table.Count, counted: true);
        var result = new JsonArray();
        foreach (var row in rows)
        {
            result.Add((JsonNode)StatusRow(table, row));
        }

        return result;
    }

    private static JsonObject StatusRow(EntityTable table, Row row)
    {
        var obj = RowFormat.Legacy(table, row, table.Catalog.Fields);
        var entityId = (string)table.GetValue(row, "ENTITY_ID")!;
        if (IsStageLike(entityId))
        {
            obj["EXTRA"] = new JsonObject
            {
                ["SEMANTICS"] = (table.GetValue(row, "SEMANTICS") as string) switch
                {
                    "S" => "success",
                    "F" => "failure",
                    _ => "process",
                },
                ["COLOR"] = table.GetValue(row, "COLOR") as string,
            };
        }

        return obj;
    }

    /// <summary>The directory as a table, so that the shared filter and order apply; it is small and rebuilt per call.</summary>
    private static EntityTable StatusTable(IEnumerable<Status> smartProcessStages)
    {
        static FieldDef F(string name, string type, bool readOnly = false) => new(name, new JsonObject
        {
            ["type"] = type,
            ["isRequired"] = false,
            ["isReadOnly"] = readOnly,
            ["isImmutable"] = false,
            ["isMultiple"] = false,
            ["isDynamic"] = false,
            ["title"] = name,
        });

        var catalog = new EntityCatalog("crm.status",
        [
            F("ID", "integer", readOnly: true), F("ENTITY_ID", "string"), F("STATUS_ID", "string"), F("NAME", "string"),
            F("NAME_INIT", "string"), F("SORT", "integer"), F("SYSTEM", "char"), F("CATEGORY_ID", "integer"),
            F("COLOR", "string"), F("SEMANTICS", "string"),
        ]);
        var table = new EntityTable("crm.status", catalog, (_, _) => null);
        var sorts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var status in Statuses.Concat(smartProcessStages))
        {
            var sort = sorts[status.EntityId] = status.Sort ?? sorts.GetValueOrDefault(status.EntityId) + 10;
            var stageLike = IsStageLike(status.EntityId);
            table.Insert(new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["ENTITY_ID"] = status.EntityId,
                ["STATUS_ID"] = status.StatusId,
                ["NAME"] = status.Name,
                ["NAME_INIT"] = status.System ? status.Name : string.Empty,
                ["SORT"] = sort.ToString(CultureInfo.InvariantCulture),
                ["SYSTEM"] = status.System ? "Y" : "N",
                ["CATEGORY_ID"] = status.CategoryId ?? (status.EntityId.StartsWith("DEAL_STAGE_", StringComparison.Ordinal) ? status.EntityId["DEAL_STAGE_".Length..] : null),
                ["COLOR"] = stageLike ? status.Color ?? "#ACE9FB" : null,
                ["SEMANTICS"] = status.Semantics,
            });
        }

        return table;
    }

    /// <summary>
    /// <c>crm.category.list</c>: deals have the general funnel 0 and funnel 1 (SeedData puts a
    /// fifth of the deals there); contacts and companies have their default category only; leads
    /// have none (docs: api-reference/crm/universal/category/crm-category-list.md).
    /// </summary>
    private static JsonNode CategoryList(CallContext context)
    {
        var entityTypeId = context.Params.GetLong("entityTypeId");
        var categories = entityTypeId switch
        {
            2 => new List<JsonObject> { Category(0, "General", 100, 2), Category(1, "Partner sales", 200, 2) },
            3 => [Category(0, "Contacts", 100, 3)],
            4 => [Category(0, "Companies", 100, 4)],
            1 => throw new PortalError("ENTITY_TYPE_NOT_SUPPORTED", "Entity type LEAD is not supported", 400),
            { } id when context.Portal.SmartProcesses.Find(id) is { } type => type.Categories.Select(c => Category(c.Id, c.Name, c.Sort, type.EntityTypeId, c.IsDefault)).ToList(),
            _ => throw PortalError.NotFound("Smart process not found"),
        };

        var page = Paging.Page(context, categories);
        return new JsonObject { ["categories"] = new JsonArray([.. page]) };
    }

    private static JsonObject Category(long id, string name, int sort, long entityTypeId, bool? isDefault = null)
    {
        var category = new JsonObject
        {
            ["id"] = id,
            ["name"] = name,
            ["sort"] = sort,
            ["entityTypeId"] = entityTypeId,
            ["isDefault"] = (isDefault ?? id == 0) ? "Y" : "N",
        };
        if (id != 0 && isDefault is null)
        {
            category["originId"] = string.Empty;
            category["originatorId"] = string.Empty;
        }

        return category;
    }
}
