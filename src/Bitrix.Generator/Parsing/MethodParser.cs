using System;
using System.Collections.Generic;
using Bitrix.Generator.Diagnostics;
using Bitrix.Generator.Json;
using Bitrix.Generator.Model;

namespace Bitrix.Generator.Parsing;

/// <summary>Reads a schema's methods and their parameters (and the parameters every method shares) into method specs.</summary>
internal sealed class MethodParser
{
    private static readonly string[] MethodProperties =
    [
        "method", "kind", "read", "idParameter", "fieldsParameter", "resultKey", "filterParameter", "orderParameter",
        "orderStyle", "selectParameter", "firstRow", "result", "parameters", "description",
    ];

    private static readonly string[] ParameterProperties = ["name", "csharpName", "type", "required", "value", "description"];

    private readonly SchemaReport _report;

    public MethodParser(SchemaReport report) => _report = report;

    public List<MethodSpec> ReadMethods(JsonValueNode? node)
    {
        var result = new List<MethodSpec>();
        if (_report.OfKind(node, JsonKind.Object, "methods", "an object of name -> method") is not { } present)
        {
            return result;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in present.Members)
        {
            var method = ReadMethod(member);
            if (method is null)
            {
                continue;
            }

            if (!names.Add(method.CSharpName))
            {
                _report.Report(DiagnosticDescriptors.InvalidMethod, member.Line, member.Column, member.Name, $"another method already generates {method.CSharpName}Async");
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
            _report.Report(DiagnosticDescriptors.InvalidMethod, member.Line, member.Column, member.Name, "a method must be an object (or just its REST name), but it is " + def.Describe());
            return null;
        }

        _report.CheckUnknown(def, MethodProperties, $"method '{member.Name}'");
        var methodNode = def.Get("method");
        if (methodNode is null || methodNode.Kind != JsonKind.String || !IsMethodName(methodNode.Text!))
        {
            _report.Report(DiagnosticDescriptors.InvalidMethod, (methodNode ?? def).Line, (methodNode ?? def).Column, member.Name, "'method' must be a REST method name such as \"crm.deal.list\"");
            return null;
        }

        var kindText = _report.OptionalString(def, "kind") ?? member.Name.ToLowerInvariant();
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
                    _report.Report(DiagnosticDescriptors.InvalidMethod, explicitKind.Line, explicitKind.Column, member.Name, $"unknown kind '{kindText}' (list, get, add, update, delete, fields, call)");
                    return null;
                }

                kind = MethodKind.Call;
                break;
        }

        var csharpName = kind == MethodKind.Call ? Identifiers.ToPascal(member.Name) : Identifiers.ToPascal(kindText);
        if (!Identifiers.IsValidIdentifier(member.Name) && kind == MethodKind.Call)
        {
            _report.Report(DiagnosticDescriptors.IdentifierRenamed, member.Line, member.Column, member.Name, csharpName + "Async", "method names are PascalCased");
        }

        var resultText = _report.OptionalString(def, "result");
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
                    _report.Report(DiagnosticDescriptors.InvalidMethod, def.Get("result")!.Line, def.Get("result")!.Column, member.Name, $"unknown result '{resultText}' (rows, row, id, bool, json, void)");
                    return null;
            }
        }

        var read = def.Get("read")?.AsBool() ?? kind is MethodKind.List or MethodKind.Get or MethodKind.Fields;
        var orderStyle = _report.OptionalString(def, "orderStyle") ?? "object";
        if (orderStyle is not ("object" or "sortOrder"))
        {
            _report.Report(DiagnosticDescriptors.InvalidMethod, def.Get("orderStyle")!.Line, def.Get("orderStyle")!.Column, member.Name, "orderStyle must be \"object\" or \"sortOrder\"");
            orderStyle = "object";
        }

        var parameters = ReadParameters(def.Get("parameters"), $"methods.{member.Name}.parameters");
        var description = _report.OptionalString(def, "description") ?? string.Empty;
        return new MethodSpec(
            kind,
            csharpName,
            methodNode.Text!,
            read,
            _report.OptionalString(def, "idParameter") ?? "id",
            _report.NullableString(def, "fieldsParameter", "fields"),
            _report.OptionalString(def, "resultKey"),
            _report.NullableString(def, "filterParameter", "filter"),
            _report.NullableString(def, "orderParameter", "order"),
            orderStyle == "sortOrder",
            _report.NullableString(def, "selectParameter", "select"),
            def.Get("firstRow")?.AsBool() ?? false,
            result,
            new EquatableArray<ParameterSpec>(parameters),
            description);
    }

    public List<ParameterSpec> ReadParameters(JsonValueNode? node, string where)
    {
        var result = new List<ParameterSpec>();
        if (_report.OfKind(node, JsonKind.Array, where, "a list of parameters") is not { } present)
        {
            return result;
        }

        foreach (var p in present.Items)
        {
            if (p.Kind != JsonKind.Object || p.Get("name") is not { Kind: JsonKind.String } nameNode || string.IsNullOrEmpty(nameNode.Text))
            {
                _report.Report(DiagnosticDescriptors.WrongType, p, where + "[]", "an object with a 'name'", p.Describe());
                continue;
            }

            _report.CheckUnknown(p, ParameterProperties, $"parameter '{nameNode.Text}'");
            var typeText = _report.OptionalString(p, "type") ?? "string";
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
                    _report.Report(DiagnosticDescriptors.WrongType, p.Get("type")!, $"{where}.{nameNode.Text}.type", "integer, string, boolean, json, fields, rows or ids", "\"" + typeText + "\"");
                    continue;
            }

            var csharp = _report.OptionalString(p, "csharpName") ?? nameNode.Text!;
            var csharpName = Identifiers.ToParameterName(csharp);
            string? fixedValue = null;
            if (p.Get("value") is { IsNull: false } valueNode)
            {
                fixedValue = FixedValue(valueNode, type);
                if (fixedValue is null)
                {
                    _report.Report(DiagnosticDescriptors.WrongType, valueNode, $"{where}.{nameNode.Text}.value", type switch
                    {
                        ParameterType.Int64 => "an integer",
                        ParameterType.String => "a string",
                        ParameterType.Boolean => "true or false",
                        _ => "no value: only integer, string and boolean parameters take a fixed value",
                    }, valueNode.Describe());
                    continue;
                }
            }

            result.Add(new ParameterSpec(nameNode.Text!, csharpName, type, p.Get("required")?.AsBool() ?? true, _report.OptionalString(p, "description") ?? string.Empty, fixedValue));
        }

        return result;
    }

    /// <summary>The C# literal of a parameter's fixed value, or null when the value does not suit the type.</summary>
    private static string? FixedValue(JsonValueNode node, ParameterType type) => type switch
    {
        ParameterType.Int64 when node.Kind == JsonKind.Number
            && long.TryParse(node.Text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var n)
            => n.ToString(System.Globalization.CultureInfo.InvariantCulture) + "L",
        ParameterType.String when node.Kind == JsonKind.String => SchemaParser.Literal(node.Text!),
        ParameterType.Boolean when node.Kind is JsonKind.True or JsonKind.False => node.Kind == JsonKind.True ? "true" : "false",
        _ => null,
    };

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
