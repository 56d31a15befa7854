using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bitrix.Batching;

/// <summary>One command as it is packed into a batch.</summary>
internal readonly record struct PackedCommand(string Name, string Method, JsonObject? Parameters);

/// <summary>What a batch answer says about one command.</summary>
internal sealed record CommandOutcome(JsonElement? Result, BitrixError? Error, long? Total, long? Next, BitrixTime? Time);

/// <summary>Builds <c>batch</c> bodies and reads batch answers in all their PHP shapes (docs/protocol.md §4).</summary>
internal static class BatchCodec
{
    public static JsonObject Build(IEnumerable<PackedCommand> commands, bool halt)
    {
        var cmd = new JsonObject();
        foreach (var command in commands)
        {
            var query = PhpQueryEncoder.Encode(command.Parameters);
            cmd[command.Name] = query.Length == 0 ? command.Method : command.Method + "?" + query;
        }

        return new JsonObject { ["halt"] = halt ? 1 : 0, ["cmd"] = cmd };
    }

    /// <summary>
    /// Reads <c>result</c>, <c>result_error</c>, <c>result_total</c>, <c>result_next</c> and
    /// <c>result_time</c> — each a map, a list (keys 0..n-1) or <c>[]</c> — into one outcome per
    /// command that ran. A command that ran neither to a result nor an error is absent (halt).
    /// </summary>
    /// <exception cref="BitrixException"><see cref="BitrixErrorCodes.InvalidResponse"/> when the answer is not a batch answer at all.</exception>
    public static Dictionary<string, CommandOutcome> Parse(JsonElement batchResult)
    {
        const string Expected = "a batch answer (an object with 'result' and 'result_error' maps)";
        if (batchResult.ValueKind == JsonValueKind.Array && batchResult.GetArrayLength() == 0)
        {
            // PHP's empty array: every section empty.
            return new Dictionary<string, CommandOutcome>(StringComparer.Ordinal);
        }

        if (batchResult.ValueKind != JsonValueKind.Object || !(batchResult.TryGetProperty("result", out _) || batchResult.TryGetProperty("result_error", out _)))
        {
            throw ResponseExcerpt.WrongShape("batch", Expected, batchResult);
        }

        var results = Section(batchResult, "result", Expected);
        var errors = Section(batchResult, "result_error", Expected);
        var totals = Section(batchResult, "result_total", Expected);
        var nexts = Section(batchResult, "result_next", Expected);
        var times = Section(batchResult, "result_time", Expected);
        var outcomes = new Dictionary<string, CommandOutcome>(StringComparer.Ordinal);
        foreach (var (name, value) in results)
        {
            outcomes[name] = new CommandOutcome(value.Clone(), null, NumberOf(totals, name), NumberOf(nexts, name), TimeOf(times, name));
        }

        foreach (var (name, value) in errors)
        {
            // An error entry that is not an error is that command's wrong-shaped answer; its siblings keep theirs.
            var error = value.ValueKind == JsonValueKind.Object && value.TryGetProperty("error", out var code) && code.ValueKind is JsonValueKind.String or JsonValueKind.Number
                ? new BitrixError(Json.String(value, "error") ?? string.Empty, Json.String(value, "error_description") ?? string.Empty)
                : new BitrixError(BitrixErrorCodes.InvalidResponse, $"Expected the command's error (an object with 'error'), got {ResponseExcerpt.Of(value)}.");
            outcomes[name] = new CommandOutcome(null, error, null, null, TimeOf(times, name));
        }

        return outcomes;
    }

    private static Dictionary<string, JsonElement> Section(JsonElement batchResult, string name, string expected)
    {
        if (!batchResult.TryGetProperty(name, out var section) || section.ValueKind == JsonValueKind.Null)
        {
            return new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        }

        if (section.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
        {
            throw ResponseExcerpt.WrongShape("batch", expected, batchResult);
        }

        return Json.PhpMap(section).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
    }

    private static long? NumberOf(Dictionary<string, JsonElement> map, string name)
        => map.TryGetValue(name, out var v) && Json.AsDouble(v) is { } d ? (long)d : null;

    private static BitrixTime? TimeOf(Dictionary<string, JsonElement> map, string name)
        => map.TryGetValue(name, out var v) ? BitrixTime.Parse(v) : null;
}
