namespace Bitrix;

/// <summary>One key of a sort order: <c>Deal.Field.DateCreate.Descending</c>.</summary>
/// <typeparam name="TEntity">The entity the field belongs to.</typeparam>
public readonly record struct BitrixOrder<TEntity>(string Field, bool IsDescending);
