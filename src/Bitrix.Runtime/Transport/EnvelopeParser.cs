using System.Net;
using System.Text;
using System.Text.Json;

namespace Bitrix.Transport;

/// <summary>Reads the portal's envelope, coping with every shape seen on live portals.</summary>
internal static class EnvelopeParser
{
    /// <summary>The deepest nesting read (the parser's default); portals' answers stay far below it.</summary>
    public const int MaxDepth = 64;

    public static BitrixResponse Parse(byte[] body, HttpStatusCode status, string? mediaType, string method, PortalEndpoint endpoint)
    {
        // JSON text is UTF-8; the reader checks only its structure, and a bad sequence inside a
        // string would throw later, from whoever reads the value. It is refused here instead.
        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            throw InvalidUtf8(body, status, method);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException) when (NestedDeeperThan(body, MaxDepth))
        {
            var message = $"The answer is nested deeper than {MaxDepth} levels; whether the call ran is unknown.";
            throw new BitrixException(BitrixErrorCodes.InvalidResponse, message, status, method, innerException: new AnswerOverLimitException(message));
        }
        catch (JsonException)
        {
            throw NotAnEnvelope(body, status, mediaType, method, endpoint);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw NotAnEnvelope(body, status, mediaType, method, endpoint);
            }

            if (root.TryGetProperty("error", out var error) && error.ValueKind is JsonValueKind.String or JsonValueKind.Number)
            {
                var code = error.ValueKind == JsonValueKind.String ? error.GetString() ?? string.Empty : error.GetRawText();
                var description = Json.String(root, "error_description") ?? string.Empty;
                throw new BitrixException(code, endpoint.Scrub(description), status, method);
            }

            if ((int)status is < 200 or > 299 || !root.TryGetProperty("result", out var result))
            {
                throw NotAnEnvelope(body, status, mediaType, method, endpoint);
            }

            return new BitrixResponse(
                result.Clone(),
                Json.Long(root, "total"),
                Json.Long(root, "next"),
                root.TryGetProperty("time", out var time) ? BitrixTime.Parse(time) : null);
        }
    }

    private static BitrixException InvalidUtf8(byte[] body, HttpStatusCode status, string method)
    {
        return new BitrixException(BitrixErrorCodes.InvalidResponse, $"The answer is not valid UTF-8 ({body.Length} bytes; the first bad byte at offset {FirstInvalid(body)}).", status, method);
    }

    private static int FirstInvalid(byte[] body)
    {
        var status = System.Text.Unicode.Utf8.ToUtf16(body, new char[body.Length], out var read, out _, replaceInvalidSequences: false);
        return status == System.Buffers.OperationStatus.InvalidData ? read : body.Length;
    }

    /// <summary>True when brackets outside strings open more than <paramref name="depth"/> levels.</summary>
    private static bool NestedDeeperThan(byte[] body, int depth)
    {
        var level = 0;
        var inString = false;
        for (var i = 0; i < body.Length; i++)
        {
            var b = body[i];
            if (inString)
            {
                if (b == (byte)'\\')
                {
                    i++;
                }
                else if (b == (byte)'"')
                {
                    inString = false;
                }
            }
            else if (b == (byte)'"')
            {
                inString = true;
            }
            else if (b is (byte)'{' or (byte)'[' && ++level > depth)
            {
                return true;
            }
            else if (b is (byte)'}' or (byte)']')
            {
                level--;
            }
        }

        return false;
    }

    private static BitrixException NotAnEnvelope(byte[] body, HttpStatusCode status, string? mediaType, string method, PortalEndpoint endpoint)
    {
        var snippet = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 300));
        snippet = endpoint.Scrub(string.Join(' ', snippet.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)));
        if (snippet.Length > 160)
        {
            snippet = snippet[..160] + "...";
        }

        var what = body.Length == 0 ? "an empty body" : $"{mediaType ?? "no content type"} ({body.Length} bytes): {snippet}";
        return new BitrixException(BitrixErrorCodes.InvalidResponse, $"Expected the JSON envelope, got {what}", status, method);
    }
}
