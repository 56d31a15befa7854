using System.Text.Json;
using System.Text.RegularExpressions;

namespace Bitrix.Emulator.Tests.Support;

/// <summary>
/// Compares the SHAPES of two JSON documents, not their values: key sets of objects, lists vs
/// maps, JSON value kinds, and the string formats a client parses (ISO date-times with an offset,
/// decimal strings such as <c>"19999.99"</c>). Paths are written with <c>/</c> between keys and
/// <c>#</c> for a list element; <c>*</c> in a pattern matches any one segment.
/// </summary>
internal sealed partial class JsonShape
{
    /// <summary>Members of <c>time</c> that a real portal sends in some answers and not in others.</summary>
    public static readonly IReadOnlySet<string> OptionalTimeMembers = new HashSet<string>(StringComparer.Ordinal) { "operating", "operating_reset_at" };

    /// <summary>Keys that either side may lack.</summary>
    public IReadOnlySet<string> OptionalKeys { get; init; } = OptionalTimeMembers;

    /// <summary>Objects at these paths are compared on the keys both sides have (rows whose field set depends on the data).</summary>
    public IReadOnlyList<string> SharedKeysOnly { get; init; } = [];

    /// <summary>Values at these paths are not compared at all.</summary>
    public IReadOnlyList<string> Ignore { get; init; } = [];

    /// <summary>
    /// Lists at these paths may differ in length when the expected one is empty (rows of a list);
    /// elsewhere an expected <c>[]</c> — PHP's empty map — demands an empty answer.
    /// </summary>
    public IReadOnlyList<string> AnyLength { get; init; } = [];

    /// <summary>Legacy values are "a string or null": null matches any string kind.</summary>
    public bool NullMatchesString { get; init; } = true;

    /// <summary>Compares <paramref name="actual"/> with <paramref name="expected"/>; returns the differences, empty when the shapes agree.</summary>
    public List<string> Compare(JsonNode? expected, JsonNode? actual)
    {
        var differences = new List<string>();
        Compare(expected, actual, [], differences);
        return differences;
    }

    /// <summary>Fails with every difference listed when the shapes differ.</summary>
    public void AssertSame(JsonNode? expected, JsonNode? actual)
    {
        var differences = Compare(expected, actual);
        Assert.True(differences.Count == 0, "shapes differ:\n" + string.Join("\n", differences.Take(40)));
    }

    /// <summary>The kind of a JSON value as a client sees it.</summary>
    public static string KindOf(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return "null";
            case JsonObject:
                return "object";
            case JsonArray:
                return "list";
        }

        var value = node.AsValue();
        return value.GetValueKind() switch
        {
            JsonValueKind.Number => "number",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            JsonValueKind.String => StringKind(value.GetValue<string>()),
            _ => "null",
        };
    }

    /// <summary>The format of a string value: <c>string:empty</c>, <c>string:datetime</c>, <c>string:decimal</c> or <c>string</c>.</summary>
    public static string StringKind(string s)
    {
        if (s.Length == 0)
        {
            return "string:empty";
        }

        if (DateTimeWithOffset().IsMatch(s))
        {
            return "string:datetime";
        }

        return Decimal().IsMatch(s) ? "string:decimal" : "string";
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$", RegexOptions.CultureInvariant)]
    public static partial Regex DateTimeWithOffset();

    [GeneratedRegex(@"^-?\d+\.\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex Decimal();

    private void Compare(JsonNode? expected, JsonNode? actual, List<string> path, List<string> differences)
    {
        if (Matches(path, Ignore))
        {
            return;
        }

        var at = path.Count == 0 ? "(root)" : string.Join("/", path);
        var expectedKind = KindOf(expected);
        var actualKind = KindOf(actual);
        if (!Compatible(expectedKind, actualKind))
        {
            differences.Add($"{at}: expected {expectedKind}, got {actualKind}");
            return;
        }

        switch (expected, actual)
        {
            case (JsonObject e, JsonObject a):
                var sharedOnly = Matches(path, SharedKeysOnly);
                foreach (var (key, value) in e)
                {
                    if (a.TryGetPropertyValue(key, out var other))
                    {
                        Compare(value, other, [.. path, key], differences);
                    }
                    else if (!sharedOnly && !OptionalKeys.Contains(key))
                    {
                        differences.Add($"{at}: missing key '{key}'");
                    }
                }

                if (!sharedOnly)
                {
                    foreach (var (key, _) in a)
                    {
                        if (!e.ContainsKey(key) && !OptionalKeys.Contains(key))
                        {
                            differences.Add($"{at}: unexpected key '{key}'");
                        }
                    }
                }

                break;
            case (JsonArray e, JsonArray a) when e.Count == 0:
                if (a.Count > 0 && !Matches(path, AnyLength))
                {
                    differences.Add($"{at}: expected an empty list ([]), got {a.Count} item(s)");
                }

                break;
            case (JsonArray e, JsonArray a):
                for (var i = 0; i < a.Count; i++)
                {
                    Compare(e[Math.Min(i, e.Count - 1)], a[i], [.. path, "#"], differences);
                }

                break;
        }
    }

    private bool Compatible(string expected, string actual)
    {
        if (expected == actual)
        {
            return true;
        }

        var expectedString = expected.StartsWith("string", StringComparison.Ordinal);
        var actualString = actual.StartsWith("string", StringComparison.Ordinal);
        if (expectedString && actualString)
        {
            return expected == "string:empty" || actual == "string:empty";
        }

        return NullMatchesString && ((expected == "null" && actualString) || (actual == "null" && expectedString));
    }

    private static bool Matches(List<string> path, IReadOnlyList<string> patterns)
    {
        foreach (var pattern in patterns)
        {
            var parts = pattern.Split('/');
            if (parts.Length != path.Count)
            {
                continue;
            }

            var all = true;
            for (var i = 0; i < parts.Length && all; i++)
            {
                all = parts[i] == "*" || string.Equals(parts[i], path[i], StringComparison.Ordinal);
            }

            if (all)
            {
                return true;
            }
        }

        return false;
    }
}
