using System.Text.Json;

namespace Bitrix;

/// <summary>What a <c>*.fields</c> method says about one field.</summary>
public sealed record BitrixFieldInfo(string Name, string Type, string Title, bool IsRequired, bool IsReadOnly, bool IsImmutable, bool IsMultiple, string? StatusType)
{
    /// <summary>Reads a field catalog in any of its shapes: <c>{FIELD: {type, ...}}</c>, <c>{fields: {...}}</c>, or <c>{FIELD: "title"}</c>.</summary>
    public static IReadOnlyDictionary<string, BitrixFieldInfo> ParseCatalog(JsonElement catalog)
    {
        var result = new Dictionary<string, BitrixFieldInfo>(StringComparer.Ordinal);
        if (catalog.ValueKind == JsonValueKind.Object && catalog.TryGetProperty("fields", out var inner) && inner.ValueKind == JsonValueKind.Object)
        {
            catalog = inner;
        }

        if (catalog.ValueKind != JsonValueKind.Object)
        {
            return result;
        }

        foreach (var p in catalog.EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.String)
            {
                result[p.Name] = new BitrixFieldInfo(p.Name, "string", p.Value.GetString() ?? p.Name, false, false, false, false, null);
            }
            else if (p.Value.ValueKind == JsonValueKind.Object)
            {
                var d = p.Value;
                result[p.Name] = new BitrixFieldInfo(
                    p.Name,
                    Text(d, "type") ?? "string",
                    Text(d, "title") ?? p.Name,
                    Flag(d, "isRequired") || Flag(d, "required"),
                    Flag(d, "isReadOnly") || Flag(d, "primary"),
                    Flag(d, "isImmutable"),
                    Flag(d, "isMultiple"),
                    Text(d, "statusType"));
            }
        }

        return result;
    }

    private static string? Text(JsonElement e, string name)
        => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static bool Flag(JsonElement e, string name)
        => e.TryGetProperty(name, out var v) && BitrixValue.ReadBoolean(v, out var b) && b == true;
}
