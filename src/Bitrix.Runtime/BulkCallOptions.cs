using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bitrix;

/// <summary>Settings of one bulk call (<see cref="BitrixClient.CallManyAsync(string, IEnumerable{JsonObject?}, BulkCallOptions?, CancellationToken)"/>).</summary>
public sealed class BulkCallOptions
{
    /// <summary>
    /// How to find out whether a write whose answer was lost did run: given the item's
    /// parameters, return the existing record's result (e.g. its ID, looked up by an origin or
    /// external ID field) or null when it does not exist. With it, such an item is looked up and
    /// resent only when missing, so no unknown outcome remains; without it, the item ends as
    /// <see cref="BitrixErrorCodes.UnknownOutcome"/>.
    /// </summary>
    public Func<JsonObject, CancellationToken, Task<JsonElement?>>? FindExisting { get; set; }

    /// <summary>How often an item with a lost answer is checked and resent at most.</summary>
    public int MaxResends { get; set; } = 3;
}
