using System.Globalization;
using System.Text.Json;

namespace Bitrix;

/// <summary>Lenient readers for envelope members: portals send numbers as numbers or strings.</summary>
internal static class Json
{
    public static double? Number(JsonElement obj, string name)
        => obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) ? AsDouble(v) : null;

    public static long? Long(JsonElement obj, string name)
        => Number(obj, name) is { } d && d is >= long.MinValue and <= long.MaxValue ? (long)d : null;

    public static double? AsDouble(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Number => v.GetDouble(),
        JsonValueKind.String when double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };

    public static DateTimeOffset? Date(JsonElement obj, string name)
        => obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
           && DateTimeOffset.TryParse(v.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

    public static string? String(JsonElement obj, string name)
        => obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            _ => null,
        } : null;

    /// <summary>
    /// A PHP array as JSON: a map, or a list whose positions are the keys 0..n-1, or <c>[]</c>
    /// for an empty map. Yields (key, value) pairs either way.
    /// </summary>
    public static IEnumerable<KeyValuePair<string, JsonElement>> PhpMap(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in element.EnumerateObject())
                {
                    yield return new(p.Name, p.Value);
                }

                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    yield return new(i.ToString(CultureInfo.InvariantCulture), item);
                    i++;
                }

                break;
        }
    }
}
