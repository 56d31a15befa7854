using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bitrix.Export;

namespace Bitrix.Cli.Commands;

/// <summary>
/// Builds a schema for a smart process from a live portal: <c>crm.type.list</c> names the types,
/// <c>crm.item.fields</c> with the type's entityTypeId gives its catalog (camelCase, its <c>ufCrm…</c>
/// fields), and the stages of every funnel (<c>crm.category.list</c>, then <c>crm.status.list</c> for
/// <c>DYNAMIC_{entityTypeId}_STAGE_{categoryId}</c>) become the items of <c>stageId</c>. The schema
/// fixes <c>entityTypeId</c>, so the generated <c>bx.Crm.SmartProcesses.{Name}</c> takes no type argument.
/// </summary>
internal static class SmartProcessPuller
{
    private static readonly string[] StandardMethods = ["list", "get", "add", "update", "delete", "fields"];

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Every smart process of the portal, by <c>crm.type.list</c> pages.</summary>
    public static async Task<IReadOnlyList<JsonObject>> TypesAsync(BitrixClient client, CancellationToken cancellationToken)
    {
        var types = new List<JsonObject>();
        long? start = 0;
        while (start is { } offset)
        {
            var page = await client.CallRawAsync("crm.type.list", new JsonObject { ["order"] = new JsonObject { ["id"] = "ASC" }, ["start"] = offset }, cancellationToken).ConfigureAwait(false);
            if (!page.Result.TryGetProperty("types", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                throw new CliException("crm.type.list did not answer with result.types");
            }

            types.AddRange(list.EnumerateArray().Select(t => JsonNode.Parse(t.GetRawText())).OfType<JsonObject>());
            start = page.Next > offset ? page.Next : null;
        }

        return types;
    }

    /// <summary>The type with this entityTypeId, or a clear error naming the ones that exist.</summary>
    public static async Task<JsonObject> TypeAsync(BitrixClient client, long entityTypeId, CancellationToken cancellationToken)
    {
        var types = await TypesAsync(client, cancellationToken).ConfigureAwait(false);
        return types.FirstOrDefault(t => (long?)t["entityTypeId"] == entityTypeId)
            ?? throw new CliException(string.Create(CultureInfo.InvariantCulture, $"the portal has no smart process with entityTypeId {entityTypeId}") + (types.Count == 0
                ? " (crm.type.list is empty)"
                : " (it has " + string.Join(", ", types.Select(t => $"{(long?)t["entityTypeId"]} {(string?)t["title"]}")) + ")"));
    }

    public static async Task<PulledSchema> PullAsync(BitrixClient client, JsonObject type, CancellationToken cancellationToken)
    {
        var entityTypeId = (long?)type["entityTypeId"] ?? throw new CliException("crm.type.list answered a type without entityTypeId");
        var title = (string?)type["title"] ?? string.Empty;
        var answer = await client.CallAsync("crm.item.fields", new JsonObject { ["entityTypeId"] = entityTypeId }, cancellationToken).ConfigureAwait(false);
        var fields = JsonNode.Parse(answer.GetRawText()) as JsonObject ?? throw new CliException("crm.item.fields did not answer with a field catalog");
        var catalog = fields["fields"] as JsonObject ?? fields;
        var stages = await StagesAsync(client, entityTypeId, cancellationToken).ConfigureAwait(false);
        if (catalog["stageId"] is JsonObject stage && stages.Count > 0)
        {
            stage["items"] = new JsonArray([.. stages.Select(s => (JsonNode)new JsonObject { ["ID"] = s.Id, ["VALUE"] = s.Name })]);
        }

        var name = EntityName(type, entityTypeId);
        var document = new JsonObject
        {
            ["entity"] = name,
            ["path"] = "Crm.SmartProcesses." + name,
            ["title"] = string.Create(CultureInfo.InvariantCulture, $"An item of the smart process \"{title}\" (entityTypeId {entityTypeId}), pulled from the portal's crm.item.fields on {DateTime.UtcNow:yyyy-MM-dd}."),
            ["idKey"] = "id",
            ["wrapperKey"] = "items",
            ["itemKey"] = "item",
            ["parameters"] = new JsonArray(new JsonObject
            {
                ["name"] = "entityTypeId",
                ["type"] = "integer",
                ["value"] = entityTypeId,
                ["description"] = "The smart process's entityTypeId.",
            }),
            ["methods"] = new JsonObject([.. StandardMethods.Select(m => KeyValuePair.Create(m, (JsonNode?)new JsonObject { ["method"] = "crm.item." + m }))]),
        };
        var types = new JsonObject([.. new[] { "opportunity", "taxValue" }.Where(catalog.ContainsKey).Select(f => KeyValuePair.Create(f, (JsonNode?)"decimal"))]);
        if (types.Count > 0)
        {
            document["fieldTypes"] = types;
        }

        document["fields"] = fields.DeepClone();
        var userFields = catalog.Count(p => p.Key.StartsWith("ufCrm", StringComparison.Ordinal));
        var summary = string.Create(CultureInfo.InvariantCulture, $"{name} (entityTypeId {entityTypeId}): {catalog.Count} fields, {userFields} user fields, {stages.Count} stages");
        return new PulledSchema(string.Create(CultureInfo.InvariantCulture, $"crm.item.{entityTypeId}"), document.ToJsonString(Indented) + "\n", summary);
    }

    /// <summary>The stages of every funnel, in funnel order then stage order.</summary>
    private static async Task<List<(string Id, string Name)>> StagesAsync(BitrixClient client, long entityTypeId, CancellationToken cancellationToken)
    {
        var stages = new List<(string, string)>();
        var categories = await client.CallAsync("crm.category.list", new JsonObject { ["entityTypeId"] = entityTypeId }, cancellationToken).ConfigureAwait(false);
        if (!categories.TryGetProperty("categories", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            return stages;
        }

        foreach (var category in list.EnumerateArray())
        {
            if (!category.TryGetProperty("id", out var id))
            {
                continue;
            }

            var entityId = string.Create(CultureInfo.InvariantCulture, $"DYNAMIC_{entityTypeId}_STAGE_{id.GetRawText().Trim('"')}");
            var statuses = await client.CallAsync(
                "crm.status.list",
                new JsonObject { ["filter"] = new JsonObject { ["ENTITY_ID"] = entityId }, ["order"] = new JsonObject { ["SORT"] = "ASC" } },
                cancellationToken).ConfigureAwait(false);
            if (statuses.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var status in statuses.EnumerateArray())
            {
                if (status.TryGetProperty("STATUS_ID", out var statusId) && statusId.GetString() is { Length: > 0 } code)
                {
                    stages.Add((code, status.TryGetProperty("NAME", out var n) ? n.GetString() ?? code : code));
                }
            }
        }

        return stages;
    }

    /// <summary>The C# name: the type's code, else its title, in PascalCase; <c>SmartProcess{entityTypeId}</c> when neither gives an identifier.</summary>
    private static string EntityName(JsonObject type, long entityTypeId)
    {
        foreach (var candidate in new[] { (string?)type["code"], (string?)type["title"] })
        {
            if (string.IsNullOrWhiteSpace(candidate))
            {
                continue;
            }

            var builder = new StringBuilder();
            foreach (var word in candidate.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).SelectMany(w => w.Split(['_', '-', '.', ',', ':', '/', '#', '(', ')'], StringSplitOptions.RemoveEmptyEntries)))
            {
                var letters = new string([.. word.Where(char.IsAsciiLetterOrDigit)]);
                if (letters.Length > 0)
                {
                    builder.Append(char.ToUpperInvariant(letters[0])).Append(letters[1..]);
                }
            }

            if (builder.Length > 0 && char.IsAsciiLetter(builder[0]))
            {
                return builder.ToString();
            }
        }

        return string.Create(CultureInfo.InvariantCulture, $"SmartProcess{entityTypeId}");
    }
}
