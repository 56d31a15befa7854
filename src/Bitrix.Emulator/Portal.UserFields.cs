using System.Globalization;
using System.Text.Json.Nodes;
using Bitrix.Emulator.Data;
using Bitrix.Emulator.Protocol;

namespace Bitrix.Emulator;

/// <summary>User fields: declared by tests or through <c>crm.*.userfield.add</c>, served in <c>*.fields</c> and lists.</summary>
internal sealed partial class Portal
{
    private static readonly HashSet<string> UserFieldTypes = new(StringComparer.Ordinal)
    {
        "string", "integer", "double", "boolean", "date", "datetime", "enumeration", "money", "url", "crm", "crm_status", "employee", "file", "address",
    };

    /// <summary>Declares a user field and returns its full name.</summary>
    public string DeclareUserField(UserFieldDeclaration declaration)
    {
        lock (_gate)
        {
            return DeclareUserFieldLocked(declaration);
        }
    }

    internal string DeclareUserFieldLocked(UserFieldDeclaration declaration)
    {
        var smartProcess = SmartProcessOf(declaration.Entity);
        var table = smartProcess?.Table ?? Data.FindTable(declaration.Entity);
        if (table is null || (smartProcess is null && PortalData.EntityTypeIdOf(table) == 0))
        {
            throw new ArgumentException($"user fields can be declared on crm.deal, crm.lead, crm.contact, crm.company and crm.item.<entityTypeId> of a smart process, not '{declaration.Entity}'", nameof(declaration));
        }

        if (!UserFieldTypes.Contains(declaration.Type))
        {
            throw new ArgumentException($"unknown user field type '{declaration.Type}'", nameof(declaration));
        }

        var name = declaration.FieldName.ToUpperInvariant();
        var prefix = smartProcess?.UserFieldPrefix ?? "UF_CRM_";
        if (!name.StartsWith(prefix, StringComparison.Ordinal))
        {
            name = prefix + (name.StartsWith("UF_CRM_", StringComparison.Ordinal) ? name["UF_CRM_".Length..] : name);
        }

        if (name.Length <= prefix.Length || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            throw new ArgumentException($"invalid user field name '{declaration.FieldName}'", nameof(declaration));
        }

        var items = new List<UserFieldItem>();
        foreach (var value in declaration.Items)
        {
            items.Add(new UserFieldItem(Data.NextUserFieldId++, value, (items.Count + 1) * 10, items.Count == 0));
        }

        var label = declaration.Label ?? name;
        var definition = new JsonObject
        {
            ["type"] = declaration.Type,
            ["isRequired"] = declaration.Mandatory,
            ["isReadOnly"] = false,
            ["isImmutable"] = false,
            ["isMultiple"] = declaration.Multiple,
            ["isDynamic"] = true,
            ["title"] = name,
            ["listLabel"] = label,
            ["formLabel"] = label,
            ["filterLabel"] = label,
            ["settings"] = DefaultSettings(declaration.Type, label),
        };
        if (items.Count > 0)
        {
            var list = new JsonArray();
            foreach (var item in items)
            {
                list.Add((JsonNode)new JsonObject { ["ID"] = item.Id.ToString(CultureInfo.InvariantCulture), ["VALUE"] = item.Value });
            }

            definition["items"] = list;
        }

        table.Catalog.Add(new FieldDef(name, definition));
        if (!Data.UserFields.TryGetValue(table.Name, out var declared))
        {
            declared = [];
            Data.UserFields[table.Name] = declared;
        }

        declared.RemoveAll(f => f.FieldName == name);
        declared.Add(new UserFieldDef(Data.NextUserFieldId++, table.Name, name, declaration.Type, declaration.Multiple, declaration.Mandatory, label, items));
        return name;
    }

