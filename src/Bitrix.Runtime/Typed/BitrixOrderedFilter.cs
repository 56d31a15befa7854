using System.Text.Json.Nodes;

namespace Bitrix;

/// <summary>
/// A typed filter field holding an ordered value — an integer or ID (<see cref="long"/>), a money
/// (<see cref="decimal"/>), a number (<see cref="double"/>), a date (<see cref="DateOnly"/>) or a date-and-time
/// (<see cref="DateTimeOffset"/>): <c>==</c>, <c>!=</c>, <c>&lt;</c>, <c>&lt;=</c>, <c>&gt;</c>, <c>&gt;=</c>, In, NotIn, IsEmpty.
/// </summary>
/// <typeparam name="TEntity">The entity the field belongs to.</typeparam>
/// <typeparam name="TValue">The field's value type; one of the five above.</typeparam>
public readonly struct BitrixOrderedFilter<TEntity, TValue> : IEquatable<BitrixOrderedFilter<TEntity, TValue>>
    where TValue : struct
{
    /// <summary>A filter field for the wire name <paramref name="name"/>.</summary>
    /// <exception cref="NotSupportedException"><typeparamref name="TValue"/> is not one of the ordered value types.</exception>
    public BitrixOrderedFilter(string name)
    {
        _ = FilterValueWriter<TValue>.Write ?? throw new NotSupportedException($"{typeof(TValue).Name} is not a filter value type: use long, decimal, double, DateOnly or DateTimeOffset.");
        Name = name;
    }

    /// <summary>The field's wire name.</summary>
    public string Name { get; }

    /// <summary>Equal (<c>=</c>).</summary>
    public static BitrixFilter<TEntity> operator ==(BitrixOrderedFilter<TEntity, TValue> field, TValue value) => Term("=", field, value);

    /// <summary>Not equal (<c>!=</c>).</summary>
    public static BitrixFilter<TEntity> operator !=(BitrixOrderedFilter<TEntity, TValue> field, TValue value) => Term("!=", field, value);

    /// <summary>Less than (<c>&lt;</c>).</summary>
    public static BitrixFilter<TEntity> operator <(BitrixOrderedFilter<TEntity, TValue> field, TValue value) => Term("<", field, value);

    /// <summary>Less than or equal (<c>&lt;=</c>).</summary>
    public static BitrixFilter<TEntity> operator <=(BitrixOrderedFilter<TEntity, TValue> field, TValue value) => Term("<=", field, value);

    /// <summary>Greater than (<c>&gt;</c>).</summary>
    public static BitrixFilter<TEntity> operator >(BitrixOrderedFilter<TEntity, TValue> field, TValue value) => Term(">", field, value);

    /// <summary>Greater than or equal (<c>&gt;=</c>).</summary>
    public static BitrixFilter<TEntity> operator >=(BitrixOrderedFilter<TEntity, TValue> field, TValue value) => Term(">=", field, value);

    /// <summary>One of the values (<c>@</c>, IN).</summary>
    public BitrixFilter<TEntity> In(params TValue[] values) => In((IEnumerable<TValue>)values);

    /// <summary>One of the values (<c>@</c>, IN).</summary>
    public BitrixFilter<TEntity> In(IEnumerable<TValue> values) => FilterTerms<TEntity>.In(Name, values, FilterValueWriter<TValue>.Write!);

    /// <summary>None of the values (<c>!@</c>, NOT IN).</summary>
    public BitrixFilter<TEntity> NotIn(params TValue[] values) => NotIn((IEnumerable<TValue>)values);

    /// <summary>None of the values (<c>!@</c>, NOT IN).</summary>
    public BitrixFilter<TEntity> NotIn(IEnumerable<TValue> values) => FilterTerms<TEntity>.In(Name, values, FilterValueWriter<TValue>.Write!, negate: true);

    /// <summary>Has no value (<c>=</c> an empty string).</summary>
    public BitrixFilter<TEntity> IsEmpty() => FilterTerms<TEntity>.Empty(Name);

    /// <summary>Has a value (<c>!=</c> an empty string).</summary>
    public BitrixFilter<TEntity> IsNotEmpty() => FilterTerms<TEntity>.Empty(Name, negate: true);

    /// <inheritdoc/>
    public bool Equals(BitrixOrderedFilter<TEntity, TValue> other) => string.Equals(Name, other.Name, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is BitrixOrderedFilter<TEntity, TValue> other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Name is null ? 0 : StringComparer.Ordinal.GetHashCode(Name);

    /// <inheritdoc/>
    public override string ToString() => Name;

    private static BitrixFilter<TEntity> Term(string op, BitrixOrderedFilter<TEntity, TValue> field, TValue value) => FilterTerms<TEntity>.Compare(op, field.Name, FilterValueWriter<TValue>.Write!(value));
}

/// <summary>How a filter writes a value of <typeparamref name="TValue"/>: the same writers the entity fields use, chosen once per type.</summary>
internal static class FilterValueWriter<TValue>
    where TValue : struct
{
    /// <summary>The writer; null when <typeparamref name="TValue"/> is no ordered value type.</summary>
    public static readonly Func<TValue, JsonNode?>? Write = Resolve();

    private static Func<TValue, JsonNode?>? Resolve()
    {
        object? write =
            typeof(TValue) == typeof(long) ? new Func<long, JsonNode?>(static v => BitrixValue.WriteInt64(v))
            : typeof(TValue) == typeof(decimal) ? new Func<decimal, JsonNode?>(static v => BitrixValue.WriteDecimal(v))
            : typeof(TValue) == typeof(double) ? new Func<double, JsonNode?>(static v => BitrixValue.WriteDouble(v))
            : typeof(TValue) == typeof(DateOnly) ? new Func<DateOnly, JsonNode?>(static v => BitrixValue.WriteDate(v))
            : typeof(TValue) == typeof(DateTimeOffset) ? new Func<DateTimeOffset, JsonNode?>(static v => BitrixValue.WriteDateTime(v))
            : null;
        return (Func<TValue, JsonNode?>?)write;
    }
}
