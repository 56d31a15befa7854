using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Bitrix.Listing;

namespace Bitrix;

/// <content>What changed since the last run: modified rows and deleted IDs.</content>
public partial class BitrixClient
{
    /// <summary>
    /// The rows of a list modified at or after <paramref name="since"/> (every row when it is null
    /// or <see cref="SyncCheckpoint.Beginning"/>), streamed in ID order with the cursor, and the
    /// checkpoint to store for the next run in <see cref="ChangeFeed.Checkpoint"/>. Deleted rows do
    /// not appear: learn them with <see cref="FindDeletedAsync"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The options ask for offsets, or the parameters carry an order or a start.</exception>
    public virtual ChangeFeed ChangesAsync(string method, SyncCheckpoint? since, JsonObject? parameters = null, ChangeOptions? options = null, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        method = MethodName.Validate(method, nameof(method));
        return new ChangeFeed(_lister, method, since ?? SyncCheckpoint.Beginning, parameters, options ?? new ChangeOptions(), cancellationToken);
    }

    /// <summary>
    /// The IDs of a list in ascending order, reading nothing but the ID: 2,500 per request with the
    /// chained cursor, plus one request that probes the range.
    /// </summary>
    public virtual async IAsyncEnumerable<long> ListIdsAsync(string method, JsonObject? parameters = null, ListOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        method = MethodName.Validate(method, nameof(method));
        options ??= new ListOptions();
        if (options.Strategy is ListStrategy.Offset)
        {
            throw new ArgumentException("IDs are read with the cursor; use ListStrategy.ChainedCursor, ParallelCursor or Auto.", nameof(options));
        }

        var profile = ListMethodProfile.For(method, options);
        var page = parameters is null ? [] : (JsonObject)parameters.DeepClone();
        foreach (var key in page.Select(p => p.Key).Where(k => k.Equals("select", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            page.Remove(key);
        }

        page["select"] = new JsonArray(profile.FilterIdKey);
        var listOptions = new ListOptions
        {
            Strategy = options.Strategy == ListStrategy.Auto ? ListStrategy.ChainedCursor : options.Strategy,
            IdKey = options.IdKey,
            WrapperKey = options.WrapperKey,
            Progress = options.Progress,
            MaxItems = options.MaxItems,
        };
        await foreach (var row in _lister.ListAsync(method, page, listOptions, cancellationToken).ConfigureAwait(false))
        {
            if (profile.IdOf(row) is { } id)
            {
                yield return id;
            }
        }
    }

    /// <summary>
    /// Which of <paramref name="knownIds"/> no longer exist: the list's current IDs are read with
    /// <see cref="ListIdsAsync"/> (about one request per 2,500 rows, plus a probe) and compared.
    /// </summary>
    /// <returns>The deleted IDs, ascending.</returns>
    public virtual async Task<IReadOnlyList<long>> FindDeletedAsync(string method, IEnumerable<long> knownIds, JsonObject? parameters = null, ListOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(knownIds);
        var missing = new HashSet<long>(knownIds);
        if (missing.Count == 0)
        {
            return [];
        }

        await foreach (var id in ListIdsAsync(method, parameters, options, cancellationToken).ConfigureAwait(false))
        {
            missing.Remove(id);
        }

        var deleted = missing.ToList();
        deleted.Sort();
        return deleted;
    }
}
