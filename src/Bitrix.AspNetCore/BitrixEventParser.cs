using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Primitives;

namespace Bitrix.AspNetCore;

/// <summary>Turns the portal's PHP-keyed form into a typed event.</summary>
internal static class BitrixEventParser
{
    private static readonly (string Prefix, BitrixCrmEntity Entity)[] CrmPrefixes =
    [
        ("ONCRMDYNAMICITEM", BitrixCrmEntity.SmartProcessItem),
        ("ONCRMDEAL", BitrixCrmEntity.Deal),
        ("ONCRMLEAD", BitrixCrmEntity.Lead),
        ("ONCRMCONTACT", BitrixCrmEntity.Contact),
        ("ONCRMCOMPANY", BitrixCrmEntity.Company),
    ];

    /// <summary>The event, or null when the form is not one (no event name, a CRM event without a numeric ID).</summary>
    public static BitrixEvent? Parse(Dictionary<string, StringValues> form)
    {
        if (Single(form, "event") is not { Length: > 0 } rawName || !rawName.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            return null;
        }

        var name = rawName.ToUpperInvariant();
        var handlerId = Long(Single(form, "event_handler_id"));
        var ts = Long(Single(form, "ts"));
        DateTimeOffset? timestamp = ts is { } seconds && seconds is > 0 and < 253402300800 ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
        var auth = new BitrixEventAuth
        {
            Domain = Single(form, "auth[domain]"),
            MemberId = Single(form, "auth[member_id]"),
            ClientEndpoint = Single(form, "auth[client_endpoint]"),
            ServerEndpoint = Single(form, "auth[server_endpoint]"),
            Scope = Single(form, "auth[scope]"),
            Status = Single(form, "auth[status]"),
            UserId = Long(Single(form, "auth[user_id]")),
            AccessToken = Single(form, "auth[access_token]"),
            RefreshToken = Single(form, "auth[refresh_token]"),
            ExpiresIn = Long(Single(form, "auth[expires_in]")),
        };
        var data = Data(form);
        foreach (var (prefix, entity) in CrmPrefixes)
        {
            if (!name.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            BitrixCrmAction? action = name[prefix.Length..] switch
            {
                "ADD" => BitrixCrmAction.Add,
                "UPDATE" => BitrixCrmAction.Update,
                "DELETE" => BitrixCrmAction.Delete,
                _ => null,
            };
            if (action is null)
            {
                break;
            }

            if (Long(Single(form, "data[FIELDS][ID]")) is not { } id)
            {
                return null;
            }

            var entityTypeId = entity == BitrixCrmEntity.SmartProcessItem ? Long(Single(form, "data[FIELDS][ENTITY_TYPE_ID]")) : (long)entity;
            if (entityTypeId is null)
            {
                return null;
            }

            return new BitrixCrmEvent(name, handlerId, timestamp, auth, data, entity, action.Value, id, entityTypeId);
        }

        return new BitrixEvent(name, handlerId, timestamp, auth, data);
    }

    private static string? Single(Dictionary<string, StringValues> form, string key)
        => form.TryGetValue(key, out var values) && values.Count >= 1 ? values[^1] : null;

    private static long? Long(string? text)
        => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary><c>data[A][B]=v</c> keys as nested objects; <c>data[A][]</c> appends to a list.</summary>
    private static JsonElement Data(Dictionary<string, StringValues> form)
    {
        var root = new JsonObject();
        foreach (var (key, values) in form)
        {
            if (!key.StartsWith("data[", StringComparison.Ordinal))
            {
                continue;
            }

            var path = Segments(key.AsSpan(4));
            if (path is null || path.Count == 0)
            {
                continue;
            }

            JsonNode node = root;
            for (var i = 0; i < path.Count; i++)
            {
                var last = i == path.Count - 1;
                var segment = path[i];
                if (node is JsonArray array)
                {
                    if (last)
                    {
                        foreach (var value in values)
                        {
                            array.Add(value);
                        }
                    }
                    else
                    {
                        var child = new JsonObject();
                        array.Add(child);
                        node = child;
                    }

                    continue;
                }

                var obj = (JsonObject)node;
                if (last)
                {
                    obj[segment] = segment.Length == 0 || values.Count > 1 ? new JsonArray([.. values.Select(v => (JsonNode?)v)]) : values[^1];
                    break;
                }

                var nextIsList = path[i + 1].Length == 0;
                if (obj[segment] is not JsonNode existing || (nextIsList ? existing is not JsonArray : existing is not JsonObject))
                {
                    existing = nextIsList ? new JsonArray() : new JsonObject();
                    obj[segment] = existing;
                }

                node = existing;
            }
        }

        return JsonSerializer.SerializeToElement(root, BitrixEventJsonContext.Default.JsonObject);
    }

    /// <summary><c>[A][B][]</c> → A, B, ""; null when the brackets do not pair.</summary>
    private static List<string>? Segments(ReadOnlySpan<char> rest)
    {
        var segments = new List<string>();
        while (rest.Length > 0)
        {
            if (rest[0] != '[')
            {
                return null;
            }

            var close = rest.IndexOf(']');
            if (close < 0)
            {
                return null;
            }

            segments.Add(rest[1..close].ToString());
            rest = rest[(close + 1)..];
        }

        return segments;
    }
}
