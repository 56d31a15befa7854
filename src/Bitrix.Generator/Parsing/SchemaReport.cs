using System;
using System.Collections.Generic;
using System.Linq;
using Bitrix.Generator.Diagnostics;
using Bitrix.Generator.Json;
using Bitrix.Generator.Model;
using DiagnosticDescriptor = Microsoft.CodeAnalysis.DiagnosticDescriptor;

namespace Bitrix.Generator.Parsing;

/// <summary>
/// The diagnostics of one schema file, and the small readers every part of the schema shares: each
/// problem they meet is reported at the node where it stands.
/// </summary>
internal sealed class SchemaReport
{
    private readonly string _path;
    private readonly List<DiagnosticInfo> _diagnostics = [];

    public SchemaReport(string path) => _path = path;

    public EquatableArray<DiagnosticInfo> Diagnostics => new(_diagnostics);

    public void Report(DiagnosticDescriptor descriptor, int line, int column, params string[] arguments)
        => _diagnostics.Add(DiagnosticInfo.Create(descriptor, _path, line, column, arguments));

    public void Report(DiagnosticDescriptor descriptor, JsonValueNode at, params string[] arguments) => Report(descriptor, at.Line, at.Column, arguments);

    /// <summary>
    /// The node when it is present and of <paramref name="kind"/>; null when it is absent or JSON null
    /// (nothing to read), and also null, reported, when it is of another kind.
    /// </summary>
    public JsonValueNode? OfKind(JsonValueNode? node, JsonKind kind, string where, string expected)
    {
        if (node is null || node.IsNull)
        {
            return null;
        }

        if (node.Kind != kind)
        {
            Report(DiagnosticDescriptors.WrongType, node, where, expected, node.Describe());
            return null;
        }

        return node;
    }

    public string ValidName(JsonValueNode node, string name, string what)
    {
        if (Identifiers.IsValidIdentifier(name))
        {
            return name;
        }

        var fixedName = Identifiers.ToPascal(name);
        Report(DiagnosticDescriptors.InvalidName, node, name, what, fixedName);
        return fixedName;
    }

    public void CheckUnknown(JsonValueNode obj, string[] known, string where)
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

    public string? OptionalString(JsonValueNode obj, string name)
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
    public string? NullableString(JsonValueNode obj, string name, string defaultValue)
    {
        var node = obj.Get(name);
        if (node is null)
        {
            return defaultValue;
        }

        return node.IsNull ? null : OptionalString(obj, name);
    }
}
