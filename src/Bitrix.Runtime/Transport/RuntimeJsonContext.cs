using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Bitrix.Transport;

/// <summary>Source-generated serialisation for the runtime's own payloads (trimming- and AOT-safe).</summary>
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class RuntimeJsonContext : JsonSerializerContext;
