namespace Bitrix;

/// <summary>A typed filter field holding a flag (Y/N): ==, !=, IsEmpty.</summary>
/// <typeparam name="TEntity">The entity the field belongs to.</typeparam>
public readonly struct BitrixBooleanFilter<TEntity> : IEquatable<BitrixBooleanFilter<TEntity>>
{
    /// <summary>A filter field for the wire name <paramref name="name"/>.</summary>
    public BitrixBooleanFilter(string name) => Name = name;

    /// <summary>The field's wire name.</summary>
    public string Name { get; }

    /// <summary>Equal (<c>=</c>).</summary>
    public static BitrixFilter<TEntity> operator ==(BitrixBooleanFilter<TEntity> field, bool value) => Term("=", field, value);

    /// <summary>Not equal (<c>!=</c>).</summary>
    public static BitrixFilter<TEntity> operator !=(BitrixBooleanFilter<TEntity> field, bool value) => Term("!=", field, value);

    /// <summary>Has no value (<c>=</c> an empty string).</summary>
    public BitrixFilter<TEntity> IsEmpty() => FilterTerms<TEntity>.Empty(Name);

    /// <summary>Has a value (<c>!=</c> an empty string).</summary>
    public BitrixFilter<TEntity> IsNotEmpty() => FilterTerms<TEntity>.Empty(Name, negate: true);

    /// <inheritdoc/>
    public bool Equals(BitrixBooleanFilter<TEntity> other) => string.Equals(Name, other.Name, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is BitrixBooleanFilter<TEntity> other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Name is null ? 0 : StringComparer.Ordinal.GetHashCode(Name);

    /// <inheritdoc/>
    public override string ToString() => Name;

    private static BitrixFilter<TEntity> Term(string op, BitrixBooleanFilter<TEntity> field, bool value) => FilterTerms<TEntity>.Compare(op, field.Name, BitrixValue.WriteBoolean(value));
}
