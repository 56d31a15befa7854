using System.Text.Json.Nodes;

namespace Bitrix.Emulator.Data;

/// <summary>One field of an entity catalog, as a <c>*.fields</c> answer describes it.</summary>
internal sealed class FieldDef
{
    public FieldDef(string name, JsonObject definition)
    {
        Name = name;
        Definition = definition;
        Type = (string?)definition["type"] ?? "string";
        IsMultiple = (bool?)definition["isMultiple"] ?? false;
        IsReadOnly = (bool?)definition["isReadOnly"] ?? ((bool?)definition["primary"] ?? false);
        IsUserField = name.StartsWith("UF_", StringComparison.OrdinalIgnoreCase);
    }

    public string Name { get; }

    /// <summary>The catalog entry exactly as the portal serves it.</summary>
    public JsonObject Definition { get; }

    public string Type { get; }

    public bool IsMultiple { get; }

    public bool IsReadOnly { get; }

    public bool IsUserField { get; }

    public bool IsMultifield => Type == "crm_multifield";

    public FieldKind Kind => Type switch
    {
        "integer" or "int" or "user" or "crm_company" or "crm_contact" or "crm_lead" or "crm_quote"
            or "crm_category" or "location" or "crm_entity" or "file" or "diskfile" or "disk_file" => FieldKind.Integer,
        "double" => FieldKind.Number,
        "date" => FieldKind.Date,
        "datetime" => FieldKind.DateTime,
        "char" or "boolean" => FieldKind.Flag,
        _ when Type.StartsWith("crm_enum", StringComparison.Ordinal) || Type == "enum" => FieldKind.Integer,
        _ => FieldKind.Text,
    };

    /// <summary>LIKE does not apply to links and statuses (docs/protocol.md §3): they compare exactly.</summary>
    public bool SupportsLike => Type is not ("crm_status" or "crm_contact" or "crm_company");
}

/// <summary>How values of a field compare and print.</summary>
internal enum FieldKind
{
    Text,
    Integer,
    Number,
    Date,
    DateTime,
    Flag,
}