    /// <summary>A smart process named as <c>crm.item.{entityTypeId}</c>: its user fields are <c>UF_CRM_{typeId}_*</c>.</summary>
    private SmartProcesses.SmartProcessType? SmartProcessOf(string entity)
        => entity.StartsWith("crm.item.", StringComparison.OrdinalIgnoreCase)
            && long.TryParse(entity["crm.item.".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var entityTypeId)
                ? SmartProcesses.Find(entityTypeId) ?? throw new ArgumentException($"no smart process with entityTypeId {entityTypeId}", nameof(entity))
                : null;

    /// <summary>Declares a smart process as crm.type.add does, with extra funnels; returns its entityTypeId.</summary>
    public long DeclareSmartProcess(SmartProcessDeclaration declaration)
    {
        var fields = new JsonObject
        {
            ["title"] = declaration.Title,
            ["code"] = declaration.Code,
            ["isStagesEnabled"] = declaration.IsStagesEnabled ? "Y" : "N",
            ["isCategoriesEnabled"] = declaration.Categories.Count > 1 ? "Y" : "N",
            ["isClientEnabled"] = "Y",
            ["isBeginCloseDatesEnabled"] = "Y",
            ["isObserversEnabled"] = "Y",
        };
        if (declaration.EntityTypeId is { } id)
        {
            fields["entityTypeId"] = id;
        }

        lock (_gate)
        {
            SmartProcesses.SmartProcessType type;
            try
            {
                type = Methods.CrmTypeMethods.Declare(this, fields, Time.GetUtcNow());
            }
            catch (PortalError e)
            {
                throw new ArgumentException(e.Message, nameof(declaration));
            }

            for (var i = 0; i < declaration.Categories.Count; i++)
            {
                if (i == 0)
                {
                    type.Categories[0] = type.Categories[0] with { Name = declaration.Categories[0] };
                }
                else
                {
                    type.Categories.Add(SmartProcesses.NewCategory(type, declaration.Categories[i], isDefault: false));
                }
            }

            return type.EntityTypeId;
        }
    }

    /// <summary>
    /// The settings a portal gives a new user field of each type (captured crm.lead.fields and the
    /// documented crm.item.fields example); PHP's empty array <c>[]</c> for types without a known set.
    /// </summary>
    private static JsonNode DefaultSettings(string type, string label) => type switch
    {
        "string" => new JsonObject { ["SIZE"] = 20, ["ROWS"] = 1, ["REGEXP"] = string.Empty, ["MIN_LENGTH"] = 0, ["MAX_LENGTH"] = 0, ["DEFAULT_VALUE"] = string.Empty },
        "url" => new JsonObject { ["POPUP"] = "Y", ["SIZE"] = 20, ["MIN_LENGTH"] = 0, ["MAX_LENGTH"] = 0, ["DEFAULT_VALUE"] = null },
        "money" => new JsonObject { ["DEFAULT_VALUE"] = string.Empty },
        "double" => new JsonObject { ["PRECISION"] = 2, ["SIZE"] = 20, ["MIN_VALUE"] = 0, ["MAX_VALUE"] = 0, ["DEFAULT_VALUE"] = null },
        "enumeration" => new JsonObject { ["DISPLAY"] = "LIST", ["LIST_HEIGHT"] = 1, ["CAPTION_NO_VALUE"] = string.Empty, ["SHOW_NO_VALUE"] = "Y" },
        "date" => new JsonObject { ["DEFAULT_VALUE"] = new JsonObject { ["TYPE"] = "NONE", ["VALUE"] = string.Empty } },
        "boolean" => new JsonObject { ["DEFAULT_VALUE"] = 0, ["DISPLAY"] = "CHECKBOX", ["LABEL"] = new JsonArray(string.Empty, string.Empty), ["LABEL_CHECKBOX"] = new JsonObject { ["en"] = label } },
        "file" => new JsonObject { ["SIZE"] = 20, ["LIST_WIDTH"] = 0, ["LIST_HEIGHT"] = 0, ["MAX_SHOW_SIZE"] = 0, ["MAX_ALLOWED_SIZE"] = 0, ["EXTENSIONS"] = new JsonArray(), ["TARGET_BLANK"] = "Y" },
        _ => new JsonArray(),
    };
}

/// <summary>Reads a user field declaration from request parameters (control endpoint and <c>userfield.add</c>).</summary>
internal static class UserFieldRequest
{
    public static UserFieldDeclaration From(RequestParams parameters, string? entity = null)
    {
        var fields = parameters.GetObject("fields") ?? parameters.Values;
        string? Get(string key) => new RequestParams(fields).GetString(key);
        var items = new List<string>();
        var list = new RequestParams(fields)["LIST"] ?? new RequestParams(fields)["items"];
        foreach (var item in JsonValues.AsList(list))
        {
            var value = item is JsonObject obj ? new RequestParams(obj).GetString("VALUE") : JsonValues.AsString(item);
            if (!string.IsNullOrEmpty(value))
            {
                items.Add(value);
            }
        }

        var name = Get("FIELD_NAME") ?? throw new ArgumentException("FIELD_NAME is required");
        return new UserFieldDeclaration(entity ?? Get("entity") ?? "crm.deal", name, Get("USER_TYPE_ID") ?? Get("type") ?? "string")
        {
            Multiple = JsonValues.IsYes(new RequestParams(fields)["MULTIPLE"]),
            Mandatory = JsonValues.IsYes(new RequestParams(fields)["MANDATORY"]),
            Label = Get("EDIT_FORM_LABEL") ?? Get("LABEL") ?? Get("label"),
            Items = items,
        };
    }
}
