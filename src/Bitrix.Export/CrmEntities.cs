using System.Text.Json.Nodes;

namespace Bitrix.Export;

/// <summary>The CRM entities the export reads, with the shipped schema each one's typed API was generated from.</summary>
internal static class CrmEntities
{
    public static readonly IReadOnlyList<string> Names = ["deal", "lead", "contact", "company"];

    /// <summary>The list method: <c>crm.deal.list</c>.</summary>
    public static string ListMethod(string entity) => $"crm.{entity}.list";

    /// <summary>The plural the summary speaks of.</summary>
    public static string Plural(string entity) => entity == "company" ? "companies" : entity + "s";

    /// <summary>
    /// A schema TypedBitrix ships (<c>schema/crm.deal.json</c>), as embedded in this assembly; null when
    /// none is shipped under that name.
    /// </summary>
    public static JsonObject? ShippedSchema(string restEntity)
    {
        using var stream = typeof(CrmEntities).Assembly.GetManifestResourceStream("schema." + restEntity + ".json");
        return stream is null ? null : JsonNode.Parse(stream, documentOptions: new() { CommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true }) as JsonObject;
    }

    /// <summary>The typed fields of the entity in schema order (the generated record's properties).</summary>
    public static IReadOnlyList<(string Name, string Type)> TypedFields(string entity)
    {
        var schema = ShippedSchema("crm." + entity) ?? throw new InvalidOperationException($"no shipped schema for crm.{entity}");
        return [.. (schema["fields"] as JsonObject ?? []).Select(p => (p.Key, (string?)p.Value?["type"] ?? "string"))];
    }
}
