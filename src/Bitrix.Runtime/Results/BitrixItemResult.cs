using System.Text.Json;

namespace Bitrix;

/// <summary>
/// The outcome of one item of a bulk call: a result, an error, or — for a write whose answer
/// was lost — an unknown outcome. Items are reported in input order.
/// </summary>
public sealed record BitrixItemResult
{
    private BitrixItemResult(int index, JsonElement? result, BitrixError? error, BitrixTime? time)
    {
        Index = index;
        Result = result;
        Error = error;
        Time = time;
    }

    /// <summary>The item's position in the input.</summary>
    public int Index { get; }

    /// <summary>The result value; null when the item failed.</summary>
    public JsonElement? Result { get; }

    /// <summary>The error; null when the item succeeded.</summary>
    public BitrixError? Error { get; }

    /// <summary>The server's <c>time</c> for this item, when reported.</summary>
    public BitrixTime? Time { get; }

    /// <summary>True when the item succeeded.</summary>
    public bool IsSuccess => Error is null;

    /// <summary>The result, or the error thrown as a <see cref="BitrixException"/>.</summary>
    public JsonElement GetResultOrThrow() => Result ?? throw Error!.ToException();

    internal static BitrixItemResult Success(int index, JsonElement result, BitrixTime? time = null) => new(index, result, null, time);

    internal static BitrixItemResult Failure(int index, BitrixError error, BitrixTime? time = null) => new(index, null, error, time);

    /// <inheritdoc/>
    public override string ToString() => IsSuccess ? $"#{Index}: {Result}" : $"#{Index}: error {Error!.Code} {Error.Description}";
}
