using System;
using System.Collections.Generic;
using System.Linq;
using Bitrix.Generator.Diagnostics;
using Bitrix.Generator.Json;
using Bitrix.Generator.Model;
using System.Threading;

namespace Bitrix.Generator.Parsing;

/// <summary>
/// Reads a schema's field catalog, with its type overrides and read-only names, into field specs.
/// A bad field is reported and skipped on its own.
/// </summary>
internal sealed class FieldParser
{
    /// <summary>Member names the generated types use themselves; a field mapped to one of them gets a suffix.</summary>
    private static readonly string[] ReservedMembers =
    [
        "Field", "Filter", "AdditionalData", "FromJson", "ToJson", "Converter", "JsonTypeInfo", "All", "AllUserFields", "Raw", "Set", "SetValue", "IsSet",
        "Unset", "Keys", "EqualityContract", "Equals", "GetHashCode", "ToString", "PrintMembers", "Deconstruct", "GetType",
        "MemberwiseClone", "Finalize", "ReferenceEquals",
    ];

    private readonly SchemaReport _report;

    public FieldParser(SchemaReport report) => _report = report;

    /// <summary>The usable fields of <paramref name="catalog"/>; names the generated type claims itself are never given to a field.</summary>
    public List<FieldSpec> ReadFields(JsonValueNode root, JsonValueNode catalog, string entityName, bool camelRows, CancellationToken cancellationToken)
    {
        var overrides = ReadOverrides(root.Get("fieldTypes"));
        cancellationToken.ThrowIfCancellationRequested();

        var readOnly = ReadNames(root.Get("readOnlyFields"), "readOnlyFields");
        var taken = new HashSet<string>(ReservedMembers, StringComparer.Ordinal) { entityName, entityName + "Fields" };
        var fields = new List<FieldSpec>();
        foreach (var member in catalog.Members)
        {
            var field = ReadField(member, overrides, camelRows, readOnly.Set, taken);
            if (field is not null)
            {
                fields.Add(field);
            }
        }

        foreach (var name in readOnly.Names)
        {
            if (!catalog.Members.Any(m => m.Name == name.Text))
            {
                _report.Report(DiagnosticDescriptors.UnknownReadOnlyField, name, name.Text!);
            }
        }

        foreach (var pair in overrides)
        {
            if (!catalog.Members.Any(m => m.Name == pair.Key))
            {
                _report.Report(DiagnosticDescriptors.InvalidTypeOverride, pair.Value.Node, pair.Key, "the catalog has no field of that name");
            }
        }

        if (fields.Count == 0)
        {
            _report.Report(DiagnosticDescriptors.EmptyCatalog, catalog, entityName);
        }

        return fields;
    }

    private (HashSet<string> Set, List<JsonValueNode> Names) ReadNames(JsonValueNode? node, string where)
    {
        var names = (new HashSet<string>(StringComparer.Ordinal), new List<JsonValueNode>());
        if (_report.OfKind(node, JsonKind.Array, where, "a list of field names") is not { } present)
        {
            return names;
        }

        foreach (var item in present.Items)
        {
            if (item.Kind == JsonKind.String)
            {
                names.Item1.Add(item.Text!);
                names.Item2.Add(item);
            }
            else
            {
                _report.Report(DiagnosticDescriptors.WrongType, item, where + "[]", "a field name", item.Describe());
            }
        }

        return names;
    }

    private Dictionary<string, (JsonValueNode Node, ValueKind Kind, FilterKind Filter, bool IsList, string Source)> ReadOverrides(JsonValueNode? node)
    {
        var result = new Dictionary<string, (JsonValueNode, ValueKind, FilterKind, bool, string)>(StringComparer.Ordinal);
        if (_report.OfKind(node, JsonKind.Object, "fieldTypes", "an object of field name -> C# type") is not { } present)
        {
            return result;
        }

        foreach (var member in present.Members)
        {
            if (member.Value.Kind != JsonKind.String)
            {
                _report.Report(DiagnosticDescriptors.InvalidTypeOverride, member.Value, member.Name, "the type must be a string such as \"decimal\" or \"long[]\"");
                continue;
            }

            if (!FieldTypes.TryParseOverride(member.Value.Text!, out var kind, out var filter, out var isList, out var source))
            {
                _report.Report(DiagnosticDescriptors.InvalidTypeOverride, member.Value, member.Name, $"'{member.Value.Text}' is not a known type (long, decimal, double, string, code, bool, DateOnly, DateTimeOffset, Multifield, json, a catalog type, each optionally with [])");
                continue;
            }

            result[member.Name] = (member.Value, kind, filter, isList, source);
        }

        return result;
    }

