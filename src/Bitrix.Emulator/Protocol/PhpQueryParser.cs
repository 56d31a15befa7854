using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace Bitrix.Emulator.Protocol;

/// <summary>
/// Parses PHP-style query strings (<c>filter[&gt;ID]=5&amp;select[]=ID</c>) the way PHP's
/// <c>parse_str</c> does, then shapes the result the way <c>json_encode</c> would:
/// arrays whose keys are exactly 0..n-1 become JSON lists, everything else JSON objects.
/// </summary>
internal static class PhpQueryParser
{
    /// <summary>PHP's default <c>max_input_nesting_level</c>: deeper keys are dropped.</summary>
    private const int MaxNesting = 64;

    public static JsonObject Parse(string? query)
    {
        var root = new PhpArray();
        if (!string.IsNullOrEmpty(query))
        {
            foreach (var pair in query.Split('&'))
            {
                if (pair.Length == 0)
                {
                    continue;
                }

                var eq = pair.IndexOf('=');
                var rawKey = eq < 0 ? pair : pair[..eq];
                var rawValue = eq < 0 ? string.Empty : pair[(eq + 1)..];
                Add(root, UrlDecode(rawKey), UrlDecode(rawValue));
            }
        }

        return root.ToJsonObject();
    }

    /// <summary>Adds one decoded key/value pair (also used for multipart form fields).</summary>
    public static void Add(PhpArray root, string key, string value)
    {
        var path = SplitKey(key);
        if (path is null)
        {
            return;
        }

        if (path.Count - 1 > MaxNesting)
        {
            // PHP drops the whole variable, including what earlier pairs put into it.
            root.Remove(path[0]);
            return;
        }

        var current = root;
        for (var i = 0; i < path.Count - 1; i++)
        {
            var segment = path[i];
            if (segment.Length == 0)
            {
                var child = new PhpArray();
                current.Append(child);
                current = child;
                continue;
            }

            if (current.TryGet(segment, out var existing) && existing is PhpArray nested)
            {
                current = nested;
            }
            else
            {
                var child = new PhpArray();
                current.Set(segment, child);
                current = child;
            }
        }

        var last = path[^1];
        if (last.Length == 0)
        {
            current.Append(value);
        }
        else
        {
            current.Set(last, value);
        }
    }

    /// <summary>
    /// Splits <c>a[b][]</c> into <c>a</c>, <c>b</c>, <c>""</c>. Mirrors PHP: leading spaces of
    /// the name are dropped, in the base name spaces and dots become underscores, an unmatched
    /// <c>[</c> turns the whole key into a plain name (spaces, dots and brackets as underscores),
    /// and <c>[ ]</c> appends like <c>[]</c>.
    /// </summary>
    private static List<string>? SplitKey(string key)
    {
        key = key.TrimStart(' ');
        var open = key.IndexOf('[', StringComparison.Ordinal);
        var baseName = open < 0 ? key : key[..open];
        if (baseName.Length == 0)
        {
            return null;
        }

        var result = new List<string>();
        if (open < 0 || key.IndexOf(']', open) < 0)
        {
            result.Add(NormalizeBase(key, replaceBracket: true));
            return result;
        }

        result.Add(NormalizeBase(baseName, replaceBracket: false));
        var pos = open;
        while (pos < key.Length && key[pos] == '[')
        {
            var close = key.IndexOf(']', pos + 1);
            if (close < 0)
            {
                break;
            }

            var segment = key.Substring(pos + 1, close - pos - 1);
            result.Add(segment is " " or "\t" or "\n" or "\v" or "\f" or "\r" ? string.Empty : segment);
            pos = close + 1;
        }

        return result;
    }

    private static string NormalizeBase(string name, bool replaceBracket)
    {
        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (chars[i] is ' ' or '.' || (replaceBracket && chars[i] == '['))
            {
                chars[i] = '_';
            }
        }

        return new string(chars);
    }

    private static string UrlDecode(string s)
    {
        if (s.IndexOfAny(['%', '+']) < 0)
        {
            return s;
        }

        try
        {
            return WebUtility.UrlDecode(s);
        }
        catch (ArgumentException)
        {
            return s;
        }
    }
}

/// <summary>An ordered PHP array: string keys (integer-like keys normalised), values are strings or arrays.</summary>
internal sealed class PhpArray
{
    private readonly List<string> _order = [];
    private readonly Dictionary<string, object> _items = new(StringComparer.Ordinal);
    private long _nextIndex;

    public bool TryGet(string key, out object? value)
    {
        var found = _items.TryGetValue(NormalizeKey(key), out var v);
        value = v;
        return found;
    }

    public void Set(string key, object value)
    {
        key = NormalizeKey(key);
        if (!_items.ContainsKey(key))
        {
            _order.Add(key);
        }

        _items[key] = value;
        if (long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= _nextIndex)
        {
            _nextIndex = n + 1;
        }
    }

    public void Remove(string key)
    {
        key = NormalizeKey(key);
        if (_items.Remove(key))
        {
            _order.Remove(key);
        }
    }

    public void Append(object value) => Set(_nextIndex.ToString(CultureInfo.InvariantCulture), value);

    /// <summary>PHP turns decimal integer strings without leading zeros into integer keys.</summary>
    private static string NormalizeKey(string key)
    {
        if (key.Length > 0 && key.Length < 19 && (key == "0" || key[0] is >= '1' and <= '9' || (key[0] == '-' && key.Length > 1 && key[1] is >= '1' and <= '9')))
        {
            if (long.TryParse(key, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
            {
                return n.ToString(CultureInfo.InvariantCulture);
            }
        }

        return key;
    }

    public JsonObject ToJsonObject()
    {
        var obj = new JsonObject();
        foreach (var key in _order)
        {
            obj[key] = Convert(_items[key]);
        }

        return obj;
    }

    public JsonNode ToJsonNode()
    {
        for (var i = 0; i < _order.Count; i++)
        {
            if (_order[i] != i.ToString(CultureInfo.InvariantCulture))
            {
                return ToJsonObject();
            }
        }

        var list = new JsonArray();
        foreach (var key in _order)
        {
            list.Add(Convert(_items[key]));
        }

        return list;
    }

    private static JsonNode Convert(object value) => value switch
    {
        PhpArray nested => nested.ToJsonNode(),
        string s => JsonValue.Create(s),
        _ => throw new InvalidOperationException("unexpected PHP value"),
    };
}
