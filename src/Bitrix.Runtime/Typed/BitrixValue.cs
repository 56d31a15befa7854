using System.ComponentModel;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace Bitrix;

/// <summary>
/// Reads values as portals really send them (<c>"37"</c>, <c>"19999.99"</c>, <c>"Y"</c>, <c>""</c> for none, ISO dates
/// with offsets) and writes them as the REST API takes them. Readers return false when a value is present but is
/// not of the type; the generated readers then keep it, untouched, in <c>AdditionalData</c>.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class BitrixValue
{
    private static readonly string[] DateFormats = ["yyyy-MM-dd", "dd.MM.yyyy", "yyyy-MM-dd HH:mm:ss", "dd.MM.yyyy HH:mm:ss"];

    /// <summary>The options of the generated records' JsonTypeInfo: no reflection, nothing resolved but the records' own converters.</summary>
    public static readonly JsonSerializerOptions MetadataOptions = new() { TypeInfoResolver = JsonTypeInfoResolver.Combine() };

    /// <summary>JSON output for people: <c>&gt;=OPPORTUNITY</c>, not <c>\u003E=OPPORTUNITY</c>.</summary>
    public static readonly JsonSerializerOptions ReadableJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>null, <c>""</c> and <c>false</c> (an empty user field) mean "no value".</summary>
    public static bool IsEmpty(JsonElement e)
        => e.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined or JsonValueKind.False
            || (e.ValueKind == JsonValueKind.String && e.ValueEquals(ReadOnlySpan<byte>.Empty))
            || (e.ValueKind == JsonValueKind.Array && e.GetArrayLength() == 0);

    /// <summary>Property names up to this many UTF-16 characters are matched without allocating a string.</summary>
    public const int NameBufferLength = 64;

    /// <summary>
    /// A property's name for a <c>switch</c>, decoded into <paramref name="buffer"/> from the document's own
    /// UTF-8 bytes (no string per property); an escaped or very long name is read as a string.
    /// </summary>
    public static ReadOnlySpan<char> Name(JsonProperty p, Span<char> buffer)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(p);
        if (raw.Length <= buffer.Length)
        {
            // Field names are ASCII: widen byte by byte; anything else (escapes, UTF-8) is decoded as a string.
            for (var i = 0; i < raw.Length; i++)
            {
                var b = raw[i];
                if (b >= 0x80 || b == (byte)'\\')
                {
                    return MemoryExtensions.AsSpan(p.Name);
                }

                buffer[i] = (char)b;
            }

            return buffer.Slice(0, raw.Length);
        }

        return MemoryExtensions.AsSpan(p.Name);
    }

    /// <summary>The UTF-8 text of a string value without its quotes, when it has no escapes (most portal values).</summary>
    private static bool TryRawString(JsonElement e, out ReadOnlySpan<byte> text)
    {
        var raw = JsonMarshal.GetRawUtf8Value(e);
        if (raw.Length >= 2 && raw[0] == (byte)'"' && MemoryExtensions.IndexOf(raw, (byte)'\\') < 0)
        {
            text = raw.Slice(1, raw.Length - 2);
            return true;
        }

        text = default;
        return false;
    }

    /// <summary>
    /// The portal's own date-time shape, <c>2024-09-02T10:15:00+03:00</c> (or with <c>Z</c>), read straight from
    /// UTF-8 digits; any other text (fractions, no offset, other formats) is left to the general parser.
    /// </summary>
    private static bool TryIsoOffset(ReadOnlySpan<byte> t, out DateTimeOffset value)
    {
        value = default;
        if (!((t.Length == 25 && (t[19] == (byte)'+' || t[19] == (byte)'-') && t[22] == (byte)':') || (t.Length == 20 && t[19] == (byte)'Z'))
            || t[4] != (byte)'-' || t[7] != (byte)'-' || t[10] != (byte)'T' || t[13] != (byte)':' || t[16] != (byte)':'
            || !TryDigits(t.Slice(0, 4), out var year) || !TryDigits(t.Slice(5, 2), out var month) || !TryDigits(t.Slice(8, 2), out var day)
            || !TryDigits(t.Slice(11, 2), out var hour) || !TryDigits(t.Slice(14, 2), out var minute) || !TryDigits(t.Slice(17, 2), out var second))
        {
            return false;
        }

        var offsetMinutes = 0;
        if (t.Length == 25)
        {
            if (!TryDigits(t.Slice(20, 2), out var offsetHours) || !TryDigits(t.Slice(23, 2), out var offsetMinute) || offsetMinute > 59)
            {
                return false;
            }

            offsetMinutes = ((offsetHours * 60) + offsetMinute) * (t[19] == (byte)'-' ? -1 : 1);
        }

        if (year < 2 || year > 9998 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59 || offsetMinutes is < -840 or > 840)
        {
            return false;
        }

        value = new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.FromMinutes(offsetMinutes));
        return true;
    }

    /// <summary>
    /// The value's raw UTF-8 bytes (one look-up in the document): <c>"</c> starts a string, <c>n</c> null,
    /// <c>t</c>/<c>f</c> a boolean; anything else (numbers, arrays, objects) is read through the element.
    /// </summary>
    private static ReadOnlySpan<byte> Raw(JsonElement e)
        => JsonMarshal.GetRawUtf8Value(e);

    /// <summary>The text of a raw string token without its quotes, when it has no escapes.</summary>
    private static bool TryUnquoted(ReadOnlySpan<byte> raw, out ReadOnlySpan<byte> text)
    {
        text = raw.Slice(1, raw.Length - 2);
        return MemoryExtensions.IndexOf(text, (byte)'\\') < 0;
    }

    /// <summary>
    /// Unescapes a short string token's text into <paramref name="buffer"/> when every escape stands for an ASCII
    /// character (<c>\u002B</c>, <c>\/</c>, ...); anything else (non-ASCII, too long) is left to the document.
    /// </summary>
    private static bool TryUnescapeAscii(ReadOnlySpan<byte> text, Span<byte> buffer, out ReadOnlySpan<byte> unescaped)
    {
        unescaped = default;
        var length = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (length == buffer.Length)
            {
                return false;
            }

            var b = text[i];
            if (b == (byte)'\\')
            {
                if (++i == text.Length)
                {
                    return false;
                }

                switch (text[i])
                {
                    case (byte)'"':
                    case (byte)'\\':
                    case (byte)'/':
                        b = text[i];
                        break;
                    case (byte)'u':
                        if (i + 4 >= text.Length)
                        {
                            return false;
                        }

                        var code = 0;
                        for (var k = 1; k <= 4; k++)
                        {
                            var h = text[i + k];
                            var digit = h >= (byte)'0' && h <= (byte)'9' ? h - (byte)'0'
                                : h >= (byte)'a' && h <= (byte)'f' ? h - (byte)'a' + 10
                                : h >= (byte)'A' && h <= (byte)'F' ? h - (byte)'A' + 10
                                : -1;
                            if (digit < 0)
                            {
                                return false;
                            }

                            code = (code * 16) + digit;
                        }

                        if (code is < 0x20 or >= 0x80)
                        {
                            return false;
                        }

                        b = (byte)code;
                        i += 4;
                        break;
                    default:
                        return false;
                }
            }
            else if (b >= 0x80)
            {
                return false;
            }

            buffer[length++] = b;
        }

        unescaped = buffer.Slice(0, length);
        return true;
    }

    /// <summary>Reads an integer from a number or a numeric string.</summary>
    public static bool ReadInt64(JsonElement e, out long? value)
    {
        var raw = Raw(e);
        switch (raw[0])
        {
            case (byte)'"':
                if (TryUnquoted(raw, out var text))
                {
                    value = null;
                    if (text.Length == 0)
                    {
                        return true;
                    }

                    if (long.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out var n))
                    {
                        value = n;
                        return true;
                    }

                    return false;
                }

                break;
            case (byte)'n':
            case (byte)'f':
                value = null;
                return true;
            case (byte)'t':
                value = 1;
                return true;
        }

        return ReadInt64Element(e, out value);
    }

    /// <summary>
    /// The portal's money shape, <c>25365.47</c> (digits, at most one point with digits after it, up to 18 digits, no
    /// sign), as a decimal with the same scale the general parser gives; any other text is left to it.
    /// </summary>
    private static bool TryPlainDecimal(ReadOnlySpan<byte> text, out decimal value)
    {
        value = 0;
        if (text.Length == 0 || text.Length > 19)
        {
            return false;
        }

        long mantissa = 0;
        var point = -1;
        for (var i = 0; i < text.Length; i++)
        {
            var b = text[i];
            if (b >= (byte)'0' && b <= (byte)'9')
            {
                mantissa = (mantissa * 10) + (b - (byte)'0');
            }
            else if (b == (byte)'.' && point < 0 && i > 0 && i < text.Length - 1)
            {
                point = i;
            }
            else
            {
                return false;
            }
        }

        if (point < 0 && text.Length > 18)
        {
            return false;
        }

        var scale = point < 0 ? 0 : text.Length - point - 1;
        value = new decimal((int)(mantissa & 0xFFFFFFFF), (int)(mantissa >> 32), 0, false, (byte)scale);
        return true;
    }

    /// <summary>Reads a decimal (money) from a number or a numeric string, without going through double.</summary>
    public static bool ReadDecimal(JsonElement e, out decimal? value)
    {
        var raw = Raw(e);
        switch (raw[0])
        {
            case (byte)'"':
                if (TryUnquoted(raw, out var text))
                {
                    value = null;
                    if (text.Length == 0)
                    {
                        return true;
                    }

                    if (TryPlainDecimal(text, out var d) || decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out d))
                    {
                        value = d;
                        return true;
                    }

                    return false;
                }

                break;
            case (byte)'n':
            case (byte)'f':
                value = null;
                return true;
        }

        return ReadDecimalElement(e, out value);
    }

    /// <summary>Reads an integer from a number or a numeric string.</summary>
    private static bool ReadInt64Element(JsonElement e, out long? value)
    {
        value = null;
        if (IsEmpty(e))
        {
            return true;
        }

        if (e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var n))
        {
            value = n;
            return true;
        }

        const NumberStyles integer = NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite;
        if (e.ValueKind == JsonValueKind.String
            && (TryRawString(e, out var utf8)
                ? long.TryParse(utf8, integer, CultureInfo.InvariantCulture, out n)
                : long.TryParse(e.GetString(), integer, CultureInfo.InvariantCulture, out n)))
        {
            value = n;
            return true;
        }

        if (e.ValueKind == JsonValueKind.True)
        {
            value = 1;
            return true;
        }

        return false;
    }

    /// <summary>Reads a decimal (money) from a number or a numeric string, without going through double.</summary>
    private static bool ReadDecimalElement(JsonElement e, out decimal? value)
    {
        value = null;
        if (IsEmpty(e))
        {
            return true;
        }

        if (e.ValueKind == JsonValueKind.Number && e.TryGetDecimal(out var d))
        {
            value = d;
            return true;
        }

        if (e.ValueKind == JsonValueKind.String
            && (TryRawString(e, out var utf8)
                ? decimal.TryParse(utf8, NumberStyles.Float, CultureInfo.InvariantCulture, out d)
                : decimal.TryParse(e.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out d)))
        {
            value = d;
            return true;
        }

        return false;
    }

    /// <summary>Reads a double from a number or a numeric string.</summary>
    public static bool ReadDouble(JsonElement e, out double? value)
    {
        value = null;
        if (IsEmpty(e))
        {
            return true;
        }

        if (e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out var d))
        {
            value = d;
            return true;
        }

        if (e.ValueKind == JsonValueKind.String
            && (TryRawString(e, out var utf8)
                ? double.TryParse(utf8, NumberStyles.Float, CultureInfo.InvariantCulture, out d)
                : double.TryParse(e.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out d)))
        {
            value = d;
            return true;
        }

        return false;
    }

    /// <summary>Reads text; a number or a boolean is kept as its JSON text. An empty string stays empty.</summary>
    public static bool ReadString(JsonElement e, out string? value)
    {
        var raw = Raw(e);
        switch (raw[0])
        {
            case (byte)'"':
                // Plain ASCII without escapes (most portal values) is the bytes themselves; anything else is decoded by the document.
                value = TryUnquoted(raw, out var text) && Ascii.IsValid(text)
                    ? (text.Length == 0 ? string.Empty : Encoding.ASCII.GetString(text))
                    : e.GetString();
                return true;
            case (byte)'n':
            case (byte)'f':
                value = null;
                return true;
        }

        return ReadStringElement(e, out value);
    }

    /// <summary>Reads a flag: <c>"Y"</c>/<c>"N"</c>, <c>true</c>/<c>false</c>, <c>"1"</c>/<c>"0"</c>, 1/0.</summary>
    public static bool ReadBoolean(JsonElement e, out bool? value)
    {
        var raw = Raw(e);
        switch (raw[0])
        {
            case (byte)'"':
                if (raw.Length == 3)
                {
                    switch (raw[1])
                    {
                        case (byte)'Y':
                        case (byte)'y':
                        case (byte)'1':
                            value = true;
                            return true;
                        case (byte)'N':
                        case (byte)'n':
                        case (byte)'0':
                            value = false;
                            return true;
                    }

                    value = null;
                    return false;
                }

                break;
            case (byte)'n':
                value = null;
                return true;
            case (byte)'t':
                value = true;
                return true;
            case (byte)'f':
                value = false;
                return true;
        }

        return ReadBooleanElement(e, out value);
    }

    /// <summary>Reads a date: <c>2024-09-02</c>, <c>2024-09-02T03:00:00+03:00</c> or <c>2024-09-02T00:00:00+03:00</c> (see <see cref="CalendarDay"/>) or <c>02.09.2024</c>.</summary>
    public static bool ReadDate(JsonElement e, out DateOnly? value)
    {
        var raw = Raw(e);
        Span<byte> buffer = stackalloc byte[32];
        scoped ReadOnlySpan<byte> text;
        switch (raw[0])
        {
            case (byte)'"':
                // The portal's dates may come with escapes (\u002B for the offset's +): those are unescaped here.
                if (TryUnquoted(raw, out text) || TryUnescapeAscii(text, buffer, out text))
                {
                    if (text.Length == 0)
                    {
                        value = null;
                        return true;
                    }

                    if (TryIsoOffset(text, out var fast))
                    {
                        value = CalendarDay(fast);
                        return true;
                    }
                }

                break;
            case (byte)'n':
            case (byte)'f':
                value = null;
                return true;
        }

        return ReadDateElement(e, out value);
    }

    /// <summary>
    /// The calendar day a date-only value stands for. Portals print one as midnight UTC shown in their zone
    /// (<c>2024-05-01T03:00:00+03:00</c>, <c>2024-04-30T19:00:00-05:00</c>): that is the UTC day. A value at
    /// midnight of its own zone (<c>2024-05-01T00:00:00+03:00</c>) is that day; any other time, the day in its zone.
    /// </summary>
    private static DateOnly CalendarDay(DateTimeOffset t)
        => t.TimeOfDay != TimeSpan.Zero && t.UtcDateTime.TimeOfDay == TimeSpan.Zero
            ? DateOnly.FromDateTime(t.UtcDateTime)
            : DateOnly.FromDateTime(t.DateTime);

    /// <summary>Reads a date and time with its offset (ISO 8601); a value without an offset is taken as UTC.</summary>
    public static bool ReadDateTime(JsonElement e, out DateTimeOffset? value)
    {
        var raw = Raw(e);
        Span<byte> buffer = stackalloc byte[32];
        scoped ReadOnlySpan<byte> text;
        switch (raw[0])
        {
            case (byte)'"':
                // The portal's dates may come with escapes (\u002B for the offset's +): those are unescaped here.
                if (TryUnquoted(raw, out text) || TryUnescapeAscii(text, buffer, out text))
                {
                    if (text.Length == 0)
                    {
                        value = null;
                        return true;
                    }

                    if (TryIsoOffset(text, out var fast))
                    {
                        value = fast;
                        return true;
                    }
                }

                break;
            case (byte)'n':
            case (byte)'f':
                value = null;
                return true;
        }

        return ReadDateTimeElement(e, out value);
    }

    /// <summary>Reads text; a number or a boolean is kept as its JSON text. An empty string stays empty.</summary>
    private static bool ReadStringElement(JsonElement e, out string? value)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.String:
                value = e.GetString();
                return true;
            case JsonValueKind.Null:
            case JsonValueKind.Undefined:
            case JsonValueKind.False:
                value = null;
                return true;
            case JsonValueKind.Number:
                value = e.GetRawText();
                return true;
            default:
                value = null;
                return false;
        }
    }

    /// <summary>Reads a flag: <c>"Y"</c>/<c>"N"</c>, <c>true</c>/<c>false</c>, <c>"1"</c>/<c>"0"</c>, 1/0.</summary>
    private static bool ReadBooleanElement(JsonElement e, out bool? value)
    {
        value = null;
        switch (e.ValueKind)
        {
            case JsonValueKind.True:
                value = true;
                return true;
            case JsonValueKind.False:
                value = false;
                return true;
            case JsonValueKind.Null:
            case JsonValueKind.Undefined:
                return true;
            case JsonValueKind.Number:
                if (e.TryGetInt64(out var n) && n is 0 or 1)
                {
                    value = n == 1;
                    return true;
                }

                return false;
            case JsonValueKind.String:
                if (TryRawString(e, out var flag) && flag.Length == 1)
                {
                    switch (flag[0])
                    {
                        case (byte)'Y':
                        case (byte)'y':
                        case (byte)'1':
                            value = true;
                            return true;
                        case (byte)'N':
                        case (byte)'n':
                        case (byte)'0':
                            value = false;
                            return true;
                    }

                    return false;
                }

                switch (e.GetString())
                {
                    case "":
                        return true;
                    case "Y":
                    case "y":
                    case "1":
                    case "true":
                        value = true;
                        return true;
                    case "N":
                    case "n":
                    case "0":
                    case "false":
                        value = false;
                        return true;
                }

                return false;
            default:
                return false;
        }
    }

    /// <summary>Reads a date: <c>2024-09-02</c>, <c>2024-09-02T03:00:00+03:00</c> or <c>2024-09-02T00:00:00+03:00</c> (see <see cref="CalendarDay"/>) or <c>02.09.2024</c>.</summary>
    private static bool ReadDateElement(JsonElement e, out DateOnly? value)
    {
        value = null;
        if (IsEmpty(e))
        {
            return true;
        }

        if (e.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        if (TryRawString(e, out var utf8) && TryIsoOffset(utf8, out var fast))
        {
            value = CalendarDay(fast);
            return true;
        }

        var text = e.GetString()!;
        if (DateOnly.TryParseExact(text, DateFormats[0], CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            || DateOnly.TryParseExact(text, DateFormats[1], CultureInfo.InvariantCulture, DateTimeStyles.None, out d))
        {
            value = d;
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t))
        {
            value = CalendarDay(t);
            return true;
        }

        return false;
    }

    private static bool TryDigits(ReadOnlySpan<byte> digits, out int value)
    {
        value = 0;
        foreach (var b in digits)
        {
            if (b < (byte)'0' || b > (byte)'9')
            {
                return false;
            }

            value = (value * 10) + (b - (byte)'0');
        }

        return true;
    }

    /// <summary>Reads a date and time with its offset (ISO 8601); a value without an offset is taken as UTC.</summary>
    private static bool ReadDateTimeElement(JsonElement e, out DateTimeOffset? value)
    {
        value = null;
        if (IsEmpty(e))
        {
            return true;
        }

        if (e.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        if (TryRawString(e, out var utf8) && TryIsoOffset(utf8, out var fast))
        {
            value = fast;
            return true;
        }

        var text = e.GetString()!;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            || DateTimeOffset.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out t))
        {
            value = t;
            return true;
        }

        return false;
    }

    /// <summary>Reads one multifield entry <c>{ID, VALUE_TYPE, VALUE, TYPE_ID}</c>.</summary>
    public static bool ReadMultifield(JsonElement e, out Multifield? value)
    {
        value = null;
        if (IsEmpty(e))
        {
            return true;
        }

        if (e.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        long? id = null;
        string? v = null, valueType = null, typeId = null;
        foreach (var p in e.EnumerateObject())
        {
            var ok = p.Name switch
            {
                "ID" => ReadInt64(p.Value, out id),
                "VALUE" => ReadString(p.Value, out v),
                "VALUE_TYPE" => ReadString(p.Value, out valueType),
                "TYPE_ID" => ReadString(p.Value, out typeId),
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        value = new Multifield { Id = id, Value = v, ValueType = valueType, TypeId = typeId };
        return true;
    }

    /// <summary>Keeps any JSON value as it came (detached from its document).</summary>
    public static bool ReadJson(JsonElement e, out JsonElement? value)
    {
        value = e.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? null : e.Clone();
        return true;
    }

    /// <summary>Reads a list of long values; a single value reads as a one-item list, null as no list.</summary>
    public static bool ReadInt64List(JsonElement e, out IReadOnlyList<long>? value) => ReadList<long, Int64Item>(e, out value);

    /// <summary>Reads a list of decimal values; a single value reads as a one-item list, null as no list.</summary>
    public static bool ReadDecimalList(JsonElement e, out IReadOnlyList<decimal>? value) => ReadList<decimal, DecimalItem>(e, out value);

    /// <summary>Reads a list of double values; a single value reads as a one-item list, null as no list.</summary>
    public static bool ReadDoubleList(JsonElement e, out IReadOnlyList<double>? value) => ReadList<double, DoubleItem>(e, out value);

    /// <summary>Reads a list of string values; a single value reads as a one-item list, null as no list.</summary>
    public static bool ReadStringList(JsonElement e, out IReadOnlyList<string>? value) => ReadList<string, StringItem>(e, out value);

    /// <summary>Reads a list of bool values; a single value reads as a one-item list, null as no list.</summary>
    public static bool ReadBooleanList(JsonElement e, out IReadOnlyList<bool>? value) => ReadList<bool, BooleanItem>(e, out value);

    /// <summary>Reads a list of DateOnly values; a single value reads as a one-item list, null as no list.</summary>
    public static bool ReadDateList(JsonElement e, out IReadOnlyList<DateOnly>? value) => ReadList<DateOnly, DateItem>(e, out value);

    /// <summary>Reads a list of DateTimeOffset values; a single value reads as a one-item list, null as no list.</summary>
    public static bool ReadDateTimeList(JsonElement e, out IReadOnlyList<DateTimeOffset>? value) => ReadList<DateTimeOffset, DateTimeItem>(e, out value);

    /// <summary>Reads a list of Multifield values; a single value reads as a one-item list, null as no list.</summary>
    public static bool ReadMultifieldList(JsonElement e, out IReadOnlyList<Multifield>? value) => ReadList<Multifield, MultifieldItem>(e, out value);

    /// <summary>
    /// The list reader every item kind shares: empty values mean no list, a single value is a one-item list, and an
    /// item that is not of the type fails the whole list. The item reader is a struct, so each kind gets its own code.
    /// </summary>
    private static bool ReadList<T, TReader>(JsonElement e, out IReadOnlyList<T>? value)
        where TReader : struct, IListItemReader<T>
    {
        value = null;
        if (e.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined or JsonValueKind.False
            || (e.ValueKind == JsonValueKind.String && e.GetString()!.Length == 0))
        {
            return true;
        }

        var list = new List<T>();
        var reader = default(TReader);
        foreach (var item in Items(e))
        {
            if (!reader.Read(item, list))
            {
                return false;
            }
        }

        value = list;
        return true;
    }

    /// <summary>Reads one list item and adds it when it holds a value.</summary>
    private interface IListItemReader<T>
    {
        bool Read(JsonElement e, List<T> list);
    }

    /// <summary>Adds a value that was read (a null item adds nothing); true, so that it ends a successful read.</summary>
    private static bool AddPresent<T>(T? value, List<T> list)
        where T : struct
    {
        if (value is { } x)
        {
            list.Add(x);
        }

        return true;
    }

    /// <inheritdoc cref="AddPresent{T}(T?, List{T})"/>
    private static bool AddPresent<T>(T? value, List<T> list)
        where T : class
    {
        if (value is not null)
        {
            list.Add(value);
        }

        return true;
    }

    private readonly struct Int64Item : IListItemReader<long>
    {
        public bool Read(JsonElement e, List<long> list) => ReadInt64(e, out var v) && AddPresent(v, list);
    }

    private readonly struct DecimalItem : IListItemReader<decimal>
    {
        public bool Read(JsonElement e, List<decimal> list) => ReadDecimal(e, out var v) && AddPresent(v, list);
    }

    private readonly struct DoubleItem : IListItemReader<double>
    {
        public bool Read(JsonElement e, List<double> list) => ReadDouble(e, out var v) && AddPresent(v, list);
    }

    private readonly struct StringItem : IListItemReader<string>
    {
        public bool Read(JsonElement e, List<string> list) => ReadString(e, out var v) && AddPresent(v, list);
    }

    private readonly struct BooleanItem : IListItemReader<bool>
    {
        public bool Read(JsonElement e, List<bool> list) => ReadBoolean(e, out var v) && AddPresent(v, list);
    }

    private readonly struct DateItem : IListItemReader<DateOnly>
    {
        public bool Read(JsonElement e, List<DateOnly> list) => ReadDate(e, out var v) && AddPresent(v, list);
    }

    private readonly struct DateTimeItem : IListItemReader<DateTimeOffset>
    {
        public bool Read(JsonElement e, List<DateTimeOffset> list) => ReadDateTime(e, out var v) && AddPresent(v, list);
    }

    private readonly struct MultifieldItem : IListItemReader<Multifield>
    {
        public bool Read(JsonElement e, List<Multifield> list) => ReadMultifield(e, out var v) && AddPresent(v, list);
    }
    /// <summary>Lists are equal when their items are, in order.</summary>
    public static bool ListEquals<T>(IReadOnlyList<T>? a, IReadOnlyList<T>? b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (a is null || b is null || a.Count != b.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Count; i++)
        {
            if (!EqualityComparer<T>.Default.Equals(a[i], b[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>JSON values are equal when their content is.</summary>
    public static bool JsonEquals(JsonElement? a, JsonElement? b)
        => a is null ? b is null : b is not null && JsonElement.DeepEquals(a.Value, b.Value);

    /// <summary>Additional data are equal when they hold the same keys with equal JSON values.</summary>
    public static bool DataEquals(IReadOnlyDictionary<string, JsonElement>? a, IReadOnlyDictionary<string, JsonElement>? b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (a is null || b is null || a.Count != b.Count)
        {
            return false;
        }

        foreach (var pair in a)
        {
            if (!b.TryGetValue(pair.Key, out var other) || !JsonElement.DeepEquals(pair.Value, other))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Prints a member for a record's ToString: set members only, lists and JSON as their content, dates in ISO form.</summary>
    public static void Print(StringBuilder builder, ref bool empty, string name, object? value)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (value is null)
        {
            return;
        }

        builder.Append(empty ? string.Empty : ", ").Append(name).Append(" = ");
        empty = false;
        Print(builder, value);
    }

    private static void Print(StringBuilder builder, object? value)
    {
        switch (value)
        {
            case null:
                builder.Append("null");
                break;
            case string s:
                builder.Append(s);
                break;
            case JsonElement json:
                builder.Append(json.GetRawText());
                break;
            case IReadOnlyDictionary<string, JsonElement> data:
                builder.Append("{ ");
                var first = true;
                foreach (var pair in data)
                {
                    builder.Append(first ? string.Empty : ", ").Append(pair.Key).Append(" = ").Append(pair.Value.GetRawText());
                    first = false;
                }

                builder.Append(" }");
                break;
            case System.Collections.IEnumerable list:
                builder.Append('[');
                var separator = string.Empty;
                foreach (var item in list)
                {
                    builder.Append(separator);
                    Print(builder, item);
                    separator = ", ";
                }

                builder.Append(']');
                break;
            case DateTimeOffset t:
                builder.Append(t.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture));
                break;
            case DateOnly d:
                builder.Append(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                break;
            case IFormattable f:
                builder.Append(f.ToString(null, CultureInfo.InvariantCulture));
                break;
            default:
                builder.Append(value);
                break;
        }
    }

    /// <summary>Writes an integer.</summary>
    public static JsonNode? WriteInt64(long? value) => value is { } v ? JsonValue.Create(v) : null;

    /// <summary>Writes a decimal.</summary>
    public static JsonNode? WriteDecimal(decimal? value) => value is { } v ? JsonValue.Create(v) : null;

    /// <summary>Writes a double.</summary>
    public static JsonNode? WriteDouble(double? value) => value is { } v ? JsonValue.Create(v) : null;

    /// <summary>Writes text.</summary>
    public static JsonNode? WriteString(string? value) => value is null ? null : JsonValue.Create(value);

    /// <summary>Writes a flag as <c>"Y"</c>/<c>"N"</c>, which every method accepts.</summary>
    public static JsonNode? WriteBoolean(bool? value) => value is { } v ? JsonValue.Create(v ? "Y" : "N") : null;

    /// <summary>Writes a date as <c>yyyy-MM-dd</c>.</summary>
    public static JsonNode? WriteDate(DateOnly? value)
        => value is { } v ? JsonValue.Create(v.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)) : null;

    /// <summary>Writes a date and time as ISO 8601 with its offset.</summary>
    public static JsonNode? WriteDateTime(DateTimeOffset? value)
        => value is { } v ? JsonValue.Create(v.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture)) : null;

    /// <summary>Writes a multifield entry: <c>{ID?, VALUE, VALUE_TYPE, DELETE?}</c>.</summary>
    public static JsonNode? WriteMultifield(Multifield? value)
    {
        if (value is null)
        {
            return null;
        }

        var o = new JsonObject();
        if (value.Id is { } id)
        {
            o["ID"] = id;
        }

        if (value.Value is not null)
        {
            o["VALUE"] = value.Value;
        }

        if (value.ValueType is not null)
        {
            o["VALUE_TYPE"] = value.ValueType;
        }

        if (value.Delete)
        {
            o["DELETE"] = "Y";
        }

        return o;
    }

    /// <summary>Writes any JSON value.</summary>
    public static JsonNode? WriteJson(JsonElement? value)
        => value is { } v && v.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined) ? JsonNode.Parse(v.GetRawText()) : null;

    /// <summary>Writes a list, each item with <paramref name="write"/>; null stays null (an erase).</summary>
    public static JsonNode? WriteList<T>(IEnumerable<T>? values, Func<T, JsonNode?> write)
    {
        if (values is null)
        {
            return null;
        }

        var list = new JsonArray();
        foreach (var v in values)
        {
            list.Add(write(v));
        }

        return list;
    }

    private static IEnumerable<JsonElement> Items(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var item in e.EnumerateArray())
                {
                    yield return item;
                }

                break;
            case JsonValueKind.Object:
                // A PHP map with keys 0..n-1 may arrive as an object.
                foreach (var p in e.EnumerateObject())
                {
                    yield return p.Value;
                }

                break;
            default:
                yield return e;
                break;
        }
    }
}
