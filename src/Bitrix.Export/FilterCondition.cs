using System.Text.Json.Nodes;

namespace Bitrix.Export;

/// <summary>
/// One <c>--filter</c> condition in the portal's own notation: an operator prefix, the field, <c>=</c>,
/// the value — <c>&gt;=DATE_CREATE=2024-01-01</c>, <c>STAGE_ID=WON</c>, <c>@STAGE_ID=NEW,WON</c>,
/// <c>%TITLE=acme</c>, <c>!STAGE_ID=</c> (not empty).
/// </summary>
/// <param name="Operator">The operator prefix as the portal spells it (empty = equals).</param>
/// <param name="Field">The field name.</param>
/// <param name="Value">The value: a string, or a list (comma-separated) for <c>@</c> and <c>!@</c>.</param>
public sealed record FilterCondition(string Operator, string Field, JsonNode? Value)
{
    /// <summary>The operators of the REST API's list filters (docs/protocol.md §3), longest first.</summary>
    private static readonly string[] Operators = ["!=%", "!%=", ">=", "<=", "!=", "!@", "!%", "=%", "%=", ">", "<", "=", "!", "@", "%"];

    /// <summary>The filter key as sent: operator and field, <c>&gt;=DATE_CREATE</c>.</summary>
    public string Key => Operator + Field;

    /// <summary>Reads one condition; throws <see cref="CliException"/> with a line that says what is wrong.</summary>
    public static FilterCondition Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        var op = Operators.FirstOrDefault(o => trimmed.StartsWith(o, StringComparison.Ordinal) && trimmed.Length > o.Length && IsFieldStart(trimmed[o.Length])) ?? "";
        var rest = trimmed[op.Length..];
        var fieldLength = 0;
        while (fieldLength < rest.Length && IsFieldChar(rest[fieldLength]))
        {
            fieldLength++;
        }

        if (fieldLength == 0 || !IsFieldStart(rest[0]))
        {
            throw new CliException($"--filter '{text}': expected [OPERATOR]FIELD=VALUE, e.g. '>=DATE_CREATE=2024-01-01' (operators: = ! != > >= < <= @ !@ % !% =% %= !=% !%=)");
        }

        var field = rest[..fieldLength];
        var tail = rest[fieldLength..];
        if (!tail.StartsWith('='))
        {
            var hint = Operators.FirstOrDefault(o => tail.StartsWith(o, StringComparison.Ordinal));
            throw new CliException(hint is not null
                ? $"--filter '{text}': the operator goes before the field: '{hint}{field}={tail[hint.Length..].TrimStart('=')}'"
                : $"--filter '{text}': expected [OPERATOR]FIELD=VALUE, e.g. '>=DATE_CREATE=2024-01-01'");
        }

        var raw = tail[1..];
        JsonNode? value = op switch
        {
            "@" or "!@" => new JsonArray([.. SplitList(raw).Select(v => (JsonNode?)JsonValue.Create(v))]),
            _ => JsonValue.Create(raw),
        };
        return new FilterCondition(op, field, value);
    }

    private static string[] SplitList(string raw) => raw.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static bool IsFieldStart(char c) => char.IsAsciiLetter(c) || c == '_';

    private static bool IsFieldChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_' || c == '.';
}
