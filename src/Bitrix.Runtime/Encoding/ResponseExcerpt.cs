using System.Text;
using System.Text.Json;

namespace Bitrix;

/// <summary>
/// A short, redacted view of an answer for error messages: its kind and the start of its text,
/// with every long run of letters and digits (the shape of webhook codes and tokens) masked.
/// </summary>
internal static class ResponseExcerpt
{
    private const int MaxLength = 120;
    private const int SecretLikeRun = 16;

    /// <summary>The error of an answer whose shape is not what <paramref name="method"/> returns.</summary>
    public static BitrixException WrongShape(string? method, string expected, JsonElement answer, string? commandName = null)
        => new(BitrixErrorCodes.InvalidResponse, $"Expected {expected}, got {Of(answer)}.", null, method, commandName);

    /// <summary>The kind of <paramref name="value"/> and the start of its JSON text, redacted.</summary>
    public static string Of(JsonElement value)
    {
        var kind = value.ValueKind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "a list",
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            JsonValueKind.Null => "null",
            _ => "nothing",
        };
        return value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? kind : $"{kind}: {Redact(value.GetRawText())}";
    }

    /// <summary>Whitespace collapsed, long letter-and-digit runs masked, cut to a short line.</summary>
    public static string Redact(string text)
    {
        var result = new StringBuilder(Math.Min(text.Length, MaxLength + 8));
        var run = 0;
        var lastWasSpace = false;
        foreach (var c in text)
        {
            if (result.Length >= MaxLength)
            {
                // A run cut here may be the start of a secret: it is masked too.
                for (var i = result.Length - Math.Min(run, result.Length); i < result.Length; i++)
                {
                    result[i] = '*';
                }

                result.Append("...");
                break;
            }

            if (char.IsWhiteSpace(c))
            {
                run = 0;
                if (!lastWasSpace)
                {
                    result.Append(' ');
                }

                lastWasSpace = true;
                continue;
            }

            lastWasSpace = false;
            run = char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? run + 1 : 0;
            if (run == SecretLikeRun)
            {
                // Mask the whole run so far; what follows of it is masked as it comes.
                for (var i = result.Length - (SecretLikeRun - 1); i < result.Length; i++)
                {
                    result[i] = '*';
                }
            }

            result.Append(run >= SecretLikeRun ? '*' : c);
        }

        return result.ToString();
    }
}
