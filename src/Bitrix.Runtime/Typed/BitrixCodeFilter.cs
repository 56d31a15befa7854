namespace Bitrix;

/// <summary>A typed filter field holding a code or a text ID (crm_status, crm_currency): ==, !=, In, NotIn, IsEmpty — no LIKE.</summary>
/// <typeparam name="TEntity">The entity the field belongs to.</typeparam>
public readonly struct BitrixCodeFilter<TEntity> : IEquatable<BitrixCodeFilter<TEntity>>
{
    /// <summary>A filter field for the wire name <paramref name="name"/>.</summary>
    public BitrixCodeFilter(string name) => Name = name;

    /// <summary>The field's wire name.</summary>
    public string Name { get; }

    /// <summary>Equal (<c>=</c>).</summary>
    public static BitrixFilter<TEntity> operator ==(BitrixCodeFilter<TEntity> field, string value) => Term("=", field, value);

    /// <summary>Not equal (<c>!=</c>).</summary>
    public static BitrixFilter<TEntity> operator !=(BitrixCodeFilter<TEntity> field, string value) => Term("!=", field, value);

    /// <summary>One of the values (<c>@</c>, IN).</summary>
    public BitrixFilter<TEntity> In(params string[] values) => In((IEnumerable<string>)values);

    /// <summary>One of the values (<c>@</c>, IN).</summary>
    public BitrixFilter<TEntity> In(IEnumerable<string> values) => FilterTerms<TEntity>.In(Name, values, BitrixValue.WriteString);

    /// <summary>None of the values (<c>!@</c>, NOT IN).</summary>
    public BitrixFilter<TEntity> NotIn(params string[] values) => NotIn((IEnumerable<string>)values);

    /// <summary>None of the values (<c>!@</c>, NOT IN).</summary>
    public BitrixFilter<TEntity> NotIn(IEnumerable<string> values) => FilterTerms<TEntity>.In(Name, values, BitrixValue.WriteString, negate: true);

    /// <summary>Has no value (<c>=</c> an empty string).</summary>
    public BitrixFilter<TEntity> IsEmpty() => FilterTerms<TEntity>.Empty(Name);

    /// <summary>Has a value (<c>!=</c> an empty string).</summary>
    public BitrixFilter<TEntity> IsNotEmpty() => FilterTerms<TEntity>.Empty(Name, negate: true);

    /// <inheritdoc/>
    public bool Equals(BitrixCodeFilter<TEntity> other) => string.Equals(Name, other.Name, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is BitrixCodeFilter<TEntity> other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Name is null ? 0 : StringComparer.Ordinal.GetHashCode(Name);

    /// <inheritdoc/>
    public override string ToString() => Name;

    private static BitrixFilter<TEntity> Term(string op, BitrixCodeFilter<TEntity> field, string value) => FilterTerms<TEntity>.Compare(op, field.Name, BitrixValue.WriteString(value));
}
