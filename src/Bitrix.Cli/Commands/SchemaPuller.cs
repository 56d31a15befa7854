using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bitrix.Export;

namespace Bitrix.Cli.Commands;

/// <summary>A pulled schema: the REST entity, the file's text and a line saying what it holds.</summary>
internal sealed record PulledSchema(string Entity, string Json, string Summary);

/// <summary>
/// Builds a <c>&lt;entity&gt;.bitrix.json</c> from a live portal: the shipped schema's settings (name,
/// path, methods, C# type overrides) with the portal's own <c>*.fields</c> answer as the catalog. For CRM
/// entities, user fields whose catalog entry lacks enumeration items or labels are completed from
/// <c>crm.&lt;entity&gt;.userfield.list</c>, so every <c>UF_CRM_*</c> field becomes a typed property with
/// its constants after the next build.
/// </summary>
internal static class SchemaPuller
{
    private static readonly string[] CrmWithUserFields = ["crm.deal", "crm.lead", "crm.contact", "crm.company"];

    private static readonly string[] StandardMethods = ["list", "get", "add", "update", "delete", "fields"];

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task<PulledSchema> PullAsync(BitrixClient client, string requested, string language, CancellationToken cancellationToken)
    {
        var entity = Normalize(requested);
        var shipped = CrmEntities.ShippedSchema(entity);
        if (shipped?["parameters"] is JsonArray { Count: > 0 })
        {
            throw new CliException($"{entity}: its catalog depends on parameters ({string.Join(", ", shipped["parameters"]!.AsArray().Select(p => (string?)p?["name"]))}) that schema pull does not take; write its schema by hand from {entity}.fields");
        }

        var fieldsMethod = FieldsMethod(shipped) ?? entity + ".fields";
        JsonElement answer;
        try
        {
            answer = await client.CallAsync(fieldsMethod, new JsonObject(), cancellationToken).ConfigureAwait(false);
        }
        catch (BitrixException e) when (e.ErrorCode.Equals(BitrixErrorCodes.MethodNotFound, StringComparison.OrdinalIgnoreCase))
        {
            throw new CliException($"unknown entity '{requested}': the portal has no method {fieldsMethod}", e);
        }

        var fields = JsonNode.Parse(answer.GetRawText()) as JsonObject
            ?? throw new CliException($"{fieldsMethod} did not answer with a field catalog");
        var catalog = fields["fields"] as JsonObject ?? fields;
        if (CrmWithUserFields.Contains(entity))
        {
            await CompleteUserFieldsAsync(client, entity, catalog, language, cancellationToken).ConfigureAwait(false);
        }

        var document = Document(entity, shipped, fields, catalog, fieldsMethod);
        return new PulledSchema(entity, document.ToJsonString(Indented) + "\n", Summary(catalog));
    }

