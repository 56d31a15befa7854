using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Bitrix.Generator.Json;

/// <summary>A JSON syntax error at a line and column (1-based).</summary>
internal sealed class JsonSyntaxException : Exception
{
    public JsonSyntaxException(string message, int line, int column)
        : base(message)
    {
        Line = line;
        Column = column;
    }

    public int Line { get; }

    public int Column { get; }
}

/// <summary>
/// A small, strict JSON reader (RFC 8259) that records where every value starts. In-house
/// because System.Text.Json cannot be loaded by a netstandard2.0 generator inside every compiler
/// host. Comments and trailing commas are accepted, as editors commonly allow them in JSON files.
/// </summary>
internal sealed class JsonReader
{
    private const int MaxDepth = 64;
    private readonly string _text;
    private int _pos;
    private int _line = 1;
    private int _lineStart;

    private JsonReader(string text) => _text = text;

    public static JsonValueNode Parse(string text)
    {
        var reader = new JsonReader(text);
        if (reader._pos < text.Length && text[0] == '\uFEFF')
        {
            reader._pos++;
            reader._lineStart = 1;
        }

        reader.SkipTrivia();
        var value = reader.ReadValue(0);
        reader.SkipTrivia();
        if (reader._pos < text.Length)
        {
            throw reader.Error("Unexpected text after the end of the JSON value.");
        }

        return value;
    }

    private int Column => _pos - _lineStart + 1;

    private JsonSyntaxException Error(string message) => new(message, _line, Column);

    private JsonValueNode ReadValue(int depth)
    {
        if (depth > MaxDepth)
        {
            throw Error("The JSON is nested too deeply.");
        }

        if (_pos >= _text.Length)
        {
            throw Error("Unexpected end of file: a value was expected.");
        }

        int line = _line, column = Column;
        var c = _text[_pos];
        switch (c)
        {
            case '{':
                return ReadObject(depth, line, column);
            case '[':
                return ReadArray(depth, line, column);
            case '"':
                return JsonValueNode.Scalar(JsonKind.String, line, column, ReadString());
            case 't':
                ReadLiteral("true");
                return JsonValueNode.Scalar(JsonKind.True, line, column, "true");
            case 'f':
                ReadLiteral("false");
                return JsonValueNode.Scalar(JsonKind.False, line, column, "false");
            case 'n':
                ReadLiteral("null");
                return JsonValueNode.Scalar(JsonKind.Null, line, column, null);
            default:
                if (c == '-' || (c >= '0' && c <= '9'))
                {
                    return JsonValueNode.Scalar(JsonKind.Number, line, column, ReadNumber());
                }

                throw Error($"Unexpected character '{c}': a value was expected.");
        }
    }

    private JsonValueNode ReadObject(int depth, int line, int column)
    {
        _pos++;
        var members = new List<JsonMember>();
        SkipTrivia();
        while (true)
        {
            if (_pos >= _text.Length)
            {
                throw Error("Unexpected end of file inside an object: '}' was expected.");
            }

            if (_text[_pos] == '}')
            {
                _pos++;
                return JsonValueNode.Object(line, column, members);
            }

            if (_text[_pos] != '"')
            {
                throw Error($"Unexpected character '{_text[_pos]}': a property name in double quotes was expected.");
            }

            int nameLine = _line, nameColumn = Column;
            var name = ReadString();
            SkipTrivia();
            if (_pos >= _text.Length || _text[_pos] != ':')
            {
                throw Error($"':' was expected after the property name \"{name}\".");
            }

            _pos++;
            SkipTrivia();
            var value = ReadValue(depth + 1);
            members.Add(new JsonMember(name, nameLine, nameColumn, value));
            SkipTrivia();
            if (_pos < _text.Length && _text[_pos] == ',')
            {
                _pos++;
                SkipTrivia();
                continue;
            }

            if (_pos < _text.Length && _text[_pos] == '}')
            {
                continue;
            }

            throw Error("',' or '}' was expected after a property value.");
        }
    }

    private JsonValueNode ReadArray(int depth, int line, int column)
    {
        _pos++;
        var items = new List<JsonValueNode>();
        SkipTrivia();
        while (true)
        {
            if (_pos >= _text.Length)
            {
                throw Error("Unexpected end of file inside a list: ']' was expected.");
            }

            if (_text[_pos] == ']')
            {
                _pos++;
                return JsonValueNode.Array(line, column, items);
            }

            items.Add(ReadValue(depth + 1));
            SkipTrivia();
            if (_pos < _text.Length && _text[_pos] == ',')
            {
                _pos++;
                SkipTrivia();
                continue;
            }

            if (_pos < _text.Length && _text[_pos] == ']')
            {
                continue;
            }

            throw Error("',' or ']' was expected after a list item.");
        }
    }

