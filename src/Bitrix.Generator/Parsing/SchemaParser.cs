using System;
using System.Linq;
using System.Threading;
using Bitrix.Generator.Diagnostics;
using Bitrix.Generator.Json;
using Bitrix.Generator.Model;

namespace Bitrix.Generator.Parsing;

/// <summary>
/// Reads one schema file into an <see cref="EntitySpec"/> and its diagnostics. Every problem is
/// reported with the file's path and the line where it stands; a bad field or method is skipped
/// on its own, and the entity is still generated unless the file cannot be read at all. This type
/// reads the entity-level properties and assembles the entity; fields, methods and the API path
/// have their own readers.
/// </summary>
internal sealed class SchemaParser
{
    private static readonly string[] TopLevelProperties =
    [
        "$schema", "entity", "path", "title", "description", "idKey", "idType", "wrapperKey", "itemKey", "rowKeys",
        "parameters", "methods", "fieldTypes", "readOnlyFields", "fields",
    ];

    private readonly string _path;
    private readonly SchemaReport _report;

    private SchemaParser(string path)
    {
        _path = path;
        _report = new SchemaReport(path);
    }

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
            parser._report.Report(DiagnosticDescriptors.GeneratorFailure, 1, 1, e.GetType().Name + ": " + e.Message);
            entity = null;
        }

        return new ParsedSchema(path, origin, entity, parser._report.Diagnostics);
    }

    private EntitySpec? ParseText(string text, CancellationToken cancellationToken)
    {
        JsonValueNode root;
        try
        {
            root = JsonReader.Parse(text);
        }
        catch (JsonSyntaxException e)
        {
            _report.Report(DiagnosticDescriptors.InvalidJson, e.Line, e.Column, $"{e.Message} (line {e.Line}, column {e.Column})");
            return null;
        }

        if (root.Kind != JsonKind.Object)
        {
            _report.Report(DiagnosticDescriptors.WrongType, root, "The schema", "an object", root.Describe());
            return null;
        }

        _report.CheckUnknown(root, TopLevelProperties, "the schema");

        var entityNode = root.Get("entity");
        if (entityNode is null)
        {
            _report.Report(DiagnosticDescriptors.MissingProperty, 1, 1, "The schema", "entity");
            return null;
        }

        if (entityNode.Kind != JsonKind.String)
        {
            _report.Report(DiagnosticDescriptors.WrongType, entityNode, "entity", "a string (the entity's C# name)", entityNode.Describe());
            return null;
        }

        var entityName = _report.ValidName(entityNode, entityNode.Text!, "C# type name");

        var fieldsNode = root.Get("fields");
        if (fieldsNode is null)
        {
            _report.Report(DiagnosticDescriptors.MissingProperty, 1, 1, "The schema", "fields");
            return null;
        }

        var catalog = UnwrapCatalog(fieldsNode);
        if (catalog.Kind != JsonKind.Object)
        {
            _report.Report(DiagnosticDescriptors.WrongType, catalog, "fields", "an object (a *.fields answer)", catalog.Describe());
            return null;
        }

        var title = _report.OptionalString(root, "title") ?? _report.OptionalString(root, "description") ?? entityName;
        var idKey = _report.OptionalString(root, "idKey") ?? "ID";
        var idType = _report.OptionalString(root, "idType") ?? "integer";
        if (idType is not ("integer" or "string"))
        {
            _report.Report(DiagnosticDescriptors.WrongType, root.Get("idType")!, "idType", "\"integer\" or \"string\"", "\"" + idType + "\"");
            idType = "integer";
        }

        var wrapperKey = _report.OptionalString(root, "wrapperKey");
        var itemKey = _report.OptionalString(root, "itemKey");
        var rowKeys = _report.OptionalString(root, "rowKeys") ?? "asIs";
        if (rowKeys is not ("asIs" or "camelCase"))
        {
            _report.Report(DiagnosticDescriptors.WrongType, root.Get("rowKeys")!, "rowKeys", "\"asIs\" or \"camelCase\"", "\"" + rowKeys + "\"");
            rowKeys = "asIs";
        }

        var fields = new FieldParser(_report).ReadFields(root, catalog, entityName, rowKeys == "camelCase", cancellationToken);

        var idField = fields.FirstOrDefault(f => f.WireName == idKey || f.RowKey == idKey);
        if (idField is null && catalog.Members.Count > 0)
        {
            var at = root.Get("idKey") ?? catalog;
            _report.Report(DiagnosticDescriptors.InvalidIdKey, at, idKey);
        }

        var methodParser = new MethodParser(_report);
        var common = methodParser.ReadParameters(root.Get("parameters"), "parameters");
        var methods = methodParser.ReadMethods(root.Get("methods"));
        var path = new PathParser(_report).ReadPath(root.Get("path"), methods);
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
}
