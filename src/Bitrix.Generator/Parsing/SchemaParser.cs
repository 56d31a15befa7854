using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Bitrix.Generator.Diagnostics;
using Bitrix.Generator.Json;
using Bitrix.Generator.Model;
using DiagnosticDescriptor = Microsoft.CodeAnalysis.DiagnosticDescriptor;

namespace Bitrix.Generator.Parsing;

/// <summary>
/// Reads one schema file into an <see cref="EntitySpec"/> and its diagnostics. Every problem is
/// reported with the file's path and the line where it stands; a bad field or method is skipped
/// on its own, and the entity is still generated unless the file cannot be read at all.
/// </summary>
internal sealed class SchemaParser
{
    private static readonly string[] TopLevelProperties =
    [
        "$schema", "entity", "path", "title", "description", "idKey", "idType", "wrapperKey", "itemKey", "rowKeys",
        "parameters", "methods", "fieldTypes", "readOnlyFields", "fields",
    ];

    private static readonly string[] MethodProperties =
    [
        "method", "kind", "read", "idParameter", "fieldsParameter", "resultKey", "filterParameter", "orderParameter",
        "orderStyle", "selectParameter", "firstRow", "result", "parameters", "description",
    ];

    private static readonly string[] ParameterProperties = ["name", "csharpName", "type", "required", "value", "description"];

    /// <summary>Member names the generated types use themselves; a field mapped to one of them gets a suffix.</summary>
    private static readonly string[] ReservedMembers =
    [
        "Field", "Filter", "AdditionalData", "FromJson", "ToJson", "Converter", "JsonTypeInfo", "All", "AllUserFields", "Raw", "Set", "SetValue", "IsSet",
        "Unset", "Keys", "EqualityContract", "Equals", "GetHashCode", "ToString", "PrintMembers", "Deconstruct", "GetType",
        "MemberwiseClone", "Finalize", "ReferenceEquals",
    ];

    private readonly string _path;
    private readonly List<DiagnosticInfo> _diagnostics = [];

    private SchemaParser(string path) => _path = path;

