namespace Bitrix;

/// <summary>
/// A bulk call (<see cref="BitrixClient.CallManyAsync(string, IEnumerable{System.Text.Json.Nodes.JsonObject?}, BulkCallOptions?, CancellationToken)"/>)
/// was cancelled part way. It is an <see cref="OperationCanceledException"/>, so code that handles
/// cancellation keeps working, and it says what became of every item: <see cref="Results"/> holds
/// one result per item in input order — a success or error the portal answered, an
/// <see cref="BitrixErrorCodes.UnknownOutcome"/> for an item whose request was in flight (it may
/// have run), or <see cref="BitrixErrorCodes.NotSent"/> for an item that was never sent (it did not run).
/// </summary>
public sealed class BitrixBulkCanceledException : OperationCanceledException
{
    /// <summary>Creates the exception for a bulk call of <paramref name="method"/> cancelled with the outcomes so far.</summary>
    public BitrixBulkCanceledException(string method, IReadOnlyList<BitrixItemResult> results, CancellationToken cancellationToken)
        : base(FormatMessage(method, results), cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(results);
        Method = method;
        Results = results;
    }

    /// <summary>The method the bulk call repeated.</summary>
    public string Method { get; }

    /// <summary>Every item's outcome, in input order.</summary>
    public IReadOnlyList<BitrixItemResult> Results { get; }

    /// <summary>The items that the portal answered (successes and errors).</summary>
    public IEnumerable<BitrixItemResult> Completed => Results.Where(r => r.Error?.Code is not (BitrixErrorCodes.NotSent or BitrixErrorCodes.UnknownOutcome));

    private static string FormatMessage(string method, IReadOnlyList<BitrixItemResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var succeeded = results.Count(r => r.IsSuccess);
        var unknown = results.Count(r => r.Error?.Code == BitrixErrorCodes.UnknownOutcome);
        var notSent = results.Count(r => r.Error?.Code == BitrixErrorCodes.NotSent);
        return $"The bulk call of {method} was cancelled: {succeeded} of {results.Count} items succeeded, {results.Count - succeeded - unknown - notSent} failed, {unknown} may or may not have run, {notSent} were not sent.";
    }
}
