namespace Bitrix;

/// <summary>One page of a list: its rows, the total count and the offset of the next page.</summary>
/// <typeparam name="T">The row type.</typeparam>
public sealed record BitrixPage<T>(IReadOnlyList<T> Items, long? Total, long? Next);
