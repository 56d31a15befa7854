using System.Collections.Generic;
using Bitrix.Generator.Diagnostics;
using Bitrix.Generator.Json;
using Bitrix.Generator.Model;

namespace Bitrix.Generator.Parsing;

/// <summary>Reads the API path an entity's methods hang under (<c>Crm.Deal</c> -> <c>bx.Crm.Deal</c>).</summary>
internal sealed class PathParser
{
    private readonly SchemaReport _report;

    public PathParser(SchemaReport report) => _report = report;

    public List<string> ReadPath(JsonValueNode? node, List<MethodSpec> methods)
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
                _report.Report(DiagnosticDescriptors.WrongType, node, "path", "a string such as \"Crm.Deal\"", node.Describe());
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
                _report.Report(DiagnosticDescriptors.InvalidName, node, raw, "path segment (PascalCase identifiers separated by dots)", segment);
            }

            segments.Add(segment);
        }

        return segments;
    }
}
