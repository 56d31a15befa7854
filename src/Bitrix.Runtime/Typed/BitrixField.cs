namespace Bitrix;

/// <summary>A field reference for <c>select</c> and <c>order</c>: <c>Deal.Field.Title</c>.</summary>
/// <typeparam name="TEntity">The entity the field belongs to.</typeparam>
public readonly record struct BitrixField<TEntity>(string Name)
{
    /// <summary>Sort by this field, ascending.</summary>
    public BitrixOrder<TEntity> Ascending => new(Name, false);

    /// <summary>Sort by this field, descending.</summary>
    public BitrixOrder<TEntity> Descending => new(Name, true);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
