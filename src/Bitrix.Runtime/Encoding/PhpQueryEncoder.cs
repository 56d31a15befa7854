using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bitrix;

/// <summary>
/// Encodes parameters as a PHP query string, as PHP's <c>http_build_query</c> does: nested keys
/// <c>filter[%3EID]=5</c>, lists <c>select[0]=ID</c>, <c>true</c>/<c>false</c> as 1/0, RFC 1738
/// escaping (space as <c>+</c>). A query string has no null and drops empty lists and objects:
/// callers check <see cref="FitsQueryString"/> first and send anything else as a JSON body.
/// </summary>
internal static class PhpQueryEncoder
{
    public static string Encode(JsonObject? parameters)
    {
        if (parameters is null || parameters.Count == 0)
        {
            return string.Empty;
        }

        var builder = new StringBuilder();
        foreach (var (key, value) in parameters)
        {
            Append(builder, Escape(key), value);
        }

        return builder.ToString();
    }

    /// <summary>
    /// True when a query string carries <paramref name="parameters"/> with their meaning intact:
    /// no null anywhere (a query string has none) and no empty list or object below the top
    /// (<c>http_build_query</c> drops them, so <c>fields: {}</c> would vanish and
    /// <c>filter: {"@ID": []}</c> would match every row).
    /// </summary>
    public static bool FitsQueryString(JsonObject? parameters) => parameters is null || parameters.All(p => Fits(p.Value));

    /// <summary>
    /// True when <paramref name="parameters"/> may travel as a command of a batch the client packs
    /// itself: they fit a query string and hold no text the portal would take for a reference to
    /// another command's result (see <see cref="BatchReferences"/>). Anything else goes alone, as
    /// a JSON body, which the portal stores as given.
    /// </summary>
    public static bool SafeInPackedBatch(JsonObject? parameters) => FitsQueryString(parameters) && !BatchReferences.Contains(parameters);

    private static bool Fits(JsonNode? node) => node switch
    {
        null => false,
        JsonObject obj => obj.Count > 0 && obj.All(p => Fits(p.Value)),
        JsonArray list => list.Count > 0 && list.All(Fits),
        _ => true,
    };

    /// <summary>True when any value in the tree is JSON null (which a query string cannot carry).</summary>
    public static bool ContainsNull(JsonNode? node) => node switch
    {
        null => true,
        JsonObject obj => obj.Any(p => ContainsNull(p.Value)),
        JsonArray list => list.Any(ContainsNull),
        _ => false,
    };

    private static void Append(StringBuilder builder, string prefix, JsonNode? value)
    {
        switch (value)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    Append(builder, prefix + "%5B" + Escape(key) + "%5D", child);
                }

                break;
            case JsonArray list:
                for (var i = 0; i < list.Count; i++)
                {
                    Append(builder, prefix + "%5B" + i.ToString(CultureInfo.InvariantCulture) + "%5D", list[i]);
                }

                break;
            case JsonValue scalar:
                if (builder.Length > 0)
                {
                    builder.Append('&');
                }

                builder.Append(prefix).Append('=').Append(Escape(Scalar(scalar)));
                break;

            // http_build_query skips nulls; callers route such parameters to a JSON body instead.
        }
    }

    private static string Scalar(JsonValue value) => value.GetValueKind() switch
    {
        JsonValueKind.String => value.TryGetValue<string>(out var text) ? text : Unquote(value),
        JsonValueKind.True => "1",
        JsonValueKind.False => "0",
        _ => value.ToJsonString(),
    };

    /// <summary>
    /// A value whose JSON is a string but whose CLR type is not (DateTime, DateTimeOffset, Guid,
    /// char, ... in a hand-built <see cref="JsonObject"/>): its JSON text, unquoted.
    /// </summary>
    private static string Unquote(JsonValue value)
    {
        using var document = JsonDocument.Parse(value.ToJsonString());
        return document.RootElement.GetString() ?? string.Empty;
    }

    /// <summary>PHP's <c>urlencode</c>: alphanumerics and <c>-_.</c> stay, space is <c>+</c>, the rest is %XX of UTF-8.</summary>
    public static string Escape(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            {
                builder.Append(c);
            }
            else if (c == ' ')
            {
                builder.Append('+');
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }
}
