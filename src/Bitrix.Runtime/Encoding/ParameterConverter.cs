using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bitrix;

/// <summary>Turns caller parameters (anonymous objects, dictionaries, JSON values) into a JSON tree.</summary>
internal static class ParameterConverter
{
    public const string ReflectionMessage = "Parameters given as an arbitrary object are serialised by reflection. Pass a JsonObject, or use the generated typed API, for trimming and AOT.";

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = null,
        DictionaryKeyPolicy = null,
    };

    /// <summary>Parameters as a JSON object (or null); a JSON list becomes positional keys only through <see cref="ToNode"/>.</summary>
    [RequiresUnreferencedCode(ReflectionMessage)]
    [RequiresDynamicCode(ReflectionMessage)]
    public static JsonObject? ToObject(object? parameters)
    {
        var node = ToNode(parameters);
        return node switch
        {
            null => null,
            JsonObject obj => obj,
            _ => throw new ArgumentException("Parameters must be an object (named parameters); use CallRawAsync for positional parameters.", nameof(parameters)),
        };
    }

    [RequiresUnreferencedCode(ReflectionMessage)]
    [RequiresDynamicCode(ReflectionMessage)]
    public static JsonNode? ToNode(object? parameters) => parameters switch
    {
        null => null,
        JsonNode node => node.DeepClone(),
        JsonElement element => FromElement(element),
        JsonDocument document => FromElement(document.RootElement),
        string => throw new ArgumentException("Parameters must be an object, a dictionary or a JSON value, not a string.", nameof(parameters)),
        _ => JsonSerializer.SerializeToNode(parameters, parameters.GetType(), Options),
    };

    public static JsonNode? FromElement(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Undefined or JsonValueKind.Null => null,
        _ => JsonNode.Parse(element.GetRawText()),
    };
}
