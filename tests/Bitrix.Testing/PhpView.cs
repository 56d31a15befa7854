using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bitrix.Testing;

/// <summary>
/// What PHP's <c>parse_str</c> gives back for an <c>http_build_query</c> of some parameters:
/// strings everywhere (true "1", false "0"), empty containers and nulls gone, maps keyed 0..n-1
/// as lists, leading spaces of a top-level name dropped and ' ' or '.' in it turned into '_'.
/// </summary>
public static class PhpView
{
    public static JsonObject Of(JsonObject? parameters) => (JsonObject?)View(parameters, topLevel: true) ?? [];

    private static JsonNode? View(JsonNode? node, bool topLevel = false)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonObject obj:
                return Shape(obj.Select(p => new KeyValuePair<string, JsonNode?>(p.Key, p.Value)), topLevel);
            case JsonArray list:
                return Shape(list.Select((v, i) => new KeyValuePair<string, JsonNode?>(i.ToString(CultureInfo.InvariantCulture), v)), topLevel: false);
            default:
                var value = node.AsValue();
                return value.GetValueKind() switch
                {
                    JsonValueKind.String => JsonValue.Create(JsonDocument.Parse(value.ToJsonString()).RootElement.GetString()),
                    JsonValueKind.True => JsonValue.Create("1"),
                    JsonValueKind.False => JsonValue.Create("0"),
                    JsonValueKind.Null => null,
                    _ => JsonValue.Create(value.ToJsonString()),
                };
        }
    }

    private static JsonNode? Shape(IEnumerable<KeyValuePair<string, JsonNode?>> entries, bool topLevel)
    {
        var kept = new List<KeyValuePair<string, JsonNode?>>();
        foreach (var (key, value) in entries)
        {
            // PHP skips leading spaces of a top-level name (and drops a name left empty).
            var name = topLevel ? key.TrimStart(' ').Replace(' ', '_').Replace('.', '_') : key;
            if (View(value) is { } view && name.Length > 0)
            {
                kept.Add(new(name, view));
            }
        }

        if (kept.Count == 0)
        {
            return topLevel ? new JsonObject() : null;
        }

        if (!topLevel && kept.Select((p, i) => p.Key == i.ToString(CultureInfo.InvariantCulture)).All(b => b))
        {
            return new JsonArray([.. kept.Select(p => p.Value)]);
        }

        var obj = new JsonObject();
        foreach (var (key, value) in kept)
        {
            obj[key] = value;
        }

        return obj;
    }
}
