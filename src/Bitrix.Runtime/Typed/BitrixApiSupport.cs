using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bitrix;

/// <summary>Plumbing shared by the generated API classes.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class BitrixApiSupport
{
    /// <summary>Adds filter, select and order to list parameters.</summary>
    public static void AddListParameters<TEntity>(
        JsonObject parameters,
        BitrixFilter<TEntity>? filter,
        string? filterKey,
        IEnumerable<BitrixField<TEntity>>? select,
        string? selectKey,
        IEnumerable<BitrixOrder<TEntity>>? order,
        string? orderKey,
        bool sortOrderStyle)
    {
        if (filter is not null)
        {
            var json = filter.ToJson();
            if (filterKey is null)
            {
                Merge(parameters, json);
            }
            else
            {
                parameters[filterKey] = json;
            }
        }

        if (select is not null && selectKey is not null)
        {
            var list = new JsonArray();
            foreach (var field in select)
            {
                list.Add((JsonNode?)JsonValue.Create(field.Name));
            }

            parameters[selectKey] = list;
        }

        if (order is not null)
        {
            if (sortOrderStyle)
            {
                foreach (var key in order)
                {
                    parameters["sort"] = key.Field;
                    parameters["order"] = key.IsDescending ? "DESC" : "ASC";
                    break;
                }
            }
            else if (orderKey is not null)
            {
                var map = new JsonObject();
                foreach (var key in order)
                {
                    map[key.Field] = key.IsDescending ? "DESC" : "ASC";
                }

                parameters[orderKey] = map;
            }
        }
    }

    /// <summary>Puts write fields under their key, or at the top level when the method takes them so.</summary>
    public static void AddFields(JsonObject parameters, string? fieldsKey, BitrixFields fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        if (fieldsKey is null)
        {
            Merge(parameters, fields.ToJson());
        }
        else
        {
            parameters[fieldsKey] = fields.ToJson();
        }
    }

    /// <summary>Refuses an update that sets a field the portal lets set only on add (it would be ignored silently).</summary>
    public static void RejectImmutable(BitrixFields fields, params string[] immutable)
    {
        ArgumentNullException.ThrowIfNull(fields);
        foreach (var key in immutable)
        {
            if (fields.IsSet(key))
            {
                throw new ArgumentException($"{key} can be set only when adding; the portal ignores it in an update.", nameof(fields));
            }
        }
    }

    /// <summary>List options with the method's wrapper and ID keys filled in where the caller left them empty.</summary>
    public static ListOptions Options(ListOptions? options, string? wrapperKey, string idKey) => new()
    {
        Strategy = options?.Strategy ?? ListStrategy.Auto,
        MaxItems = options?.MaxItems,
        IdKey = options?.IdKey ?? idKey,
        WrapperKey = options?.WrapperKey ?? wrapperKey,
        Progress = options?.Progress,
    };

    /// <summary>Change options with the entity's keys and modification-time field where the caller left them out.</summary>
    public static ChangeOptions ChangeOptions(ChangeOptions? options, string? wrapperKey, string idKey, string modifiedField, string modifiedKey) => new()
    {
        Strategy = options?.Strategy ?? ListStrategy.Auto,
        Overlap = options?.Overlap ?? TimeSpan.FromMinutes(1),
        Progress = options?.Progress,
        IdKey = options?.IdKey ?? idKey,
        WrapperKey = options?.WrapperKey ?? wrapperKey,
        ModifiedField = options?.ModifiedField ?? modifiedField,
        ModifiedKey = options?.ModifiedKey ?? (options?.ModifiedField is null ? modifiedKey : null),
    };

    /// <summary>Maps a stream of rows.</summary>
    public static async IAsyncEnumerable<T> MapAsync<T>(
        IAsyncEnumerable<JsonElement> rows,
        Func<JsonElement, T> map,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var row in TaskAsyncEnumerableExtensions.WithCancellation(rows, cancellationToken).ConfigureAwait(false))
        {
            yield return map(row);
        }
    }

    /// <summary>
    /// The rows of an answer: the result itself, or the list under <paramref name="wrapperKey"/>
    /// (a list, or a PHP map of rows). Any other shape — a string, a number, rows that are not
    /// objects — is an <c>INVALID_RESPONSE</c> error naming the method, never an empty list.
    /// </summary>
    public static IReadOnlyList<T> Rows<T>(JsonElement result, string? wrapperKey, Func<JsonElement, T> map, string? method = null)
    {
        var rows = new List<T>();
        var answer = result;
        if (wrapperKey is not null && result.ValueKind == JsonValueKind.Object && result.TryGetProperty(wrapperKey, out var wrapped))
        {
            result = wrapped;
        }

        if (result.ValueKind == JsonValueKind.Array)
        {
            foreach (var row in result.EnumerateArray())
            {
                rows.Add(map(Row(row, answer, method)));
            }
        }
        else if (result.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in result.EnumerateObject())
            {
                rows.Add(map(Row(p.Value, answer, method)));
            }
        }
        else
        {
            throw WrongShape(method, "a list of rows", answer);
        }

        return rows;
    }

    /// <summary>One page of a list answer.</summary>
    public static BitrixPage<T> Page<T>(BitrixResponse response, string? wrapperKey, Func<JsonElement, T> map, string? method = null)
    {
        ArgumentNullException.ThrowIfNull(response);
        return new BitrixPage<T>(Rows(response.Result, wrapperKey, map, method), response.Total, response.Next);
    }

    /// <summary>The item of a get answer: the result, its member <paramref name="itemKey"/>, or the first row of a list; anything but a row is an <c>INVALID_RESPONSE</c> error.</summary>
    public static JsonElement Item(JsonElement result, string? itemKey, bool firstRow, string method)
    {
        var answer = result;
        if (itemKey is not null && result.ValueKind == JsonValueKind.Object && result.TryGetProperty(itemKey, out var item))
        {
            result = item;
        }

        if (firstRow)
        {
            if (result.ValueKind == JsonValueKind.Array && result.GetArrayLength() > 0)
            {
                return Row(result[0], answer, method);
            }

            if (result.ValueKind != JsonValueKind.Array)
            {
                throw WrongShape(method, "a list holding the row", answer);
            }

            throw new BitrixException("NOT_FOUND", "Not found", null, method);
        }

        return Row(result, answer, method);
    }

    /// <summary>A row, which must be a JSON object.</summary>
    private static JsonElement Row(JsonElement row, JsonElement answer, string? method)
        => row.ValueKind == JsonValueKind.Object ? row : throw WrongShape(method, "a row (a JSON object)", answer);

    /// <summary>The error of an answer whose shape is not what the method returns, with a short excerpt (long letter-and-digit runs, the shape of codes and tokens, masked).</summary>
    private static BitrixException WrongShape(string? method, string expected, JsonElement answer)
    {
        var raw = answer.ValueKind == JsonValueKind.Undefined ? string.Empty : answer.GetRawText();
        var excerpt = new StringBuilder();
        var run = 0;
        foreach (var c in raw)
        {
            if (excerpt.Length >= 120)
            {
                excerpt.Length -= Math.Min(run, excerpt.Length);
                excerpt.Append(new string('*', Math.Min(run, 120))).Append("...");
                break;
            }

            run = char.IsAsciiLetterOrDigit(c) || c == '_' || c == '-' ? run + 1 : 0;
            if (run == 16)
            {
                excerpt.Length -= 15;
                excerpt.Append('*', 15);
            }

            excerpt.Append(char.IsWhiteSpace(c) ? ' ' : run >= 16 ? '*' : c);
        }

        return new BitrixException("INVALID_RESPONSE", $"Expected {expected}, got {answer.ValueKind}: {excerpt}.", null, method);
    }

    /// <summary>The new ID in an add answer: the result itself, or <c>result[itemKey][idKey]</c>.</summary>
    public static long NewId(JsonElement result, string? itemKey, string idKey)
    {
        if (itemKey is not null && result.ValueKind == JsonValueKind.Object && result.TryGetProperty(itemKey, out var item))
        {
            result = item;
        }

        if (result.ValueKind == JsonValueKind.Object && result.TryGetProperty(idKey, out var id))
        {
            result = id;
        }

        return BitrixValue.ReadInt64(result, out var value) && value is { } v
            ? v
            : throw new BitrixException("INVALID_RESPONSE", "The answer carries no new ID: " + result.GetRawText());
    }

    /// <summary>A JSON true, <c>"Y"</c> or any non-error answer of a write counts as success.</summary>
    public static bool Success(JsonElement result)
        => !(BitrixValue.ReadBoolean(result, out var b) && b == false);

    /// <summary>Typed results of a bulk call, in input order.</summary>
    public static IReadOnlyList<BitrixResult<T>> Map<T>(
        IReadOnlyList<BitrixItemResult> results,
        Func<JsonElement, T> map)
    {
        ArgumentNullException.ThrowIfNull(results);
        var typed = new BitrixResult<T>[results.Count];
        for (var i = 0; i < results.Count; i++)
        {
            var r = results[i];
            if (r.Result is { } value)
            {
                try
                {
                    typed[i] = new BitrixResult<T>(r.Index, map(value), null);
                }
                catch (BitrixException e)
                {
                    typed[i] = new BitrixResult<T>(r.Index, default, new BitrixError(e.ErrorCode, e.Description, e.StatusCode));
                }
            }
            else
            {
                typed[i] = new BitrixResult<T>(r.Index, default, r.Error);
            }
        }

        return typed;
    }

    /// <summary>Copies every member of <paramref name="source"/> onto <paramref name="target"/>.</summary>
    public static void Merge(JsonObject target, JsonObject source)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(source);
        foreach (var pair in source)
        {
            target[pair.Key] = pair.Value?.DeepClone();
        }
    }
}
