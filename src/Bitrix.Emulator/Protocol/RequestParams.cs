using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bitrix.Emulator.Protocol;

/// <summary>
/// The merged parameters of one call. Top-level keys are matched case-insensitively, as the
/// legacy handlers upper-case them (<c>select</c> == <c>SELECT</c>).
/// </summary>
internal sealed class RequestParams
{
    public RequestParams(JsonObject values) => Values = values;

    public JsonObject Values { get; }

    public JsonNode? this[string key] => Get(key);

    public JsonNode? Get(string key)
    {
        if (Values.TryGetPropertyValue(key, out var exact))
        {
            return exact;
        }

        foreach (var pair in Values)
        {
            if (string.Equals(pair.Key, key, StringComparison.OrdinalIgnoreCase))
            {
                return pair.Value;
            }
        }

        return null;
    }

    public bool Has(string key) => Get(key) is not null;

    public string? GetString(string key) => JsonValues.AsString(Get(key));

    public long? GetLong(string key) => JsonValues.AsLong(Get(key));

    public JsonObject? GetObject(string key) => JsonValues.AsObject(Get(key));
}

/// <summary>Reads loosely-typed request values: a JSON body sends numbers, a query string sends strings.</summary>
internal static class JsonValues
{
    public static string? AsString(JsonNode? node)
    {
        if (node is not JsonValue value)
        {
            return null;
        }

        return value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.Number => value.ToJsonString(),
            JsonValueKind.True => "1",
            JsonValueKind.False => string.Empty,
            _ => null,
        };
    }

    public static long? AsLong(JsonNode? node)
    {
        var s = AsString(node);
        if (s is null)
        {
            return null;
        }

        if (long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
        {
            return n;
        }

        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d is >= long.MinValue and <= long.MaxValue
            ? (long)d
            : null;
    }

    /// <summary>An object, or a list seen as an object keyed 0..n-1 (PHP arrays are both).</summary>
    public static JsonObject? AsObject(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                return obj;
            case JsonArray list:
                var result = new JsonObject();
                for (var i = 0; i < list.Count; i++)
                {
                    result[i.ToString(CultureInfo.InvariantCulture)] = list[i]?.DeepClone();
                }

                return result;
            default:
                return null;
        }
    }

    /// <summary>The items of a PHP array given as a list or a map; a scalar is a list of one.</summary>
    public static IEnumerable<JsonNode?> AsList(JsonNode? node)
    {
        switch (node)
        {
            case JsonArray list:
                return list;
            case JsonObject obj:
                return obj.Select(p => p.Value);
            case null:
                return [];
            default:
                return [node];
        }
    }

    public static bool IsYes(JsonNode? node)
    {
        var s = AsString(node);
        return s is not null && (s == "1" || s.Equals("Y", StringComparison.OrdinalIgnoreCase) || s.Equals("true", StringComparison.OrdinalIgnoreCase));
    }
}
