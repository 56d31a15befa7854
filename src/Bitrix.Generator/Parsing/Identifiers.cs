using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Bitrix.Generator.Parsing;

/// <summary>
/// Maps wire names (<c>UF_CRM_1742556744977</c>, <c>stageId</c>, <c>ufCrm11_1712074666</c>) to C#
/// identifiers by fixed rules, so the same schema always yields the same names:
/// split at every character that is not a letter or digit; an UPPER segment becomes Capitalised,
/// a mixed-case segment keeps its inner casing with the first letter raised; digits meeting digits
/// across a split keep an underscore between them; a leading digit gets a leading underscore;
/// a name taken already gets the smallest free suffix 2, 3, ...
/// </summary>
internal static class Identifiers
{
    private static readonly HashSet<string> Keywords =
    [
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const",
        "continue", "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern",
        "false", "finally", "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface",
        "internal", "is", "lock", "long", "namespace", "new", "null", "object", "operator", "out", "override",
        "params", "private", "protected", "public", "readonly", "ref", "return", "sbyte", "sealed", "short",
        "sizeof", "stackalloc", "static", "string", "struct", "switch", "this", "throw", "true", "try", "typeof",
        "uint", "ulong", "unchecked", "unsafe", "ushort", "using", "virtual", "void", "volatile", "while",
    ];

    public static string ToPascal(string name)
    {
        var result = new StringBuilder();
        foreach (var segment in Split(name))
        {
            if (result.Length > 0 && char.IsDigit(result[result.Length - 1]) && char.IsDigit(segment[0]))
            {
                result.Append('_');
            }

            var hasLower = false;
            foreach (var c in segment)
            {
                hasLower |= char.IsLower(c);
            }

            result.Append(char.ToUpperInvariant(segment[0]));
            result.Append(hasLower ? segment.Substring(1) : segment.Substring(1).ToLowerInvariant());
        }

        if (result.Length == 0)
        {
            return "Field";
        }

        if (char.IsDigit(result[0]))
        {
            result.Insert(0, '_');
        }

        return result.ToString();
    }

    /// <summary><c>RESPONSIBLE_ID</c> -> <c>responsibleId</c> (the keys tasks.task.* rows carry).</summary>
    public static string ToCamel(string name)
    {
        var pascal = ToPascal(name);
        return pascal[0] == '_' ? pascal : char.ToLowerInvariant(pascal[0]) + pascal.Substring(1);
    }

    /// <summary>A parameter name: camelCase, escaped with <c>@</c> when it is a keyword.</summary>
    public static string ToParameterName(string name)
    {
        var camel = ToCamel(name);
        return Keywords.Contains(camel) ? "@" + camel : camel;
    }

    public static bool IsValidIdentifier(string name)
    {
        if (string.IsNullOrEmpty(name) || Keywords.Contains(name))
        {
            return false;
        }

        if (!(char.IsLetter(name[0]) || name[0] == '_'))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!IsIdentifierPart(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The candidate itself, or with the smallest suffix 2, 3, ... that is not taken; the result is then taken.</summary>
    public static string Unique(string candidate, HashSet<string> taken)
    {
        var name = candidate;
        for (var n = 2; taken.Contains(name); n++)
        {
            name = candidate + n.ToString(CultureInfo.InvariantCulture);
        }

        taken.Add(name);
        return name;
    }

    private static bool IsIdentifierPart(char c)
    {
        if (char.IsLetterOrDigit(c) || c == '_')
        {
            return true;
        }

        var category = char.GetUnicodeCategory(c);
        return category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.ConnectorPunctuation;
    }

    private static IEnumerable<string> Split(string name)
    {
        var current = new StringBuilder();
        foreach (var c in name)
        {
            if (char.IsLetterOrDigit(c))
            {
                current.Append(c);
            }
            else if (current.Length > 0)
            {
                yield return current.ToString();
                current.Clear();
            }
        }

        if (current.Length > 0)
        {
            yield return current.ToString();
        }
    }
}