    private string ReadString()
    {
        _pos++;
        var builder = new StringBuilder();
        while (true)
        {
            if (_pos >= _text.Length)
            {
                throw Error("Unexpected end of file inside a string.");
            }

            var c = _text[_pos];
            if (c == '"')
            {
                _pos++;
                return builder.ToString();
            }

            if (c == '\n' || c == '\r')
            {
                throw Error("A string cannot span lines: close it with '\"'.");
            }

            if (c < ' ')
            {
                throw Error("A control character in a string must be escaped.");
            }

            if (c != '\\')
            {
                builder.Append(c);
                _pos++;
                continue;
            }

            _pos++;
            if (_pos >= _text.Length)
            {
                throw Error("Unexpected end of file inside an escape sequence.");
            }

            var e = _text[_pos++];
            switch (e)
            {
                case '"': builder.Append('"'); break;
                case '\\': builder.Append('\\'); break;
                case '/': builder.Append('/'); break;
                case 'b': builder.Append('\b'); break;
                case 'f': builder.Append('\f'); break;
                case 'n': builder.Append('\n'); break;
                case 'r': builder.Append('\r'); break;
                case 't': builder.Append('\t'); break;
                case 'u':
                    if (_pos + 4 > _text.Length || !int.TryParse(_text.Substring(_pos, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                    {
                        throw Error("'\\u' must be followed by four hexadecimal digits.");
                    }

                    builder.Append((char)code);
                    _pos += 4;
                    break;
                default:
                    _pos--;
                    throw Error($"Unknown escape sequence '\\{e}'.");
            }
        }
    }

    private string ReadNumber()
    {
        var start = _pos;
        if (_text[_pos] == '-')
        {
            _pos++;
        }

        if (_pos < _text.Length && _text[_pos] == '0')
        {
            _pos++;
            if (_pos < _text.Length && _text[_pos] >= '0' && _text[_pos] <= '9')
            {
                throw Error("A number cannot have leading zeros.");
            }
        }
        else if (!ReadDigits())
        {
            throw Error("A digit was expected in the number.");
        }

        if (_pos < _text.Length && _text[_pos] == '.')
        {
            _pos++;
            if (!ReadDigits())
            {
                throw Error("A digit was expected after the decimal point.");
            }
        }

        if (_pos < _text.Length && (_text[_pos] == 'e' || _text[_pos] == 'E'))
        {
            _pos++;
            if (_pos < _text.Length && (_text[_pos] == '+' || _text[_pos] == '-'))
            {
                _pos++;
            }

            if (!ReadDigits())
            {
                throw Error("A digit was expected in the exponent.");
            }
        }

        return _text.Substring(start, _pos - start);
    }

    private bool ReadDigits()
    {
        var start = _pos;
        while (_pos < _text.Length && _text[_pos] >= '0' && _text[_pos] <= '9')
        {
            _pos++;
        }

        return _pos > start;
    }

    private void ReadLiteral(string literal)
    {
        if (string.CompareOrdinal(_text, _pos, literal, 0, literal.Length) != 0)
        {
            var end = _pos;
            while (end < _text.Length && char.IsLetter(_text[end]))
            {
                end++;
            }

            throw Error($"Unknown literal '{_text.Substring(_pos, Math.Max(1, end - _pos))}': true, false or null was expected.");
        }

        _pos += literal.Length;
    }

    private void SkipTrivia()
    {
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (c == '\n')
            {
                _pos++;
                _line++;
                _lineStart = _pos;
            }
            else if (c == ' ' || c == '\t' || c == '\r')
            {
                _pos++;
            }
            else if (c == '/' && _pos + 1 < _text.Length && _text[_pos + 1] == '/')
            {
                while (_pos < _text.Length && _text[_pos] != '\n')
                {
                    _pos++;
                }
            }
            else if (c == '/' && _pos + 1 < _text.Length && _text[_pos + 1] == '*')
            {
                var end = _text.IndexOf("*/", _pos + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    throw Error("Unterminated comment.");
                }

                for (var i = _pos; i < end; i++)
                {
                    if (_text[i] == '\n')
                    {
                        _line++;
                        _lineStart = i + 1;
                    }
                }

                _pos = end + 2;
            }
            else
            {
                return;
            }
        }
    }
}