    private FieldSpec? ReadField(
        JsonMember member,
        Dictionary<string, (JsonValueNode Node, ValueKind Kind, FilterKind Filter, bool IsList, string Source)> overrides,
        bool camelRows,
        HashSet<string> readOnly,
        HashSet<string> taken)
    {
        var wire = member.Name;
        var definition = member.Value;
        if (wire.Length == 0)
        {
            _report.Report(DiagnosticDescriptors.InvalidField, member.Line, member.Column, wire, "the field name is empty");
            return null;
        }

        string type;
        string title;
        bool isMultiple = false, isReadOnly = false, isRequired = false, isImmutable = false, isDeprecated = false;
        string? statusType = null;
        JsonValueNode? items = null, values = null;
        switch (definition.Kind)
        {
            case JsonKind.String:
                // The titles-only dialect of user.fields and department.fields.
                type = "string";
                title = definition.Text!;
                break;
            case JsonKind.Object:
                var typeNode = definition.Get("type");
                if (typeNode is null)
                {
                    _report.Report(DiagnosticDescriptors.InvalidField, definition, wire, "it has no 'type'");
                    return null;
                }

                if (typeNode.Kind != JsonKind.String || string.IsNullOrEmpty(typeNode.Text))
                {
                    _report.Report(DiagnosticDescriptors.InvalidField, typeNode, wire, "'type' must be a non-empty string, but it is " + typeNode.Describe());
                    return null;
                }

                type = typeNode.Text!;
                title = Label(definition) ?? wire;
                isMultiple = Flag(definition, wire, "isMultiple");
                isReadOnly = Flag(definition, wire, "isReadOnly") || Flag(definition, wire, "primary");
                isRequired = Flag(definition, wire, "isRequired") || Flag(definition, wire, "required");
                isImmutable = Flag(definition, wire, "isImmutable");
                isDeprecated = Flag(definition, wire, "isDeprecated");
                statusType = definition.Get("statusType") is { Kind: JsonKind.String } st ? st.Text : null;
                items = definition.Get("items");
                values = definition.Get("values");
                break;
            default:
                _report.Report(DiagnosticDescriptors.InvalidField, definition, wire, "a field must be an object (type, title, flags) or a title string, but it is " + definition.Describe());
                return null;
        }

        if (readOnly.Contains(wire))
        {
            isReadOnly = true;
        }

        var (kind, filter) = FieldTypes.FromCatalogType(type, out var known);
        var enumItems = new List<EnumItemSpec>();
        if (overrides.TryGetValue(wire, out var forced))
        {
            kind = forced.Kind;
            filter = forced.Filter;
            isMultiple = forced.IsList;
            type = type + " as " + forced.Source + (forced.IsList ? "[]" : string.Empty);
        }
        else
        {
            if (!known)
            {
                _report.Report(DiagnosticDescriptors.UnknownFieldType, definition.Kind == JsonKind.Object ? definition.Get("type")! : definition, wire, type);
            }

            if (type == "enum" && values is not null)
            {
                (kind, filter) = ReadTaskEnum(values, enumItems);
            }
            else if (type == "enumeration" && items is { Kind: JsonKind.Array })
            {
                ReadEnumerationItems(items, enumItems);
            }
            else if (type == "crm_status" && items is { Kind: JsonKind.Array })
            {
                ReadStatusItems(items, enumItems);
            }
        }

        if (kind == ValueKind.Json)
        {
            isMultiple = false;
        }

        var property = Identifiers.ToPascal(wire);
        var unique = Identifiers.Unique(property, taken);
        if (unique != property)
        {
            _report.Report(DiagnosticDescriptors.IdentifierRenamed, member.Line, member.Column, wire, unique, $"'{property}' is already taken in the generated type");
        }

        string? valuesClass = null;
        if (enumItems.Count > 0)
        {
            valuesClass = Identifiers.Unique(unique + "Values", taken);
        }

        var rowKey = camelRows ? Identifiers.ToCamel(wire) : wire;
        return new FieldSpec(
            wire, rowKey, unique, title, type, kind, filter, isMultiple, isReadOnly, isRequired, isImmutable, isDeprecated,
            statusType, valuesClass, new EquatableArray<EnumItemSpec>(enumItems));
    }

