namespace Bitrix;

/// <summary>A typed filter field holding free text: ==, !=, In, NotIn, Like, NotLike, LikePattern, NotLikePattern, IsEmpty.</summary>
/// <typeparam name="TEntity">The entity the field belongs to.</typeparam>
public readonly struct BitrixTextFilter<TEntity> : IEquatable<BitrixTextFilter<TEntity>>
{
    /// <summary>A filter field for the wire name <paramref name="name"/>.</summary>
    public BitrixTextFilter(string name) => Name = name;

    /// <summary>The field's wire name.</summary>
    public string Name { get; }

    /// <summary>Equal (<c>=</c>).</summary>
    public static BitrixFilter<TEntity> operator ==(BitrixTextFilter<TEntity> field, string value) => Term("=", field, value);

    /// <summary>Not equal (<c>!=</c>).</summary>
    public static BitrixFilter<TEntity> operator !=(BitrixTextFilter<TEntity> field, string value) => Term("!=", field, value);

    /// <summary>One of the values (<c>@</c>, IN).</summary>
    public BitrixFilter<TEntity> In(params string[] values) => In((IEnumerable<string>)values);

    /// <summary>One of the values (<c>@</c>, IN).</summary>
    public BitrixFilter<TEntity> In(IEnumerable<string> values) => FilterTerms<TEntity>.In(Name, values, BitrixValue.WriteString);

    /// <summary>None of the values (<c>!@</c>, NOT IN).</summary>
    public BitrixFilter<TEntity> NotIn(params string[] values) => NotIn((IEnumerable<string>)values);

    /// <summary>None of the values (<c>!@</c>, NOT IN).</summary>
    public BitrixFilter<TEntity> NotIn(IEnumerable<string> values) => FilterTerms<TEntity>.In(Name, values, BitrixValue.WriteString, negate: true);

    /// <summary>Contains the text anywhere (<c>%</c>, LIKE without wildcards).</summary>
    public BitrixFilter<TEntity> Like(string text) => BitrixFilter<TEntity>.Term("%" + Name, text);

    /// <summary>Does not contain the text (<c>!%</c>; crm.item.list, user.get, crm.activity.list).</summary>
    public BitrixFilter<TEntity> NotLike(string text) => BitrixFilter<TEntity>.Term("!%" + Name, text);

    /// <summary>Matches a pattern with explicit <c>%</c> wildcards (<c>=%</c>): <c>"mol%"</c>.</summary>
    public BitrixFilter<TEntity> LikePattern(string pattern) => BitrixFilter<TEntity>.Term("=%" + Name, pattern);

    /// <summary>Does not match a pattern with explicit <c>%</c> wildcards (<c>!=%</c>).</summary>
    public BitrixFilter<TEntity> NotLikePattern(string pattern) => BitrixFilter<TEntity>.Term("!=%" + Name, pattern);

    /// <summary>Has no value (<c>=</c> an empty string).</summary>
    public BitrixFilter<TEntity> IsEmpty() => FilterTerms<TEntity>.Empty(Name);

    /// <summary>Has a value (<c>!=</c> an empty string).</summary>
    public BitrixFilter<TEntity> IsNotEmpty() => FilterTerms<TEntity>.Empty(Name, negate: true);

    /// <inheritdoc/>
    public bool Equals(BitrixTextFilter<TEntity> other) => string.Equals(Name, other.Name, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is BitrixTextFilter<TEntity> other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Name is null ? 0 : StringComparer.Ordinal.GetHashCode(Name);

    /// <inheritdoc/>
    public override string ToString() => Name;

    private static BitrixFilter<TEntity> Term(string op, BitrixTextFilter<TEntity> field, string value) => FilterTerms<TEntity>.Compare(op, field.Name, BitrixValue.WriteString(value));
}
