using System.Globalization;
using System.Text.Json.Nodes;
using Bitrix.Emulator.Data;
using Bitrix.Emulator.Protocol;

namespace Bitrix.Emulator.Methods;

/// <summary>
/// <c>tasks.task.*</c>: rows wrapped in <c>tasks</c>/<c>task</c>, camelCase keys with string values
/// (fixture get_all_tasks), while filter, order and select take the UPPER field names.
/// </summary>
internal static class TaskMethods
{
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["REAL_STATUS"] = "STATUS",
        ["STATUS_COMPLETE"] = "STATUS",
        ["ACCOMPLICE"] = "ACCOMPLICES",
        ["AUDITOR"] = "AUDITORS",
    };

    private static readonly HashSet<string> ValidStatuses = ["1", "2", "3", "4", "5", "6", "7"];

    public static void Register(MethodRegistry registry)
    {
        registry.Add("tasks.task.list", List);
        registry.Add("tasks.task.get", Get);
        registry.Add("tasks.task.add", Add);
        registry.Add("tasks.task.update", Update);
        registry.Add("tasks.task.delete", Delete);
        registry.Add("tasks.task.getFields", _ => EntityCatalog.LoadResource("tasks.task.getFields").DeepClone());
    }

    private static JsonNode List(CallContext context)
    {
        var table = context.Data.Tasks;
        var filter = FilterParser.Parse(Subfilters(context.Params.GetObject("filter")), table.Catalog, StorageName, strict: false);
        var order = Order(table.Catalog, context.Params.GetObject("order"));
        var select = RowFormat.Select(table.Catalog, context.Params["select"], StorageName);
        var page = ListEngine.Run(table, filter, order, RowFormat.Start(context.Params));
        context.Paged(page);
        var tasks = new JsonArray();
        foreach (var row in page.Rows)
        {
            tasks.Add((JsonNode)Task(context, row, select));
        }

        return new JsonObject { ["tasks"] = tasks };
    }

    /// <summary>A task that does not exist (or is not visible) is an empty result, not an error.</summary>
    private static JsonNode Get(CallContext context)
    {
        var table = context.Data.Tasks;
        var id = TaskId(context);
        if (table.Find(id) is not { } row)
        {
            return new JsonArray();
        }

        var select = context.Params.Has("select")
            ? RowFormat.Select(table.Catalog, context.Params["select"], StorageName)
            : [.. table.Catalog.Fields];
        return new JsonObject { ["task"] = Task(context, row, select) };
    }

    private static JsonNode Add(CallContext context)
    {
        var table = context.Data.Tasks;
        var fields = Fields(context);
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var field in table.Catalog.Fields)
        {
            values[field.Name] = JsonValues.AsString(field.Definition["default"]);
        }

        var now = SeedData.FormatDateTime(context.Now);
        var user = context.Portal.WebhookUserId.ToString(CultureInfo.InvariantCulture);
        values["CREATED_BY"] = user;
        values["CHANGED_BY"] = user;
        values["CREATED_DATE"] = now;
        values["CHANGED_DATE"] = now;
        values["ACTIVITY_DATE"] = now;
        values["STATUS_CHANGED_DATE"] = now;
        values["SITE_ID"] = "s1";
        values["ACCOMPLICES"] = Array.Empty<string>();
        values["AUDITORS"] = Array.Empty<string>();
        Apply(table, values, fields);
        Validate(context, values, taskId: null);
        var row = table.Insert(values);
        values["GUID"] = context.Data.Seed.TaskValue(row.Id, "GUID");
        return new JsonObject { ["task"] = Task(context, row, table.Catalog.Fields) };
    }

    private static JsonNode Update(CallContext context)
    {
        var table = context.Data.Tasks;
        var id = TaskId(context);
        var row = table.Find(id) ?? throw new PortalError("0", "Action on the task is not allowed (internal error)", 400);
        var fields = Fields(context);
        var values = new Dictionary<string, object?>(table.Materialise(row), StringComparer.Ordinal);
        var statusBefore = values.GetValueOrDefault("STATUS") as string;
        Apply(table, values, fields);
        Validate(context, values, id);
        var now = SeedData.FormatDateTime(context.Now);
        var user = context.Portal.WebhookUserId.ToString(CultureInfo.InvariantCulture);
        values["CHANGED_DATE"] = now;
        values["CHANGED_BY"] = user;
        if (values.GetValueOrDefault("STATUS") is string status && status != statusBefore)
        {
            values["STATUS_CHANGED_DATE"] = now;
            values["STATUS_CHANGED_BY"] = user;
            values["CLOSED_DATE"] = status == "5" ? now : null;
            values["CLOSED_BY"] = status == "5" ? user : null;
        }

        row.Values = values;
        return new JsonObject { ["task"] = Task(context, row, table.Catalog.Fields) };
    }

    private static JsonNode Delete(CallContext context)
    {
        var table = context.Data.Tasks;
        var id = TaskId(context);
        if (!table.Delete(id))
        {
            throw new PortalError("1048582", "No access to delete the task", 400);
        }

        return new JsonObject { ["task"] = true };
    }

    private static long TaskId(CallContext context)
    {
        var node = context.Params["taskId"];
        if (node is null || JsonValues.AsString(node) is not { Length: > 0 } text)
        {
            throw new PortalError("100", "CTaskItem All parameters in the constructor must have real class type (internal error)", 400);
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0
            ? id
            : throw new PortalError("0", "wrong task id", 400);
    }

    private static JsonObject Fields(CallContext context)
        => context.Params.GetObject("fields") is { Count: > 0 } fields
            ? fields
            : throw new PortalError("100", "Could not find value for parameter {fields} (internal error)", 400);

    /// <summary>Filter, order and select keys: UPPER names, camelCase accepted, plus the documented aliases.</summary>
    private static string? StorageName(string key)
    {
        if (Aliases.TryGetValue(key, out var alias))
        {
            return alias;
        }

        return key.Contains('_', StringComparison.Ordinal) || key.All(c => !char.IsAsciiLetterLower(c)) ? key : Naming.UpperSnake(key);
    }

    /// <summary><c>::SUBFILTER-PARAMS</c> groups become nested AND groups, which the filter parser reads from numeric keys.</summary>
    private static JsonObject? Subfilters(JsonObject? filter)
    {
        if (filter is null)
        {
            return null;
        }

        var copy = new JsonObject();
        var index = 0;
        foreach (var (key, value) in filter)
        {
            var subfilter = key.StartsWith("::SUBFILTER", StringComparison.OrdinalIgnoreCase) && value is JsonObject;
            copy[subfilter ? (1_000_000 + index++).ToString(CultureInfo.InvariantCulture) : key] = subfilter ? Subfilters((JsonObject)value!) : value?.DeepClone();
        }

        return copy;
    }

    /// <summary>Order keys must be sortable task fields; otherwise the portal refuses the list.</summary>
    private static List<OrderKey> Order(EntityCatalog catalog, JsonObject? order)
    {
        var keys = new List<OrderKey>();
        foreach (var (key, value) in order ?? [])
        {
            if (key.EndsWith("_LAST_NAME", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var field = StorageName(key) is { } name ? catalog.Find(name) : null;
            if (field is null)
            {
                throw new PortalError("0", "Invalid sorting key (internal error)", 400);
            }

            keys.Add(new OrderKey(field, string.Equals(JsonValues.AsString(value), "DESC", StringComparison.OrdinalIgnoreCase)));
        }

        return keys;
    }

    private static void Apply(EntityTable table, Dictionary<string, object?> values, JsonObject fields)
    {
        foreach (var (key, node) in fields)
        {
            var field = StorageName(key) is { } name ? table.Catalog.Find(name) : null;
            if (field is null || field.Name == "ID")
            {
                continue;
            }

            values[field.Name] = node is JsonArray or JsonObject
                ? JsonValues.AsList(node).Select(JsonValues.AsString).Where(v => v is not null).Select(v => v!).ToArray()
                : RowFormat.ToStored(field, node);
        }
    }

    private static void Validate(CallContext context, Dictionary<string, object?> values, long? taskId)
    {
        if (string.IsNullOrWhiteSpace(values.GetValueOrDefault("TITLE") as string))
        {
            throw PortalError.Core("Task title is not specified<br>");
        }

        if (values.GetValueOrDefault("RESPONSIBLE_ID") is not string responsible || responsible.Length == 0 || responsible == "0")
        {
            throw PortalError.Core("Responsible person not specified<br>");
        }

        if (!long.TryParse(responsible, NumberStyles.None, CultureInfo.InvariantCulture, out var userId) || context.Data.Users.Find(userId) is null)
        {
            throw PortalError.Core("User specified in the \"Responsible\" field not found<br>");
        }

        if (values.GetValueOrDefault("STATUS") is string status && !ValidStatuses.Contains(status))
        {
            throw PortalError.Core("Incorrect status<br>");
        }

        if (values.GetValueOrDefault("PARENT_ID") is string parent && parent.Length > 0 && parent != "0")
        {
            if (!long.TryParse(parent, NumberStyles.None, CultureInfo.InvariantCulture, out var parentId) || context.Data.Tasks.Find(parentId) is null)
            {
                throw PortalError.Core("Task specified in the \"Parent Task\" field not found<br>");
            }

            if (parentId == taskId)
            {
                throw PortalError.Core("Cannot bind the node to itself<br>");
            }
        }
    }

    /// <summary>A task as the portal prints it: camelCase keys, string values, plus the computed <c>group</c>, <c>subStatus</c> and people.</summary>
    private static JsonObject Task(CallContext context, Row row, IEnumerable<FieldDef> fields)
    {
        var table = context.Data.Tasks;
        var task = new JsonObject();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in fields)
        {
            task[Naming.Camel(field.Name)] = RowFormat.LegacyValue(table.GetValue(row, field.Name));
            names.Add(field.Name);
        }

        var group = table.GetValue(row, "GROUP_ID") as string;
        task["group"] = string.IsNullOrEmpty(group) || group == "0" ? new JsonArray() : new JsonObject { ["id"] = group };
        if (names.Contains("CREATED_BY") && Person(context, table.GetValue(row, "CREATED_BY") as string) is { } creator)
        {
            task["creator"] = creator;
        }

        if (names.Contains("RESPONSIBLE_ID") && Person(context, table.GetValue(row, "RESPONSIBLE_ID") as string) is { } responsible)
        {
            task["responsible"] = responsible;
        }

        task["subStatus"] = SubStatus(context, table, row);
        return task;
    }

    /// <summary>The status with the overdue meta-status (-1) of pending and running tasks past their deadline.</summary>
    private static string? SubStatus(CallContext context, EntityTable table, Row row)
    {
        var status = table.GetValue(row, "STATUS") as string;
        var deadline = table.GetValue(row, "DEADLINE") as string;
        var running = status is "1" or "2" or "3";
        return running && DateTimeOffset.TryParse(deadline, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var due) && due < context.Now
            ? "-1"
            : status;
    }

    private static JsonObject? Person(CallContext context, string? userId)
    {
        if (!long.TryParse(userId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || context.Data.Users.Find(id) is not { } user)
        {
            return null;
        }

        var users = context.Data.Users;
        return new JsonObject
        {
            ["id"] = userId,
            ["name"] = $"{users.GetValue(user, "NAME")} {users.GetValue(user, "LAST_NAME")}".Trim(),
            ["link"] = $"/company/personal/user/{userId}/",
            ["icon"] = "/bitrix/images/tasks/default_avatar.png",
            ["workPosition"] = users.GetValue(user, "WORK_POSITION") as string ?? string.Empty,
        };
    }
}
