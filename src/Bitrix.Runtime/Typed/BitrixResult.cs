namespace Bitrix;

/// <summary>The outcome of one item of a bulk call, typed: a value or an error, in input order.</summary>
/// <typeparam name="T">The value's type.</typeparam>
public sealed record BitrixResult<T>
{
    /// <summary>Creates a result.</summary>
    public BitrixResult(int index, T? value, BitrixError? error)
    {
        Index = index;
        Value = value;
        Error = error;
    }

    /// <summary>The item's position in the input.</summary>
    public int Index { get; }

    /// <summary>The value; the type's default when the item failed.</summary>
    public T? Value { get; }

    /// <summary>The error; null when the item succeeded.</summary>
    public BitrixError? Error { get; }

    /// <summary>True when the item succeeded.</summary>
    public bool IsSuccess => Error is null;

    /// <summary>The value, or the error thrown as a <see cref="BitrixException"/>.</summary>
    public T GetValueOrThrow() => Error is null ? Value! : throw Error.ToException();
}
