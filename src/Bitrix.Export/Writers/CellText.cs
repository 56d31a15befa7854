using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bitrix.Export.Writers;

/// <summary>How a typed row value reads in one CSV cell.</summary>
internal static class CellText
{
    /// <summary>
    /// Text as is; numbers as sent (invariant); none as empty; multifields (<c>PHONE</c>, <c>EMAIL</c>, ...)
    /// as their values joined with <c>"; "</c>; lists of plain values likewise; anything else as compact JSON.
    /// </summary>
    public static string Of(JsonNode? value) => value switch
    {
        null => "",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>() ? "Y" : "N",
        JsonValue v => v.ToJsonString(),
        JsonArray a when a.All(e => e is JsonObject o && o.ContainsKey("VALUE")) => string.Join("; ", a.Select(e => Of(e!["VALUE"]))),
        JsonArray a when a.All(e => e is null or JsonValue) => string.Join("; ", a.Select(Of)),
        _ => value.ToJsonString(),
    };
}
