using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace Bitrix;

/// <content>Whole lists as streams of rows.</content>
public partial class BitrixClient
{
    /// <summary>
    /// Streams every row of a list method (<c>crm.deal.list</c>, <c>crm.item.list</c>, <c>tasks.task.list</c>, ...)
    /// as it arrives; memory stays bounded however long the list is.
    /// </summary>
    public virtual IAsyncEnumerable<JsonElement> ListAllAsync(string method, JsonObject? parameters = null, ListOptions? options = null, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        method = MethodName.Validate(method, nameof(method));
        return NamingTheMethod(method, _lister.ListAsync(method, parameters, options ?? new ListOptions(), cancellationToken), cancellationToken);
    }

    /// <summary>A wrong-shaped page is reported with the list's method (the page reader does not know it).</summary>
    private static async IAsyncEnumerable<JsonElement> NamingTheMethod(string method, IAsyncEnumerable<JsonElement> rows, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var enumerator = rows.GetAsyncEnumerator(cancellationToken);
        await using (enumerator.ConfigureAwait(false))
        {
            while (true)
            {
                try
                {
                    if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                    {
                        yield break;
                    }
                }
                catch (BitrixException e) when (e.ErrorCode == BitrixErrorCodes.InvalidResponse && e.Method is null)
                {
                    throw new BitrixException(e.ErrorCode, e.Description, e.StatusCode, method, e.CommandName, e);
                }

                yield return enumerator.Current;
            }
        }
    }

    /// <summary>Streams every row of a list, deserialised with source-generated metadata.</summary>
    public virtual async IAsyncEnumerable<T> ListAllAsync<T>(string method, JsonObject? parameters, JsonTypeInfo<T> rowType, ListOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rowType);
        await foreach (var row in ListAllAsync(method, parameters, options, cancellationToken).ConfigureAwait(false))
        {
            yield return Typed(method, row, static (r, t) => r.Deserialize(t)!, rowType);
        }
    }

    /// <summary>Streams every row of a list, deserialised by reflection.</summary>
    [RequiresUnreferencedCode(ParameterConverter.ReflectionMessage)]
    [RequiresDynamicCode(ParameterConverter.ReflectionMessage)]
    public virtual async IAsyncEnumerable<T> ListAllAsync<T>(string method, object? parameters = null, ListOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var row in ListAllAsync(method, ParameterConverter.ToObject(parameters), options, cancellationToken).ConfigureAwait(false))
        {
            yield return Typed(method, row, static (r, _) => r.Deserialize<T>(ResultJson.Options)!, 0);
        }
    }
}