    /// <summary>The best human title: listLabel/formLabel of a user field when its title is just its code.</summary>
    private static string? Label(JsonValueNode definition)
    {
        var title = definition.Get("title") is { Kind: JsonKind.String } t ? t.Text : null;
        foreach (var key in new[] { "listLabel", "formLabel", "editFormLabel" })
        {
            if (definition.Get(key) is { Kind: JsonKind.String } label && !string.IsNullOrWhiteSpace(label.Text)
                && (title is null || title == "None" || title.StartsWith("UF_", StringComparison.Ordinal)))
            {
                return label.Text;
            }
        }

        return title is null || title == "None" ? null : title;
    }

    private bool Flag(JsonValueNode definition, string field, string name)
    {
        var node = definition.Get(name);
        if (node is null || node.IsNull)
        {
            return false;
        }

        var value = node.AsBool();
        if (value is null)
        {
            _report.Report(DiagnosticDescriptors.WrongType, node, $"fields.{field}.{name}", "a boolean", node.Describe());
            return false;
        }

        return value.Value;
    }

    /// <summary>tasks.task.getFields enums: <c>{"2": "High", ...}</c> are numbers, <c>{"Y","N"}</c> a flag, anything else codes.</summary>
    private static (ValueKind, FilterKind) ReadTaskEnum(JsonValueNode values, List<EnumItemSpec> items)
    {
        var pairs = new List<(string Key, string Title)>();
        if (values.Kind == JsonKind.Object)
        {
            foreach (var m in values.Members)
            {
                pairs.Add((m.Name, m.Value.Kind == JsonKind.String ? m.Value.Text! : m.Name));
            }
        }
        else if (values.Kind == JsonKind.Array)
        {
            foreach (var v in values.Items)
            {
                if (v.Kind is JsonKind.String or JsonKind.Number)
                {
                    pairs.Add((v.Text!, v.Text!));
                }
            }
        }

        if (pairs.Count == 2 && pairs.Any(p => p.Key == "Y") && pairs.Any(p => p.Key == "N"))
        {
            return (ValueKind.Boolean, FilterKind.Boolean);
        }

        var numeric = pairs.Count > 0 && pairs.All(p => long.TryParse(p.Key, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _));
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, title) in pairs)
        {
            var name = Identifiers.Unique(Identifiers.ToPascal(title), taken);
            items.Add(new EnumItemSpec(name, numeric ? key : SchemaParser.Literal(key), title));
        }

        return numeric ? (ValueKind.Int64, FilterKind.Int64) : (ValueKind.String, FilterKind.Code);
    }

    private static void ReadEnumerationItems(JsonValueNode items, List<EnumItemSpec> result)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items.Items)
        {
            var id = item.Get("ID") ?? item.Get("id");
            var value = item.Get("VALUE") ?? item.Get("value");
            if (id is null || id.Kind is not (JsonKind.String or JsonKind.Number)
                || !long.TryParse(id.Text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _))
            {
                continue;
            }

            var title = value?.Kind == JsonKind.String ? value.Text! : id.Text!;
            result.Add(new EnumItemSpec(Identifiers.Unique(Identifiers.ToPascal(title), taken), id.Text!, title));
        }
    }

    /// <summary>
    /// Items of a status field (a smart process's stages pulled from its funnels): string codes such as
    /// <c>DT1036_8:NEW</c>, named after their title, or after the code when titles repeat across funnels.
    /// </summary>
    private static void ReadStatusItems(JsonValueNode items, List<EnumItemSpec> result)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items.Items)
        {
            var id = item.Get("ID") ?? item.Get("id") ?? item.Get("STATUS_ID");
            var value = item.Get("VALUE") ?? item.Get("value") ?? item.Get("NAME");
            if (id is null || id.Kind != JsonKind.String || string.IsNullOrEmpty(id.Text))
            {
                continue;
            }

            var title = value?.Kind == JsonKind.String && !string.IsNullOrEmpty(value.Text) ? value.Text! : id.Text!;
            result.Add(new EnumItemSpec(Identifiers.Unique(Identifiers.ToPascal(title), taken), SchemaParser.Literal(id.Text!), title));
        }
    }
}
