using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Bitrix.Emulator.Protocol;

namespace Bitrix.Emulator;

/// <summary><c>batch</c> (docs/protocol.md §4): up to 50 commands, halt, references, PHP-shaped answer maps.</summary>
internal sealed partial class Portal
{
    public const int MaxBatchCommands = 50;

    /// <summary>
    /// As the portal matches: <c>$result</c>, <c>$next</c>, <c>$total</c>, <c>$error</c> or
    /// <c>$time</c> in any letter case, then every character up to the next ASCII white space (the
    /// whole run is what gets replaced), holding at least one non-empty bracketed segment: the
    /// first is the command's name (group 2), the others are read from the rest of the run (group 3).
    /// </summary>
    [GeneratedRegex(@"\$(result|next|total|error|time)[^ \t\n\v\f\r]*?\[([^\] \t\n\v\f\r]+)\]([^ \t\n\v\f\r]*)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ReferencePattern();

    [GeneratedRegex(@"\[([^\]]+)\]", RegexOptions.CultureInvariant)]
    private static partial Regex PathSegmentPattern();

    private Outcome ExecuteBatch(RequestParams parameters, DateTimeOffset now)
    {
        var halt = JsonValues.IsYes(parameters["halt"]);
        var commands = parameters["cmd"] switch
        {
            JsonObject map => map.Select(p => (p.Key, JsonValues.AsString(p.Value))).ToList(),
            JsonArray list => list.Select((v, i) => (i.ToString(CultureInfo.InvariantCulture), JsonValues.AsString(v))).ToList(),
            _ => [],
        };

        var state = new BatchState();
        var index = 0;
        double cost = 0;
        double? operating = null;
        long? resetAt = null;
        foreach (var (name, text) in commands)
        {
            index++;
            if (index > MaxBatchCommands)
            {
                state.Fail(name, PortalError.BatchLengthExceeded());
                continue;
            }

            var (method, query) = SplitCommand(text ?? string.Empty);
            CallOutcome outcome;
            JsonObject? time = null;
            if (method == "batch")
            {
                outcome = new CallOutcome(null, null, null, 0, null, null, PortalError.BatchMethodNotAllowed());
            }
            else
            {
                var values = PhpQueryParser.Parse(query);
                Substitute(values, state);
                var commandStart = now.AddSeconds(cost);
                outcome = Call(method, new RequestParams(values), commandStart);
                time = Envelope.Time(new TimeInfo(commandStart, outcome.Cost, outcome.Operating, outcome.OperatingResetAt));
                cost += outcome.Cost;
                if (outcome.Operating is { } op && (operating is null || op > operating))
                {
                    operating = op;
                    resetAt = outcome.OperatingResetAt;
                }
            }

            if (outcome.Error is { } error)
            {
                state.Fail(name, error);
                if (halt)
                {
                    break;
                }

                continue;
            }

            // Like result_total and result_next, result_time has entries for successful commands only.
            state.Results.Add(new(name, outcome.Result));
            state.Times.Add(new(name, time));
            if (outcome.Total is { } total)
            {
                state.Totals.Add(new(name, total));
            }

            if (outcome.Next is { } next)
            {
                state.Nexts.Add(new(name, next));
            }
        }

        var result = new JsonObject
        {
            ["result"] = Envelope.PhpMap(state.Results),
            ["result_error"] = Envelope.PhpMap(state.Errors),
            ["result_total"] = Envelope.PhpMap(state.Totals),
            ["result_next"] = Envelope.PhpMap(state.Nexts),
            ["result_time"] = Envelope.PhpMap(state.Times),
        };
        return new Outcome(result, null, null, cost, operating, resetAt, null);
    }

    private static (string Method, string Query) SplitCommand(string command)
    {
        var q = command.IndexOf('?', StringComparison.Ordinal);
        var method = (q < 0 ? command : command[..q]).Trim().ToLowerInvariant();
        return (method, q < 0 ? string.Empty : command[(q + 1)..]);
    }

    /// <summary>
    /// Replaces <c>$result[name][path]</c> references in every string value of the command, data
    /// included (a title, a comment). A reference that is the whole value becomes the raw value
    /// (possibly an array); inside a longer string the reference and the characters after it up
    /// to the next white space are replaced by its text when it is a string or a number. A path
    /// that does not resolve all the way yields the deepest value reached — partial and garbled,
    /// as on the portal; an unknown command name is left as it is.
    /// </summary>
    private static void Substitute(JsonNode? node, BatchState state)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    var current = obj[key];
                    var replaced = Replace(current, state);
                    if (!ReferenceEquals(current, replaced))
                    {
                        obj[key] = replaced;
                    }
                }

                break;
            case JsonArray list:
                for (var i = 0; i < list.Count; i++)
                {
                    var current = list[i];
                    var replaced = Replace(current, state);
                    if (!ReferenceEquals(current, replaced))
                    {
                        list[i] = replaced;
                    }
                }

                break;
        }
    }

    private static JsonNode? Replace(JsonNode? node, BatchState state)
    {
        if (node is JsonObject or JsonArray)
        {
            Substitute(node, state);
            return node;
        }

        var text = JsonValues.AsString(node);
        if (text is null || !text.Contains('$', StringComparison.Ordinal))
        {
            return node;
        }

        var whole = ReferencePattern().Match(text);
        if (whole.Success && whole.Index == 0 && whole.Length == text.Length)
        {
            return Resolve(whole, state, out var value) ? value?.DeepClone() : node;
        }

        var replaced = ReferencePattern().Replace(text, m => Resolve(m, state, out var value) && AsText(value) is { } found ? found : m.Value);
        return JsonValue.Create(replaced);
    }

    private static bool Resolve(Match match, BatchState state, out JsonNode? value)
    {
        var source = match.Groups[1].Value.ToLowerInvariant() switch
        {
            "result" => state.Results,
            "next" => state.Nexts,
            "total" => state.Totals,
            "error" => state.Errors,
            _ => state.Times,
        };
        var name = match.Groups[2].Value;
        var found = source.FindIndex(p => p.Key == name);
        if (found < 0)
        {
            value = null;
            return false;
        }

        value = source[found].Value;
        foreach (Match segment in PathSegmentPattern().Matches(match.Groups[3].Value))
        {
            var key = segment.Groups[1].Value;
            JsonNode? next = value switch
            {
                JsonObject obj => obj.TryGetPropertyValue(key, out var v) ? v : null,
                JsonArray list when int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < list.Count => list[i],
                _ => null,
            };
            if (next is null)
            {
                break;
            }

            value = next;
        }

        return true;
    }

    /// <summary>Inside longer text only a string or a number is put in; anything else leaves the reference as written.</summary>
    private static string? AsText(JsonNode? value) => value is JsonValue scalar && scalar.GetValueKind() is System.Text.Json.JsonValueKind.String or System.Text.Json.JsonValueKind.Number
        ? JsonValues.AsString(value)
        : null;

    private sealed class BatchState
    {
        public List<KeyValuePair<string, JsonNode?>> Results { get; } = [];

        public List<KeyValuePair<string, JsonNode?>> Errors { get; } = [];

        public List<KeyValuePair<string, JsonNode?>> Totals { get; } = [];

        public List<KeyValuePair<string, JsonNode?>> Nexts { get; } = [];

        public List<KeyValuePair<string, JsonNode?>> Times { get; } = [];

        public void Fail(string name, PortalError error)
            => Errors.Add(new(name, new JsonObject { ["error"] = error.Code, ["error_description"] = error.Message }));
    }
}
