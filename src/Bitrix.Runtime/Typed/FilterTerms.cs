using System.Text.Json.Nodes;

namespace Bitrix;

/// <summary>The terms every typed filter field builds the same way, whatever its value type.</summary>
/// <typeparam name="TEntity">The entity the field belongs to.</typeparam>
internal static class FilterTerms<TEntity>
{
    /// <summary>A comparison: <paramref name="op"/> before the wire name, the value written as the field's type writes it.</summary>
    public static BitrixFilter<TEntity> Compare(string op, string name, JsonNode? value) => BitrixFilter<TEntity>.Term(op + name, value);

    /// <summary>One of the values (<c>@</c>) or, with <paramref name="negate"/>, none of them (<c>!@</c>).</summary>
    public static BitrixFilter<TEntity> In<TValue>(string name, IEnumerable<TValue> values, Func<TValue, JsonNode?> write, bool negate = false)
    {
        ArgumentNullException.ThrowIfNull(values);
        return BitrixFilter<TEntity>.Term((negate ? "!@" : "@") + name, BitrixValue.WriteList(values, write));
    }

    /// <summary>Has no value (<c>=</c> an empty string) or, with <paramref name="negate"/>, has one (<c>!=</c>).</summary>
    public static BitrixFilter<TEntity> Empty(string name, bool negate = false) => BitrixFilter<TEntity>.Term((negate ? "!=" : "=") + name, string.Empty);

}