    public static ParsedSchema Parse(string path, string text, SchemaOrigin origin, CancellationToken cancellationToken)
    {
        var parser = new SchemaParser(path);
        EntitySpec? entity;
        try
        {
            entity = parser.ParseText(text, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
#pragma warning disable CA1031 // A generator must never crash the build: the failure becomes a diagnostic.
        catch (Exception e)
#pragma warning restore CA1031
        {
            parser.Report(DiagnosticDescriptors.GeneratorFailure, 1, 1, e.GetType().Name + ": " + e.Message);
            entity = null;
        }

        return new ParsedSchema(path, origin, entity, new EquatableArray<DiagnosticInfo>(parser._diagnostics));
    }

    private void Report(DiagnosticDescriptor descriptor, int line, int column, params string[] arguments)
        => _diagnostics.Add(DiagnosticInfo.Create(descriptor, _path, line, column, arguments));

    private void Report(DiagnosticDescriptor descriptor, JsonValueNode at, params string[] arguments) => Report(descriptor, at.Line, at.Column, arguments);

    private EntitySpec? ParseText(string text, CancellationToken cancellationToken)
    {
        JsonValueNode root;
        try
        {
            root = JsonReader.Parse(text);
        }
        catch (JsonSyntaxException e)
        {
            Report(DiagnosticDescriptors.InvalidJson, e.Line, e.Column, $"{e.Message} (line {e.Line}, column {e.Column})");
            return null;
        }

        if (root.Kind != JsonKind.Object)
        {
            Report(DiagnosticDescriptors.WrongType, root, "The schema", "an object", root.Describe());
            return null;
        }

        CheckUnknown(root, TopLevelProperties, "the schema");

        var entityNode = root.Get("entity");
        if (entityNode is null)
        {
            Report(DiagnosticDescriptors.MissingProperty, 1, 1, "The schema", "entity");
            return null;
        }

        if (entityNode.Kind != JsonKind.String)
        {
            Report(DiagnosticDescriptors.WrongType, entityNode, "entity", "a string (the entity's C# name)", entityNode.Describe());
            return null;
        }

        var entityName = ValidName(entityNode, entityNode.Text!, "C# type name");

        var fieldsNode = root.Get("fields");
        if (fieldsNode is null)
        {
            Report(DiagnosticDescriptors.MissingProperty, 1, 1, "The schema", "fields");
            return null;
        }

        var catalog = UnwrapCatalog(fieldsNode);
        if (catalog.Kind != JsonKind.Object)
        {
            Report(DiagnosticDescriptors.WrongType, catalog, "fields", "an object (a *.fields answer)", catalog.Describe());
            return null;
        }

        var title = OptionalString(root, "title") ?? OptionalString(root, "description") ?? entityName;
        var idKey = OptionalString(root, "idKey") ?? "ID";
        var idType = OptionalString(root, "idType") ?? "integer";
        if (idType is not ("integer" or "string"))
        {
            Report(DiagnosticDescriptors.WrongType, root.Get("idType")!, "idType", "\"integer\" or \"string\"", "\"" + idType + "\"");
            idType = "integer";
        }

        var wrapperKey = OptionalString(root, "wrapperKey");
        var itemKey = OptionalString(root, "itemKey");
        var rowKeys = OptionalString(root, "rowKeys") ?? "asIs";
        if (rowKeys is not ("asIs" or "camelCase"))
        {
            Report(DiagnosticDescriptors.WrongType, root.Get("rowKeys")!, "rowKeys", "\"asIs\" or \"camelCase\"", "\"" + rowKeys + "\"");
            rowKeys = "asIs";
        }

        var overrides = ReadOverrides(root.Get("fieldTypes"));
        cancellationToken.ThrowIfCancellationRequested();

        var readOnly = ReadNames(root.Get("readOnlyFields"), "readOnlyFields");
        var taken = new HashSet<string>(ReservedMembers, StringComparer.Ordinal) { entityName, entityName + "Fields" };
        var fields = new List<FieldSpec>();
        foreach (var member in catalog.Members)
        {
            var field = ReadField(member, overrides, rowKeys == "camelCase", readOnly.Set, taken);
            if (field is not null)
            {
                fields.Add(field);
            }
        }

        foreach (var name in readOnly.Names)
        {
            if (!catalog.Members.Any(m => m.Name == name.Text))
            {
                Report(DiagnosticDescriptors.UnknownReadOnlyField, name, name.Text!);
            }
        }

        foreach (var pair in overrides)
        {
            if (!catalog.Members.Any(m => m.Name == pair.Key))
            {
                Report(DiagnosticDescriptors.InvalidTypeOverride, pair.Value.Node, pair.Key, "the catalog has no field of that name");
            }
        }

        if (fields.Count == 0)
        {
            Report(DiagnosticDescriptors.EmptyCatalog, catalog, entityName);
        }

        var idField = fields.FirstOrDefault(f => f.WireName == idKey || f.RowKey == idKey);
        if (idField is null && catalog.Members.Count > 0)
        {
            var at = root.Get("idKey") ?? catalog;
            Report(DiagnosticDescriptors.InvalidIdKey, at, idKey);
        }

        var common = ReadParameters(root.Get("parameters"), "parameters");
        var methods = ReadMethods(root.Get("methods"));
        var path = ReadPath(root.Get("path"), methods);
        var apiClass = string.Concat(path) + "Api";

        return new EntitySpec(
            entityName,
            entityName + "Fields",
            apiClass,
            new EquatableArray<string>(path),
            System.IO.Path.GetFileName(_path),
            title,
            idKey,
            idField?.RowKey ?? idKey,
            idType == "string",
            wrapperKey,
            itemKey,
            new EquatableArray<FieldSpec>(fields),
            new EquatableArray<MethodSpec>(methods),
            new EquatableArray<ParameterSpec>(common));
    }

    /// <summary>Accepts the answer as the portal sends it: <c>{result: {...}}</c>, <c>{fields: {...}}</c> or the catalog itself.</summary>
    private static JsonValueNode UnwrapCatalog(JsonValueNode node)
    {
        if (node.Kind == JsonKind.Object && node.Get("result") is { Kind: JsonKind.Object } result
            && node.Members.All(m => m.Name is "result" or "time" or "total" or "next"))
        {
            node = result;
        }

        if (node.Kind == JsonKind.Object && node.Members.Count == 1 && node.Get("fields") is { Kind: JsonKind.Object } fields
            && fields.Members.All(m => m.Value.Kind is JsonKind.Object or JsonKind.String))
        {
            node = fields;
        }

        return node;
    }

    private (HashSet<string> Set, List<JsonValueNode> Names) ReadNames(JsonValueNode? node, string where)
    {
        var names = (new HashSet<string>(StringComparer.Ordinal), new List<JsonValueNode>());
        if (node is null || node.IsNull)
        {
            return names;
        }

        if (node.Kind != JsonKind.Array)
        {
            Report(DiagnosticDescriptors.WrongType, node, where, "a list of field names", node.Describe());
            return names;
        }

        foreach (var item in node.Items)
        {
            if (item.Kind == JsonKind.String)
            {
                names.Item1.Add(item.Text!);
                names.Item2.Add(item);
            }
            else
            {
                Report(DiagnosticDescriptors.WrongType, item, where + "[]", "a field name", item.Describe());
            }
        }

        return names;
    }

    private Dictionary<string, (JsonValueNode Node, ValueKind Kind, FilterKind Filter, bool IsList, string Source)> ReadOverrides(JsonValueNode? node)
    {
        var result = new Dictionary<string, (JsonValueNode, ValueKind, FilterKind, bool, string)>(StringComparer.Ordinal);
        if (node is null || node.IsNull)
        {
            return result;
        }

        if (node.Kind != JsonKind.Object)
        {
            Report(DiagnosticDescriptors.WrongType, node, "fieldTypes", "an object of field name -> C# type", node.Describe());
            return result;
        }

        foreach (var member in node.Members)
        {
            if (member.Value.Kind != JsonKind.String)
            {
                Report(DiagnosticDescriptors.InvalidTypeOverride, member.Value, member.Name, "the type must be a string such as \"decimal\" or \"long[]\"");
                continue;
            }

            if (!FieldTypes.TryParseOverride(member.Value.Text!, out var kind, out var filter, out var isList, out var source))
            {
                Report(DiagnosticDescriptors.InvalidTypeOverride, member.Value, member.Name, $"'{member.Value.Text}' is not a known type (long, decimal, double, string, code, bool, DateOnly, DateTimeOffset, Multifield, json, a catalog type, each optionally with [])");
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
            Report(DiagnosticDescriptors.InvalidField, member.Line, member.Column, wire, "the field name is empty");
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
                    Report(DiagnosticDescriptors.InvalidField, definition, wire, "it has no 'type'");
                    return null;
                }

                if (typeNode.Kind != JsonKind.String || string.IsNullOrEmpty(typeNode.Text))
                {
                    Report(DiagnosticDescriptors.InvalidField, typeNode, wire, "'type' must be a non-empty string, but it is " + typeNode.Describe());
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
                Report(DiagnosticDescriptors.InvalidField, definition, wire, "a field must be an object (type, title, flags) or a title string, but it is " + definition.Describe());
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
                Report(DiagnosticDescriptors.UnknownFieldType, definition.Kind == JsonKind.Object ? definition.Get("type")! : definition, wire, type);
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
            Report(DiagnosticDescriptors.IdentifierRenamed, member.Line, member.Column, wire, unique, $"'{property}' is already taken in the generated type");
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
            Report(DiagnosticDescriptors.WrongType, node, $"fields.{field}.{name}", "a boolean", node.Describe());
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
            items.Add(new EnumItemSpec(name, numeric ? key : Literal(key), title));
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
            result.Add(new EnumItemSpec(Identifiers.Unique(Identifiers.ToPascal(title), taken), Literal(id.Text!), title));
        }
    }

    /// <summary>A C# string literal.</summary>
    internal static string Literal(string value)
    {
        var b = new System.Text.StringBuilder("\"");
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': b.Append("\\\""); break;
                case '\\': b.Append("\\\\"); break;
                case '\n': b.Append("\\n"); break;
                case '\r': b.Append("\\r"); break;
                case '\t': b.Append("\\t"); break;
                default:
                    if (c < ' ')
                    {
                        b.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        b.Append(c);
                    }

                    break;
            }
        }

        return b.Append('"').ToString();
    }

    private List<MethodSpec> ReadMethods(JsonValueNode? node)
    {
        var result = new List<MethodSpec>();
        if (node is null || node.IsNull)
        {
            return result;
        }

        if (node.Kind != JsonKind.Object)
        {
            Report(DiagnosticDescriptors.WrongType, node, "methods", "an object of name -> method", node.Describe());
            return result;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in node.Members)
        {
            var method = ReadMethod(member);
            if (method is null)
            {
                continue;
            }

            if (!names.Add(method.CSharpName))
            {
                Report(DiagnosticDescriptors.InvalidMethod, member.Line, member.Column, member.Name, $"another method already generates {method.CSharpName}Async");
                continue;
            }

            result.Add(method);
        }

        return result;
    }

    private MethodSpec? ReadMethod(JsonMember member)
    {
        var def = member.Value;
        if (def.Kind == JsonKind.String)
        {
            def = JsonValueNode.Object(def.Line, def.Column, [new JsonMember("method", def.Line, def.Column, def)]);
        }

        if (def.Kind != JsonKind.Object)
        {
            Report(DiagnosticDescriptors.InvalidMethod, member.Line, member.Column, member.Name, "a method must be an object (or just its REST name), but it is " + def.Describe());
            return null;
        }

        CheckUnknown(def, MethodProperties, $"method '{member.Name}'");
        var methodNode = def.Get("method");
        if (methodNode is null || methodNode.Kind != JsonKind.String || !IsMethodName(methodNode.Text!))
        {
            Report(DiagnosticDescriptors.InvalidMethod, (methodNode ?? def).Line, (methodNode ?? def).Column, member.Name, "'method' must be a REST method name such as \"crm.deal.list\"");
            return null;
        }

        var kindText = OptionalString(def, "kind") ?? member.Name.ToLowerInvariant();
        MethodKind kind;
        switch (kindText)
        {
            case "list": kind = MethodKind.List; break;
            case "get": kind = MethodKind.Get; break;
            case "add": kind = MethodKind.Add; break;
            case "update": kind = MethodKind.Update; break;
            case "delete": kind = MethodKind.Delete; break;
            case "fields": kind = MethodKind.Fields; break;
            case "call": kind = MethodKind.Call; break;
            default:
                if (def.Get("kind") is { } explicitKind)
                {
                    Report(DiagnosticDescriptors.InvalidMethod, explicitKind.Line, explicitKind.Column, member.Name, $"unknown kind '{kindText}' (list, get, add, update, delete, fields, call)");
                    return null;
                }

                kind = MethodKind.Call;
                break;
        }

        var csharpName = kind == MethodKind.Call ? Identifiers.ToPascal(member.Name) : Identifiers.ToPascal(kindText);
        if (!Identifiers.IsValidIdentifier(member.Name) && kind == MethodKind.Call)
        {
            Report(DiagnosticDescriptors.IdentifierRenamed, member.Line, member.Column, member.Name, csharpName + "Async", "method names are PascalCased");
        }

        var resultText = OptionalString(def, "result");
        var result = ResultKind.Json;
        if (kind == MethodKind.Call)
        {
            switch (resultText ?? "json")
            {
                case "rows": result = ResultKind.Rows; break;
                case "row": result = ResultKind.Row; break;
                case "id": result = ResultKind.Id; break;
                case "bool": result = ResultKind.Bool; break;
                case "json": result = ResultKind.Json; break;
                case "void": result = ResultKind.Void; break;
                default:
                    Report(DiagnosticDescriptors.InvalidMethod, def.Get("result")!.Line, def.Get("result")!.Column, member.Name, $"unknown result '{resultText}' (rows, row, id, bool, json, void)");
                    return null;
            }
        }

        var read = def.Get("read")?.AsBool() ?? kind is MethodKind.List or MethodKind.Get or MethodKind.Fields;
        var orderStyle = OptionalString(def, "orderStyle") ?? "object";
        if (orderStyle is not ("object" or "sortOrder"))
        {
            Report(DiagnosticDescriptors.InvalidMethod, def.Get("orderStyle")!.Line, def.Get("orderStyle")!.Column, member.Name, "orderStyle must be \"object\" or \"sortOrder\"");
            orderStyle = "object";
        }

        var parameters = ReadParameters(def.Get("parameters"), $"methods.{member.Name}.parameters");
        var description = OptionalString(def, "description") ?? string.Empty;
        return new MethodSpec(
            kind,
            csharpName,
            methodNode.Text!,
            read,
            OptionalString(def, "idParameter") ?? "id",
            NullableString(def, "fieldsParameter", "fields"),
            OptionalString(def, "resultKey"),
            NullableString(def, "filterParameter", "filter"),
            NullableString(def, "orderParameter", "order"),
            orderStyle == "sortOrder",
            NullableString(def, "selectParameter", "select"),
            def.Get("firstRow")?.AsBool() ?? false,
            result,
            new EquatableArray<ParameterSpec>(parameters),
            description);
    }

    private List<ParameterSpec> ReadParameters(JsonValueNode? node, string where)
    {
        var result = new List<ParameterSpec>();
        if (node is null || node.IsNull)
        {
            return result;
        }

        if (node.Kind != JsonKind.Array)
        {
            Report(DiagnosticDescriptors.WrongType, node, where, "a list of parameters", node.Describe());
            return result;
        }

        foreach (var p in node.Items)
        {
            if (p.Kind != JsonKind.Object || p.Get("name") is not { Kind: JsonKind.String } nameNode || string.IsNullOrEmpty(nameNode.Text))
            {
                Report(DiagnosticDescriptors.WrongType, p, where + "[]", "an object with a 'name'", p.Describe());
                continue;
            }

            CheckUnknown(p, ParameterProperties, $"parameter '{nameNode.Text}'");
            var typeText = OptionalString(p, "type") ?? "string";
            ParameterType type;
            switch (typeText)
            {
                case "integer": type = ParameterType.Int64; break;
                case "string": type = ParameterType.String; break;
                case "boolean": type = ParameterType.Boolean; break;
                case "json": type = ParameterType.Json; break;
                case "fields": type = ParameterType.Fields; break;
                case "rows": type = ParameterType.Rows; break;
                case "ids": type = ParameterType.Ids; break;
                default:
                    Report(DiagnosticDescriptors.WrongType, p.Get("type")!, $"{where}.{nameNode.Text}.type", "integer, string, boolean, json, fields, rows or ids", "\"" + typeText + "\"");
                    continue;
            }

            var csharp = OptionalString(p, "csharpName") ?? nameNode.Text!;
            var csharpName = Identifiers.ToParameterName(csharp);
            string? fixedValue = null;
            if (p.Get("value") is { IsNull: false } valueNode)
            {
                fixedValue = FixedValue(valueNode, type);
                if (fixedValue is null)
                {
                    Report(DiagnosticDescriptors.WrongType, valueNode, $"{where}.{nameNode.Text}.value", type switch
                    {
                        ParameterType.Int64 => "an integer",
                        ParameterType.String => "a string",
                        ParameterType.Boolean => "true or false",
                        _ => "no value: only integer, string and boolean parameters take a fixed value",
                    }, valueNode.Describe());
                    continue;
                }
            }

            result.Add(new ParameterSpec(nameNode.Text!, csharpName, type, p.Get("required")?.AsBool() ?? true, OptionalString(p, "description") ?? string.Empty, fixedValue));
        }

        return result;
    }

    /// <summary>The C# literal of a parameter's fixed value, or null when the value does not suit the type.</summary>
    private static string? FixedValue(JsonValueNode node, ParameterType type) => type switch
    {
        ParameterType.Int64 when node.Kind == JsonKind.Number
            && long.TryParse(node.Text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var n)
            => n.ToString(System.Globalization.CultureInfo.InvariantCulture) + "L",
        ParameterType.String when node.Kind == JsonKind.String => Literal(node.Text!),
        ParameterType.Boolean when node.Kind is JsonKind.True or JsonKind.False => node.Kind == JsonKind.True ? "true" : "false",
        _ => null,
    };

    private List<string> ReadPath(JsonValueNode? node, List<MethodSpec> methods)
    {
        string text;
        if (node is { Kind: JsonKind.String } && !string.IsNullOrWhiteSpace(node.Text))
        {
            text = node.Text!;
        }
        else
        {
            if (node is not null && !node.IsNull)
            {
                Report(DiagnosticDescriptors.WrongType, node, "path", "a string such as \"Crm.Deal\"", node.Describe());
            }

            // By default the REST prefix of the first method: crm.deal.list -> Crm.Deal. No methods: no API.
            if (methods.Count == 0)
            {
                return [];
            }

            var first = methods[0].Method;
            var dot = first.LastIndexOf('.');
            text = dot > 0 ? first.Substring(0, dot) : first;
        }

        var segments = new List<string>();
        foreach (var raw in text.Split('.'))
        {
            var segment = Identifiers.ToPascal(raw);
            if (raw != segment && node is { Kind: JsonKind.String })
            {
                Report(DiagnosticDescriptors.InvalidName, node, raw, "path segment (PascalCase identifiers separated by dots)", segment);
            }

            segments.Add(segment);
        }

        return segments;
    }

    private string ValidName(JsonValueNode node, string name, string what)
    {
        if (Identifiers.IsValidIdentifier(name))
        {
            return name;
        }

        var fixedName = Identifiers.ToPascal(name);
        Report(DiagnosticDescriptors.InvalidName, node, name, what, fixedName);
        return fixedName;
    }

    private void CheckUnknown(JsonValueNode obj, string[] known, string where)
    {
        foreach (var member in obj.Members)
        {
            if (Array.IndexOf(known, member.Name) >= 0)
            {
                continue;
            }

            var close = known.FirstOrDefault(k => string.Equals(k, member.Name, StringComparison.OrdinalIgnoreCase) || Levenshtein.Distance(k.ToLowerInvariant(), member.Name.ToLowerInvariant()) <= 2);
            Report(DiagnosticDescriptors.UnknownProperty, member.Line, member.Column, member.Name, where, close is null ? string.Empty : $" (did you mean '{close}'?)");
        }
    }

    private string? OptionalString(JsonValueNode obj, string name)
    {
        var node = obj.Get(name);
        if (node is null || node.IsNull)
        {
            return null;
        }

        if (node.Kind != JsonKind.String)
        {
            Report(DiagnosticDescriptors.WrongType, node, name, "a string", node.Describe());
            return null;
        }

        return node.Text;
    }

    /// <summary>A string that may be explicitly null (meaning: top level, or not supported); absent gives the default.</summary>
    private string? NullableString(JsonValueNode obj, string name, string defaultValue)
    {
        var node = obj.Get(name);
        if (node is null)
        {
            return defaultValue;
        }

        return node.IsNull ? null : OptionalString(obj, name);
    }

    private static bool IsMethodName(string name)
    {
        if (name.Length == 0 || name[0] == '.' || name[name.Length - 1] == '.' || name.Contains(".."))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'))
            {
                return false;
            }
        }

        return true;
    }
}
