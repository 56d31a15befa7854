using System.Buffers;

namespace Bitrix.Emulator.Protocol;

/// <summary>
/// Rewrites JSON text into the escaping a portal's encoder produces with its default options
/// (PHP's <c>json_encode</c> with the HEX_TAG, HEX_AMP, HEX_APOS and HEX_QUOT flags): every non-ASCII
/// character as <c>\uxxxx</c> (lower-case hex, surrogate pairs beyond the BMP), <c>"</c> <c>&amp;</c>
/// <c>&lt;</c> <c>&gt;</c> <c>'</c> inside strings as <c>\u0022</c> <c>\u0026</c> <c>\u003C</c> <c>\u003E</c>
/// <c>\u0027</c>, and <c>/</c> as <c>\/</c>. The input is what <see cref="System.Text.Json.Utf8JsonWriter"/>
/// writes with the relaxed encoder: valid UTF-8, strings escaped only where JSON requires it.
/// </summary>
internal static class PortalJsonEscaping
{
    // Bytes that start a rewrite: the escape character, the five characters PHP writes as hex, the
    // slash, and every byte of a multi-byte UTF-8 sequence. Outside strings JSON has none of them,
    // so no tracking of string state is needed.
    private static readonly SearchValues<byte> Special = SearchValues.Create(BuildSpecial());

    private static ReadOnlySpan<byte> LowerHex => "0123456789abcdef"u8;

    /// <summary>The portal's escaping of <paramref name="json"/>; the same array when nothing needs rewriting.</summary>
    public static byte[] Apply(byte[] json)
    {
        var first = json.AsSpan().IndexOfAny(Special);
        if (first < 0)
        {
            return json;
        }

        var output = new ArrayBufferWriter<byte>(json.Length + (json.Length / 4) + 16);
        Write(output, json.AsSpan(0, first));
        var rest = json.AsSpan(first);
        while (!rest.IsEmpty)
        {
            var consumed = Rewrite(output, rest);
            rest = rest[consumed..];
            var next = rest.IndexOfAny(Special);
            if (next < 0)
            {
                Write(output, rest);
                break;
            }

            Write(output, rest[..next]);
            rest = rest[next..];
        }

        return output.WrittenSpan.ToArray();
    }

    /// <summary>Rewrites the special construct at the start of <paramref name="text"/>; returns the bytes it consumed.</summary>
    private static int Rewrite(ArrayBufferWriter<byte> output, ReadOnlySpan<byte> text)
    {
        var b = text[0];
        if (b < 0x80)
        {
            if (b != (byte)'\\')
            {
                WriteCode(output, b);
                return 1;
            }

            // An escape the writer made: \" \\ \b \f \n \r \t or \uXXXX.
            var kind = text[1];
            if (kind == (byte)'u')
            {
                WriteCode(output, ParseHex(text.Slice(2, 4)));
                return 6;
            }

            if (kind == (byte)'"')
            {
                Write(output, "\\u0022"u8);
            }
            else
            {
                Write(output, text[..2]);
            }

            return 2;
        }

        // A multi-byte UTF-8 sequence (the writer only emits valid ones).
        int code, length;
        if (b < 0xE0)
        {
            code = ((b & 0x1F) << 6) | (text[1] & 0x3F);
            length = 2;
        }
        else if (b < 0xF0)
        {
            code = ((b & 0x0F) << 12) | ((text[1] & 0x3F) << 6) | (text[2] & 0x3F);
            length = 3;
        }
        else
        {
            code = ((b & 0x07) << 18) | ((text[1] & 0x3F) << 12) | ((text[2] & 0x3F) << 6) | (text[3] & 0x3F);
            length = 4;
        }

        if (code > 0xFFFF)
        {
            code -= 0x10000;
            WriteUnicode(output, 0xD800 + (code >> 10));
            WriteUnicode(output, 0xDC00 + (code & 0x3FF));
        }
        else
        {
            WriteUnicode(output, code);
        }

        return length;
    }

    /// <summary>One character of a string as the portal writes it.</summary>
    private static void WriteCode(ArrayBufferWriter<byte> output, int code)
    {
        switch (code)
        {
            case '"':
                Write(output, "\\u0022"u8);
                return;
            case '&':
                Write(output, "\\u0026"u8);
                return;
            case '<':
                Write(output, "\\u003C"u8);
                return;
            case '>':
                Write(output, "\\u003E"u8);
                return;
            case '\'':
                Write(output, "\\u0027"u8);
                return;
            case '/':
                Write(output, "\\/"u8);
                return;
            case '\\':
                Write(output, "\\\\"u8);
                return;
        }

        if (code is >= 0x20 and < 0x80)
        {
            // Printable ASCII the writer chose to escape (e.g. '+' or DEL): the portal writes it as it is.
            output.GetSpan(1)[0] = (byte)code;
            output.Advance(1);
            return;
        }

        WriteUnicode(output, code);
    }

    private static void WriteUnicode(ArrayBufferWriter<byte> output, int code)
    {
        var span = output.GetSpan(6);
        span[0] = (byte)'\\';
        span[1] = (byte)'u';
        span[2] = LowerHex[(code >> 12) & 0xF];
        span[3] = LowerHex[(code >> 8) & 0xF];
        span[4] = LowerHex[(code >> 4) & 0xF];
        span[5] = LowerHex[code & 0xF];
        output.Advance(6);
    }

    private static int ParseHex(ReadOnlySpan<byte> hex)
    {
        var code = 0;
        foreach (var h in hex)
        {
            code = (code << 4) | (h <= (byte)'9' ? h - (byte)'0' : (h | 0x20) - (byte)'a' + 10);
        }

        return code;
    }

    private static void Write(ArrayBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        if (!bytes.IsEmpty)
        {
            output.Write(bytes);
        }
    }

    private static byte[] BuildSpecial()
    {
        var bytes = new List<byte> { (byte)'\\', (byte)'&', (byte)'<', (byte)'>', (byte)'\'', (byte)'/' };
        for (var b = 0x80; b <= 0xFF; b++)
        {
            bytes.Add((byte)b);
        }

        return [.. bytes];
    }
}
