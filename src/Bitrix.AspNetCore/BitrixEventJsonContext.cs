using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Bitrix.AspNetCore;

/// <summary>Serialisation without reflection (trimming- and AOT-safe).</summary>
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class BitrixEventJsonContext : JsonSerializerContext;
