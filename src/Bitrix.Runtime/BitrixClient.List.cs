using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Bitrix.Throttling;

namespace Bitrix;

/// <content>Whole lists as streams of rows.</content>
public partial class BitrixClient
{
    /// <summary>
    /// Streams every row of a list method (<c>crm.deal.list</c>, <c>crm.item.list</c>, <c>tasks.task.list</c>, ...)
    /// as it arrives; memory stays bounded however long the list is.
    /// </summary>
    public virtual async IAsyncEnumerable<JsonElement> ListAllAsync(string method, JsonObject? parameters = null, ListOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        method = MethodName.Validate(method, nameof(method));
        options ??= new ListOptions();
        var started = Stopwatch.GetTimestamp();
        long rows = 0, requests = 0;
        long start = 0;
        while (true)
        {
            var page = parameters is null ? [] : (JsonObject)parameters.DeepClone();
            page["start"] = start;
            var response = await _sender.SendAsync(method, page, CallShape.Single(method, _kinds), cancellationToken).ConfigureAwait(false);
            requests++;
            foreach (var row in Rows(response.Result, options.WrapperKey))
            {
                yield return row;
                rows++;
                if (options.MaxItems is { } max && rows >= max)
                {
                    yield break;
                }
            }

            options.Progress?.Report(new ListProgress { Rows = rows, ExpectedTotal = response.Total, Requests = requests, Elapsed = Stopwatch.GetElapsedTime(started) });
            if (response.Next is not { } next)
            {
                yield break;
            }

            start = next;
        }
    }

    /// <summary>Streams every row of a list, deserialised with source-generated metadata.</summary>
    public virtual async IAsyncEnumerable<T> ListAllAsync<T>(string method, JsonObject? parameters, JsonTypeInfo<T> rowType, ListOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rowType);
        await foreach (var row in ListAllAsync(method, parameters, options, cancellationToken).ConfigureAwait(false))
        {
            yield return row.Deserialize(rowType)!;
        }
    }

    /// <summary>Streams every row of a list, deserialised by reflection.</summary>
    [RequiresUnreferencedCode(ParameterConverter.ReflectionMessage)]
    [RequiresDynamicCode(ParameterConverter.ReflectionMessage)]
    public virtual async IAsyncEnumerable<T> ListAllAsync<T>(string method, object? parameters = null, ListOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var row in ListAllAsync(method, ParameterConverter.ToObject(parameters), options, cancellationToken).ConfigureAwait(false))
        {
            yield return row.Deserialize<T>(ResultJson.Options)!;
        }
    }

    /// <summary>The rows of one page: the result itself, or the list under its wrapper key (<c>items</c>, <c>tasks</c>, ...).</summary>
    internal static IEnumerable<JsonElement> Rows(JsonElement result, string? wrapperKey)
    {
        if (result.ValueKind == JsonValueKind.Array)
        {
            return result.EnumerateArray();
        }

        if (result.ValueKind == JsonValueKind.Object)
        {
            if (wrapperKey is not null && result.TryGetProperty(wrapperKey, out var wrapped) && wrapped.ValueKind == JsonValueKind.Array)
            {
                return wrapped.EnumerateArray();
            }

            foreach (var property in result.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.Array)
                {
                    return property.Value.EnumerateArray();
                }
            }
        }

        return [];
    }
}
