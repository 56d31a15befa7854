using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Bitrix;

/// <summary>
/// A <see cref="ChangeFeed"/> whose rows are read into <typeparamref name="T"/> (the generated
/// <c>ChangesAsync</c> of an entity returns one): the same cursor, checkpoint and counters, typed rows.
/// A feed can be enumerated once.
/// </summary>
/// <typeparam name="T">The row type.</typeparam>
public sealed class ChangeFeed<T> : IAsyncEnumerable<T>
{
    private readonly ChangeFeed _rows;
    private readonly Func<JsonElement, T> _read;

    internal ChangeFeed(ChangeFeed rows, Func<JsonElement, T> read)
    {
        _rows = rows;
        _read = read;
    }

    /// <inheritdoc cref="ChangeFeed.Delivered"/>
    public long Delivered => _rows.Delivered;

    /// <inheritdoc cref="ChangeFeed.Repeats"/>
    public long Repeats => _rows.Repeats;

    /// <inheritdoc cref="ChangeFeed.SkippedDuplicates"/>
    public long SkippedDuplicates => _rows.SkippedDuplicates;

    /// <inheritdoc cref="ChangeFeed.Completed"/>
    public bool Completed => _rows.Completed;

    /// <inheritdoc cref="ChangeFeed.Checkpoint"/>
    public SyncCheckpoint Checkpoint => _rows.Checkpoint;

    /// <inheritdoc/>
    public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        // Taken here, not when the enumerator first moves: a second enumeration fails at once, as the untyped feed's does.
        var rows = _rows.GetAsyncEnumerator(cancellationToken);
        return ReadAsync(rows, cancellationToken).GetAsyncEnumerator(cancellationToken);
    }

    private async IAsyncEnumerable<T> ReadAsync(IAsyncEnumerator<JsonElement> rows, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using (rows.ConfigureAwait(false))
        {
            while (await rows.MoveNextAsync().ConfigureAwait(false))
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return _read(rows.Current);
            }
        }
    }
}
