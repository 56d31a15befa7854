using System;
using Bitrix.Generator.Model;

namespace Bitrix.Generator.Parsing;

/// <summary>How catalog types (and C# type overrides) map to C# value kinds and filter operators.</summary>
internal static class FieldTypes
{
    /// <summary>Maps a catalog type. Unknown types read as JSON; <paramref name="known"/> tells whether the type was recognised.</summary>
    public static (ValueKind Kind, FilterKind Filter) FromCatalogType(string type, out bool known)
    {
        known = true;
        switch (type)
        {
            case "integer":
            case "int":
            case "user":
            case "employee":
            case "crm_company":
            case "crm_contact":
            case "crm_lead":
            case "crm_deal":
            case "crm_quote":
            case "crm_category":
            case "crm_entity":
            case "crm_smart_invoice":
            case "iblock_element":
            case "iblock_section":
            case "enumeration":
                return (ValueKind.Int64, FilterKind.Int64);
            case "double":
            case "float":
                return (ValueKind.Double, FilterKind.Double);
            case "string":
            case "text":
            case "url":
            case "money":
            case "address":
            case "resourcebooking":
                return (ValueKind.String, FilterKind.Text);
            case "enum":
            case "crm_status":
            case "crm_currency":
            case "location":
            case "crm":
                return (ValueKind.String, FilterKind.Code);
            case "char":
            case "boolean":
            case "bool":
                return (ValueKind.Boolean, FilterKind.Boolean);
            case "date":
                return (ValueKind.Date, FilterKind.Date);
            case "datetime":
                return (ValueKind.DateTime, FilterKind.DateTime);
            case "crm_multifield":
                // Filters match any entry's VALUE: {"PHONE": "+7..."}, {"%EMAIL": "@example.com"}.
                return (ValueKind.Multifield, FilterKind.Text);
            case "file":
            case "diskfile":
            case "disk_file":
            case "object":
            case "array":
            case "crm_activity_binding":
            case "crm_activity_communication":
            case "mail_message":
            case "product_property":
            case "hlblock":
            case "crm_status_extra":
                return (ValueKind.Json, FilterKind.None);
            default:
                if (type.StartsWith("crm_enum_", StringComparison.Ordinal))
                {
                    return (ValueKind.Int64, FilterKind.Int64);
                }

                known = false;
                return (ValueKind.Json, FilterKind.None);
        }
    }

    /// <summary>
    /// Parses a type override: a C# type (<c>long</c>, <c>decimal</c>, <c>double</c>, <c>string</c>,
    /// <c>bool</c>, <c>DateOnly</c>, <c>DateTimeOffset</c>, <c>Multifield</c>, <c>JsonElement</c>) or a catalog
    /// type, optionally followed by <c>[]</c> for a list.
    /// </summary>
    public static bool TryParseOverride(string text, out ValueKind kind, out FilterKind filter, out bool isList, out string sourceType)
    {
        var name = text.Trim();
        isList = name.EndsWith("[]", StringComparison.Ordinal);
        if (isList)
        {
            name = name.Substring(0, name.Length - 2).Trim();
        }

        sourceType = name;
        switch (name)
        {
            case "long":
            case "Int64":
                (kind, filter) = (ValueKind.Int64, FilterKind.Int64);
                return true;
            case "decimal":
            case "Decimal":
            case "money":
                (kind, filter) = (ValueKind.Decimal, FilterKind.Decimal);
                return true;
            case "Double":
                (kind, filter) = (ValueKind.Double, FilterKind.Double);
                return true;
            case "String":
                (kind, filter) = (ValueKind.String, FilterKind.Text);
                return true;
            case "code":
                (kind, filter) = (ValueKind.String, FilterKind.Code);
                return true;
            case "Boolean":
                (kind, filter) = (ValueKind.Boolean, FilterKind.Boolean);
                return true;
            case "DateOnly":
                (kind, filter) = (ValueKind.Date, FilterKind.Date);
                return true;
            case "DateTimeOffset":
                (kind, filter) = (ValueKind.DateTime, FilterKind.DateTime);
                return true;
            case "Multifield":
                (kind, filter) = (ValueKind.Multifield, FilterKind.Text);
                return true;
            case "json":
            case "JsonElement":
                (kind, filter) = (ValueKind.Json, FilterKind.None);
                return true;
        }

        (kind, filter) = FromCatalogType(name, out var known);
        return known;
    }

    /// <summary>The C# type of one value (not nullable, not a list).</summary>
    public static string ClrType(ValueKind kind) => kind switch
    {
        ValueKind.Int64 => "long",
        ValueKind.Decimal => "decimal",
        ValueKind.Double => "double",
        ValueKind.String => "string",
        ValueKind.Boolean => "bool",
        ValueKind.Date => "global::System.DateOnly",
        ValueKind.DateTime => "global::System.DateTimeOffset",
        ValueKind.Multifield => "global::Bitrix.Multifield",
        _ => "global::System.Text.Json.JsonElement",
    };

    /// <summary>The suffix of the BitrixValue helpers for this kind (<c>ReadInt64</c>, <c>Int64List</c>, ...).</summary>
    public static string HelperName(ValueKind kind) => kind switch
    {
        ValueKind.Int64 => "Int64",
        ValueKind.Decimal => "Decimal",
        ValueKind.Double => "Double",
        ValueKind.String => "String",
        ValueKind.Boolean => "Boolean",
        ValueKind.Date => "Date",
        ValueKind.DateTime => "DateTime",
        ValueKind.Multifield => "Multifield",
        _ => "Json",
    };
}
