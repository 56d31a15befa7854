using System.Collections;

namespace Bitrix;

/// <summary>
/// One (ID, result) pair per requested ID, in input order — duplicates included — with a
/// dictionary view over the unique IDs. A missing ID is an error on its own pair.
/// </summary>
/// <typeparam name="TId">The ID type.</typeparam>
public sealed class BitrixIdResults<TId> : IReadOnlyList<KeyValuePair<TId, BitrixItemResult>>
    where TId : notnull
{
    private readonly List<KeyValuePair<TId, BitrixItemResult>> _pairs;
    private Dictionary<TId, BitrixItemResult>? _byId;

    internal BitrixIdResults(List<KeyValuePair<TId, BitrixItemResult>> pairs) => _pairs = pairs;

    /// <inheritdoc/>
    public int Count => _pairs.Count;

    /// <inheritdoc/>
    public KeyValuePair<TId, BitrixItemResult> this[int index] => _pairs[index];

    /// <summary>The result for each unique ID (the first pair of a duplicated ID).</summary>
    public IReadOnlyDictionary<TId, BitrixItemResult> ById
    {
        get
        {
            if (_byId is null)
            {
                var map = new Dictionary<TId, BitrixItemResult>();
                foreach (var (id, result) in _pairs)
                {
                    map.TryAdd(id, result);
                }

                _byId = map;
            }

            return _byId;
        }
    }

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<TId, BitrixItemResult>> GetEnumerator() => _pairs.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
