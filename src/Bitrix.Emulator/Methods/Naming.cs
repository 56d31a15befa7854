using System.Text;

namespace Bitrix.Emulator.Methods;

/// <summary>Conversions between the UPPER_SNAKE names of storage and the camelCase names of the newer APIs.</summary>
internal static class Naming
{
    private const string CrmUserFieldPrefix = "UF_CRM_";

    /// <summary><c>ASSIGNED_BY_ID</c> -> <c>assignedById</c>, <c>ADDRESS_2</c> -> <c>address2</c>.</summary>
    public static string Camel(string upperSnake)
    {
        var parts = upperSnake.Split('_', StringSplitOptions.RemoveEmptyEntries);
        var builder = new StringBuilder(upperSnake.Length);
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i].ToLowerInvariant();
            builder.Append(i == 0 ? part : char.ToUpperInvariant(part[0]) + part[1..]);
        }

        return builder.ToString();
    }

    /// <summary>
    /// The crm.item name of a CRM user field: <c>UF_CRM_1720019876534</c> -> <c>ufCrm_1720019876534</c>,
    /// <c>UF_CRM_2_1639669411830</c> -> <c>ufCrm2_1639669411830</c> (the digits name a smart process type).
    /// </summary>
    public static string CrmUserFieldCamel(string name)
    {
        if (!name.StartsWith(CrmUserFieldPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return Camel(name);
        }

        var rest = name[CrmUserFieldPrefix.Length..];
        var underscore = rest.IndexOf('_', StringComparison.Ordinal);
        if (underscore > 0 && underscore < rest.Length - 1 && rest[..underscore].All(char.IsAsciiDigit))
        {
            return "ufCrm" + rest[..underscore] + "_" + rest[(underscore + 1)..];
        }

        return "ufCrm_" + rest;
    }

    /// <summary><c>responsibleId</c> -> <c>RESPONSIBLE_ID</c>, <c>parentId156</c> -> <c>PARENT_ID_156</c>.</summary>
    public static string UpperSnake(string camel)
    {
        var builder = new StringBuilder(camel.Length + 8);
        for (var i = 0; i < camel.Length; i++)
        {
            var c = camel[i];
            if (i > 0 && c != '_' && camel[i - 1] != '_')
            {
                var previous = camel[i - 1];
                var wordStart = char.IsAsciiLetterUpper(c) && (char.IsAsciiLetterLower(previous) || char.IsAsciiDigit(previous));
                var numberStart = char.IsAsciiDigit(c) && char.IsAsciiLetter(previous);
                if (wordStart || numberStart)
                {
                    builder.Append('_');
                }
            }

            builder.Append(char.ToUpperInvariant(c));
        }

        return builder.ToString();
    }
}
