using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Bitrix.Emulator.Protocol;

/// <summary>
/// Turns query string and body into one parameter map: JSON, form-urlencoded and multipart
/// bodies, PHP-style keys, body keys overriding query keys, broken JSON read as no parameters.
/// </summary>
internal static class RequestDecoder
{
    public static async Task<JsonObject> DecodeAsync(EmulatorRequest request, CancellationToken cancellationToken)
    {
        var merged = PhpQueryParser.Parse(request.QueryString);
        var body = await DecodeBodyAsync(request, cancellationToken).ConfigureAwait(false);
        // Detach all at once: removing keys one by one from the front is quadratic in the key count.
        var pairs = body.ToList();
        body.Clear();
        foreach (var (key, value) in pairs)
        {
            merged[key] = value;
        }

        return merged;
    }

    private static async Task<JsonObject> DecodeBodyAsync(EmulatorRequest request, CancellationToken cancellationToken)
    {
        if (request.Body.Length == 0)
        {
            return [];
        }

        var contentType = request.ContentType ?? string.Empty;
        if (contentType.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return await DecodeMultipartAsync(request, contentType, cancellationToken).ConfigureAwait(false);
        }

        if (contentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            return PhpQueryParser.Parse(Encoding.UTF8.GetString(request.Body));
        }

        // JSON is the default, as on the portal (also for a missing or unknown content type).
        return DecodeJson(request.Body);
    }

    /// <summary>
    /// Broken JSON is read as no parameters (a server quirk); a list root gives positional keys
    /// 0..n-1; a repeated key keeps its first place and takes the last value, as json_decode does.
    /// </summary>
    public static JsonObject DecodeJson(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 512 });
            var node = ToNode(document.RootElement);
            switch (node)
            {
                case JsonObject obj:
                    return obj;
                case JsonArray list:
                    var positional = new JsonObject();
                    for (var i = 0; i < list.Count; i++)
                    {
                        var item = list[i];
                        list[i] = null;
                        positional[i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = item;
                    }

                    return positional;
                default:
                    return [];
            }
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static JsonNode? ToNode(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var obj = new JsonObject();
                foreach (var property in element.EnumerateObject())
                {
                    obj[property.Name] = ToNode(property.Value);
                }

                return obj;
            case JsonValueKind.Array:
                var list = new JsonArray();
                foreach (var item in element.EnumerateArray())
                {
                    list.Add(ToNode(item));
                }

                return list;
            case JsonValueKind.Null:
                return null;
            default:
                return JsonValue.Create(element.Clone());
        }
    }

    private static async Task<JsonObject> DecodeMultipartAsync(EmulatorRequest request, string contentType, CancellationToken cancellationToken)
    {
        var root = new PhpArray();
        try
        {
            var boundary = HeaderUtilities.RemoveQuotes(MediaTypeHeaderValue.Parse(contentType).Boundary).Value;
            if (string.IsNullOrEmpty(boundary))
            {
                return [];
            }

            var reader = new MultipartReader(boundary, new MemoryStream(request.Body));
            while (await reader.ReadNextSectionAsync(cancellationToken).ConfigureAwait(false) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
                {
                    continue;
                }

                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value;
                if (string.IsNullOrEmpty(name))
                {
                    continue;
                }

                using var text = new StreamReader(section.Body, Encoding.UTF8);
                var value = await text.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
                if (disposition.IsFileDisposition())
                {
                    // Files are kept as their name: the emulator stores no content.
                    value = HeaderUtilities.RemoveQuotes(disposition.FileName).Value ?? string.Empty;
                }

                PhpQueryParser.Add(root, name, value);
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or FormatException or ArgumentException)
        {
            // A malformed multipart body reads as whatever parsed before the damage.
        }

        return root.ToJsonObject();
    }
}
