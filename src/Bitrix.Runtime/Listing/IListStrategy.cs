using System.Text.Json;

namespace Bitrix.Listing;

/// <summary>One way of reading a whole list; <see cref="Lister"/> chooses which.</summary>
internal interface IListStrategy
{
    /// <summary>Streams the rows of <paramref name="run"/>'s list, counting its requests on it.</summary>
    /// <param name="run">The read: method, query, options and its progress.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    IAsyncEnumerable<JsonElement> ReadAsync(ListRun run, CancellationToken cancellationToken);
}
