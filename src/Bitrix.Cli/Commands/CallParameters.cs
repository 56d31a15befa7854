using System.Text.Json;
using System.Text.Json.Nodes;
using Bitrix.Export;

namespace Bitrix.Cli.Commands;

/// <summary>
/// The parameters of <c>bitrix call</c>: PHP-style <c>key=value</c> pairs (<c>filter[&gt;ID]=5</c>,
/// <c>select[]=ID</c>, <c>fields[TITLE]=New</c>), <c>key:=JSON</c> for a typed value
/// (<c>fields[OPPORTUNITY]:=100.5</c>, <c>halt:=true</c>), or a whole JSON object (<c>'{"id": 5}'</c>).
/// </summary>
internal static class CallParameters
{
    public static JsonObject Parse(IEnumerable<string> arguments)
    {
        var parameters = new JsonObject();
        foreach (var argument in arguments)
        {
            if (argument.TrimStart().StartsWith('{'))
            {
                Merge(parameters, ParseJson(argument, argument) as JsonObject ?? throw new CliException($"'{argument}' is not a JSON object"));
                continue;
            }

            var (key, value) = Split(argument);
            Set(parameters, argument, Path(argument, key), value);
        }

        return parameters;
    }

    /// <summary>The key ends at the first <c>=</c> (or <c>:=</c>) outside brackets: <c>filter[&gt;=ID]=5</c>.</summary>
    private static (string Key, JsonNode? Value) Split(string argument)
    {
        var depth = 0;
        for (var i = 0; i < argument.Length; i++)
        {
            switch (argument[i])
            {
                case '[':
                    depth++;
                    break;
                case ']':
                    depth--;
                    break;
                case ':' when depth == 0 && i + 1 < argument.Length && argument[i + 1] == '=':
                    return (argument[..i], ParseJson(argument[(i + 2)..], argument));
                case '=' when depth == 0:
                    return (argument[..i], JsonValue.Create(argument[(i + 1)..]));
            }
        }

        throw new CliException(depth > 0
            ? $"parameter '{argument}': '[' without ']'"
            : $"parameter '{argument}': expected key=value (filter[>ID]=5, select[]=ID), key:=JSON or a JSON object");
    }

    private static JsonNode? ParseJson(string json, string argument)
    {
        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new CliException($"parameter '{argument}': not valid JSON ({e.Message})");
        }
    }

    /// <summary><c>filter[&gt;ID]</c> → <c>filter</c>, <c>&gt;ID</c>; <c>select[]</c> → <c>select</c>, "" (append).</summary>
    private static List<string> Path(string argument, string key)
    {
        var open = key.IndexOf('[', StringComparison.Ordinal);
        var path = new List<string> { open < 0 ? key : key[..open] };
        if (path[0].Length == 0)
        {
            throw new CliException($"parameter '{argument}': the key is empty");
        }

        while (open >= 0)
        {
            var close = key.IndexOf(']', open);
            if (close < 0)
            {
                throw new CliException($"parameter '{argument}': '[' without ']'");
            }

            path.Add(key[(open + 1)..close]);
            var next = close + 1;
            if (next < key.Length && key[next] != '[')
            {
                throw new CliException($"parameter '{argument}': unexpected '{key[next..]}' after ']'");
            }

            open = next < key.Length ? next : -1;
        }

        return path;
    }

    private static void Set(JsonObject root, string argument, List<string> path, JsonNode? value)
    {
        JsonNode container = root;
        for (var i = 0; i < path.Count; i++)
        {
            var segment = path[i];
            var last = i == path.Count - 1;
            JsonNode? child = last ? value : (path[i + 1].Length == 0 ? new JsonArray() : new JsonObject());
            switch (container)
            {
                case JsonObject obj when segment.Length > 0:
                    if (last)
                    {
                        obj[segment] = child;
                    }
                    else
                    {
                        obj[segment] ??= child;
                        container = obj[segment]!;
                    }

                    break;
                case JsonArray array when segment.Length == 0:
                    array.Add(child);
                    if (!last)
                    {
                        container = child!;
                    }

                    break;
                default:
                    throw new CliException($"parameter '{argument}': '{string.Join("", path.Take(i))}' is used both as a list and as an object");
            }

            if (!last && container is not (JsonObject or JsonArray))
            {
                throw new CliException($"parameter '{argument}': '{path[0]}' already has a plain value");
            }
        }
    }

    private static void Merge(JsonObject target, JsonObject source)
    {
        foreach (var (key, value) in source.ToList())
        {
            if (value is JsonObject inner && target[key] is JsonObject existing)
            {
                Merge(existing, inner);
            }
            else
            {
                target[key] = value?.DeepClone();
            }
        }
    }
}
