using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Bitrix;

/// <summary>
/// Finds text that the portal would rewrite inside a batch command. After reading a command's
/// query string, the portal looks at every value for <c>$result</c>, <c>$next</c>,
/// <c>$total</c>, <c>$error</c> or <c>$time</c> (in any letter case) followed by a run of
/// characters up to the next ASCII white space; when that run holds a bracketed segment, the
/// whole run is replaced by the referenced result. Keys are looked at the same way, with any
/// name after the <c>$</c>. Percent-escaping does not help: the query string is decoded first.
/// A single call with a JSON body is never rewritten.
/// </summary>
internal static partial class BatchReferences
{
    [GeneratedRegex(@"\$(?:result|next|total|error|time)[^ \t\n\v\f\r]*?\[[^\] \t\n\v\f\r]+\]", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ValuePattern();

    [GeneratedRegex(@"\$[^ \t\n\v\f\r]*?\[[^\] \t\n\v\f\r]+\]", RegexOptions.CultureInvariant)]
    private static partial Regex KeyPattern();

    /// <summary>True when the portal would substitute something in this value.</summary>
    public static bool InValue(string text) => text.Contains('$', StringComparison.Ordinal) && ValuePattern().IsMatch(text);

    /// <summary>True when any key or string value in the tree would be rewritten inside a batch.</summary>
    public static bool Contains(JsonNode? node) => node switch
    {
        JsonObject obj => obj.Any(p => (p.Key.Contains('$', StringComparison.Ordinal) && KeyPattern().IsMatch(p.Key)) || Contains(p.Value)),
        JsonArray list => list.Any(Contains),
        JsonValue value when value.GetValueKind() == JsonValueKind.String => InValue(value.TryGetValue<string>(out var text) ? text : value.ToJsonString()),
        _ => false,
    };
}
