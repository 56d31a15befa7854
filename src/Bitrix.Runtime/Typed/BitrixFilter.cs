using System.ComponentModel;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Bitrix;

/// <summary>
/// A list filter for <typeparamref name="TEntity"/>, built from the entity's typed filter fields
/// (<c>Deal.Filter.StageId.In("NEW", "WON") &amp; Deal.Filter.Opportunity &gt;= 1000m</c>). Terms joined with
/// <c>&amp;</c> must all hold; <c>|</c> builds a <c>logic: OR</c> group, which only some methods (crm.item.list) accept.
/// </summary>
/// <typeparam name="TEntity">The entity filtered.</typeparam>
public sealed class BitrixFilter<TEntity>
{
    private static readonly string[] Operators = ["", "=", "!", "!=", ">", ">=", "<", "<=", "@", "!@", "%", "=%", "%=", "!%", "!=%", "!%="];
    private readonly string? _key;
    private readonly JsonNode? _value;
    private readonly IReadOnlyList<BitrixFilter<TEntity>> _children;
    private readonly bool _isOr;

    private BitrixFilter(string? key, JsonNode? value, IReadOnlyList<BitrixFilter<TEntity>> children, bool isOr)
    {
        _key = key;
        _value = value;
        _children = children;
        _isOr = isOr;
    }

    /// <summary>One term: an operator-prefixed key (<c>&gt;=OPPORTUNITY</c>) and its value.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static BitrixFilter<TEntity> Term(string key, JsonNode? value)
        => new(key, value, [], false);

    /// <summary>
    /// A term on any field — a user field, one the schema lacks — with any operator of the REST API:
    /// <c>""</c>/<c>=</c>, <c>!</c>/<c>!=</c>, <c>&gt;</c>, <c>&gt;=</c>, <c>&lt;</c>, <c>&lt;=</c>, <c>@</c> (IN), <c>!@</c>,
    /// <c>%</c> (LIKE), <c>=%</c>/<c>%=</c>, <c>!%</c>, <c>!=%</c>/<c>!%=</c>.
    /// </summary>
    public static BitrixFilter<TEntity> Raw(string field, string op, JsonNode? value)
    {
        if (string.IsNullOrWhiteSpace(field))
        {
            throw new ArgumentException("A field name is required.", nameof(field));
        }

        if (Array.IndexOf(Operators, op ?? string.Empty) < 0)
        {
            throw new ArgumentException($"'{op}' is not a filter operator of the Bitrix24 REST API.", nameof(op));
        }

        return new(op + field, value, [], false);
    }

    /// <summary>Both filters must hold.</summary>
    public static BitrixFilter<TEntity> operator &(BitrixFilter<TEntity> left, BitrixFilter<TEntity> right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        var children = new List<BitrixFilter<TEntity>>();
        children.AddRange(left.AndParts());
        children.AddRange(right.AndParts());
        return new(null, null, children, false);
    }

    /// <summary>Either filter must hold (<c>logic: OR</c>; crm.item.list and the ORM-based methods).</summary>
    public static BitrixFilter<TEntity> operator |(BitrixFilter<TEntity> left, BitrixFilter<TEntity> right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        var children = new List<BitrixFilter<TEntity>>();
        children.AddRange(left._isOr ? left._children : [left]);
        children.AddRange(right._isOr ? right._children : [right]);
        return new(null, null, children, true);
    }

    /// <summary>The filter as the REST API takes it; a key used twice goes into a nested group.</summary>
    public JsonObject ToJson()
    {
        var result = new JsonObject();
        if (_isOr)
        {
            result["0"] = Group();
        }
        else
        {
            Fill(result);
        }

        return result;
    }

    /// <summary>The filter as readable JSON (operators unescaped).</summary>
    public override string ToString() => ToJson().ToJsonString(BitrixValue.ReadableJson);

    private IEnumerable<BitrixFilter<TEntity>> AndParts()
        => _key is null && !_isOr ? _children : [this];

    private void Fill(JsonObject target)
    {
        var nested = 0;
        foreach (var part in AndParts())
        {
            if (part._key is not null && !target.ContainsKey(part._key))
            {
                target[part._key] = part._value?.DeepClone();
                continue;
            }

            while (target.ContainsKey(nested.ToString(CultureInfo.InvariantCulture)))
            {
                nested++;
            }

            var key = nested.ToString(CultureInfo.InvariantCulture);
            if (part._key is not null)
            {
                target[key] = new JsonObject { [part._key] = part._value?.DeepClone() };
            }
            else
            {
                target[key] = part.Group();
            }
        }
    }

    private JsonObject Group()
    {
        var group = new JsonObject();
        if (!_isOr)
        {
            Fill(group);
            return group;
        }

        group["logic"] = "OR";
        for (var i = 0; i < _children.Count; i++)
        {
            var child = new JsonObject();
            _children[i].Fill(child);
            group[i.ToString(CultureInfo.InvariantCulture)] = child;
        }

        return group;
    }
}
