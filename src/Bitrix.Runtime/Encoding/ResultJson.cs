using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bitrix;

/// <summary>Reflection-based options for reading results into caller types: portals send numbers as strings.</summary>
internal static class ResultJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        PropertyNameCaseInsensitive = true,
    };
}