    /// <summary><c>deal</c> = <c>crm.deal</c>; REST names are lower case.</summary>
    private static string Normalize(string requested)
    {
        var entity = requested.Trim().ToLowerInvariant();
        if (entity.Length == 0 || !entity.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_'))
        {
            throw new CliException($"'{requested}' is not an entity name: expected crm.deal, crm.contact, tasks.task, ...");
        }

        return CrmEntities.Names.Contains(entity) ? "crm." + entity : entity;
    }

    private static string? FieldsMethod(JsonObject? shipped) => shipped?["methods"]?["fields"] switch
    {
        JsonValue name => (string?)name,
        JsonObject definition => (string?)definition["method"],
        _ => null,
    };

    /// <summary>Fills in enumeration items and labels that the catalog lacks, from the user field list.</summary>
    private static async Task CompleteUserFieldsAsync(BitrixClient client, string entity, JsonObject catalog, string language, CancellationToken cancellationToken)
    {
        var incomplete = catalog
            .Where(p => p.Key.StartsWith("UF_", StringComparison.OrdinalIgnoreCase) && p.Value is JsonObject)
            .Select(p => (Name: p.Key, Definition: (JsonObject)p.Value!))
            .Where(f => (IsEnumeration(f.Definition) && f.Definition["items"] is not JsonArray { Count: > 0 }) || f.Definition["listLabel"] is null)
            .ToList();
        if (incomplete.Count == 0)
        {
            return;
        }

        var list = await client.CallAsync(entity + ".userfield.list", new JsonObject { ["filter"] = new JsonObject { ["LANG"] = language } }, cancellationToken).ConfigureAwait(false);
        if (list.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        var entries = list.EnumerateArray()
            .Where(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("FIELD_NAME", out _))
            .GroupBy(e => e.GetProperty("FIELD_NAME").GetString() ?? "", StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
        foreach (var (name, definition) in incomplete)
        {
            if (!entries.TryGetValue(name, out var entry))
            {
                continue;
            }

            if (IsEnumeration(definition) && definition["items"] is not JsonArray { Count: > 0 })
            {
                var items = entry.TryGetProperty("LIST", out var listed) && listed.ValueKind == JsonValueKind.Array
                    ? listed
                    : await ListOfAsync(client, entity, entry, cancellationToken).ConfigureAwait(false);
                if (items.ValueKind == JsonValueKind.Array)
                {
                    definition["items"] = new JsonArray([.. items.EnumerateArray().Select(i => (JsonNode)new JsonObject { ["ID"] = Text(i, "ID"), ["VALUE"] = Text(i, "VALUE") })]);
                }
            }

            if (definition["listLabel"] is null && (Label(entry, "LIST_COLUMN_LABEL", language) ?? Label(entry, "EDIT_FORM_LABEL", language)) is { } label)
            {
                definition["listLabel"] = label;
                definition["formLabel"] ??= Label(entry, "EDIT_FORM_LABEL", language) ?? label;
            }
        }
    }

    /// <summary>A portal whose list omits an enumeration's items gives them in <c>userfield.get</c>.</summary>
    private static async Task<JsonElement> ListOfAsync(BitrixClient client, string entity, JsonElement entry, CancellationToken cancellationToken)
    {
        if (Text(entry, "ID") is not { } id)
        {
            return default;
        }

        try
        {
            var field = await client.CallAsync(entity + ".userfield.get", new JsonObject { ["id"] = id }, cancellationToken).ConfigureAwait(false);
            return field.ValueKind == JsonValueKind.Object && field.TryGetProperty("LIST", out var items) ? items : default;
        }
        catch (BitrixException e) when (e.ErrorCode.Equals(BitrixErrorCodes.MethodNotFound, StringComparison.OrdinalIgnoreCase))
        {
            return default;
        }
    }

    private static JsonObject Document(string entity, JsonObject? shipped, JsonObject fields, JsonObject catalog, string fieldsMethod)
    {
        var document = new JsonObject();
        if (shipped is not null)
        {
            foreach (var (key, value) in shipped)
            {
                switch (key)
                {
                    case "$schema" or "fields":
                        break;
                    case "title":
                        document[key] = $"{(string?)value} Pulled from the portal's {fieldsMethod} on {DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.";
                        break;
                    case "fieldTypes" when value is JsonObject types:
                        var kept = new JsonObject([.. types.Where(t => catalog.ContainsKey(t.Key)).Select(t => KeyValuePair.Create(t.Key, t.Value?.DeepClone()))]);
                        if (kept.Count > 0)
                        {
                            document[key] = kept;
                        }

                        break;
                    case "readOnlyFields" when value is JsonArray names:
                        document[key] = new JsonArray([.. names.Where(n => n is not null && catalog.ContainsKey((string)n!)).Select(n => n!.DeepClone())]);
                        break;
                    default:
                        document[key] = value?.DeepClone();
                        break;
                }
            }
        }
        else
        {
            var segments = entity.Split('.');
            document["entity"] = Pascal(segments[^1]);
            document["path"] = string.Join('.', segments.Select(Pascal));
            document["title"] = $"{entity}, pulled from the portal's {fieldsMethod} on {DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.";
            document["methods"] = new JsonObject([.. StandardMethods.Select(m => KeyValuePair.Create(m, (JsonNode?)new JsonObject { ["method"] = $"{entity}.{m}" }))]);
        }

        document["fields"] = fields.DeepClone();
        return document;
    }

    private static string Summary(JsonObject catalog)
    {
        var user = catalog.Where(p => p.Key.StartsWith("UF_", StringComparison.OrdinalIgnoreCase)).ToList();
        var enumerations = user
            .Where(p => p.Value is JsonObject d && IsEnumeration(d))
            .Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key}: {(p.Value!["items"] as JsonArray)?.Count ?? 0} items"))
            .ToList();
        var line = string.Create(CultureInfo.InvariantCulture, $"{catalog.Count} fields, {user.Count} user fields");
        return enumerations.Count == 0 ? line : $"{line} (enumerations {string.Join(", ", enumerations)})";
    }

    private static bool IsEnumeration(JsonObject definition) => (string?)definition["type"] == "enumeration";

    private static string? Text(JsonElement element, string key)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(key, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;

    /// <summary>A label is text in the requested language, or an object of languages.</summary>
    private static string? Label(JsonElement entry, string key, string language)
    {
        if (!entry.TryGetProperty(key, out var label))
        {
            return null;
        }

        return label.ValueKind switch
        {
            JsonValueKind.String when label.GetString() is { Length: > 0 } text => text,
            JsonValueKind.Object when label.TryGetProperty(language, out var localized) && localized.ValueKind == JsonValueKind.String => localized.GetString(),
            JsonValueKind.Object => label.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String).Select(p => p.Value.GetString()).FirstOrDefault(),
            _ => null,
        };
    }

    private static string Pascal(string segment)
        => string.Concat(segment.Split('_', StringSplitOptions.RemoveEmptyEntries).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
}
