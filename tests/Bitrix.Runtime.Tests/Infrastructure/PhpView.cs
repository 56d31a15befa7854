using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bitrix.Runtime.Tests.Infrastructure;

/// <summary>
/// What PHP's <c>parse_str</c> gives back for an <c>http_build_query</c> of some parameters:
/// strings everywhere (true "1", false "0"), empty containers and nulls gone, maps keyed 0..n-1
/// as lists, and ' ' or '.' in a top-level name turned into '_'.
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
            if (View(value) is { } view)
            {
                kept.Add(new(topLevel ? key.Replace(' ', '_').Replace('.', '_') : key, view));
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
