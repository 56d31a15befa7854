using System.Collections.Generic;

namespace Bitrix.Generator.Json;

/// <summary>The kinds of JSON values.</summary>
internal enum JsonKind
{
    Object,
    Array,
    String,
    Number,
    True,
    False,
    Null,
}

/// <summary>
/// A parsed JSON value with the line and column where it starts (1-based), so that a schema
/// problem can be reported at its place in the file. Object members keep their order.
/// </summary>
internal sealed class JsonValueNode
{
    private JsonValueNode(JsonKind kind, int line, int column, string? text, List<JsonMember>? members, List<JsonValueNode>? items)
    {
        Kind = kind;
        Line = line;
        Column = column;
        Text = text;
        Members = members ?? [];
        Items = items ?? [];
    }

    public JsonKind Kind { get; }

    public int Line { get; }

    public int Column { get; }

    /// <summary>A string's value or a number's literal text.</summary>
    public string? Text { get; }

    public IReadOnlyList<JsonMember> Members { get; }

    public IReadOnlyList<JsonValueNode> Items { get; }

    public bool IsNull => Kind == JsonKind.Null;

    public static JsonValueNode Scalar(JsonKind kind, int line, int column, string? text) => new(kind, line, column, text, null, null);

    public static JsonValueNode Object(int line, int column, List<JsonMember> members) => new(JsonKind.Object, line, column, null, members, null);

    public static JsonValueNode Array(int line, int column, List<JsonValueNode> items) => new(JsonKind.Array, line, column, null, null, items);

    /// <summary>The first member named <paramref name="name"/> (exact, case-sensitive).</summary>
    public JsonMember? Find(string name)
    {
        foreach (var member in Members)
        {
            if (member.Name == name)
            {
                return member;
            }
        }

        return null;
    }

    public JsonValueNode? Get(string name) => Find(name)?.Value;

    public bool? AsBool() => Kind switch
    {
        JsonKind.True => true,
        JsonKind.False => false,
        JsonKind.String when Text is "Y" or "y" or "true" or "1" => true,
        JsonKind.String when Text is "N" or "n" or "false" or "0" or "" => false,
        JsonKind.Number => Text != "0",
        _ => null,
    };

    public string Describe() => Kind switch
    {
        JsonKind.Object => "an object",
        JsonKind.Array => "a list",
        JsonKind.String => "a string",
        JsonKind.Number => "a number",
        JsonKind.True or JsonKind.False => "a boolean",
        _ => "null",
    };
}

/// <summary>One member of a JSON object: its name, where the name stands, and its value.</summary>
internal sealed class JsonMember
{
    public JsonMember(string name, int line, int column, JsonValueNode value)
    {
        Name = name;
        Line = line;
        Column = column;
        Value = value;
    }

    public string Name { get; }

    public int Line { get; }

    public int Column { get; }

    public JsonValueNode Value { get; }
}
