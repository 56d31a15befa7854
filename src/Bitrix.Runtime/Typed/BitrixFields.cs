using System.Text.Json.Nodes;

namespace Bitrix;

/// <summary>The base of the generated write types: only properties that were set are sent; a property set to null erases the field.</summary>
public abstract class BitrixFields
{
    private readonly JsonObject _values = new();

    /// <summary>The wire keys that are set, in the order they were first set.</summary>
    public IEnumerable<string> Keys
    {
        get
        {
            foreach (var pair in _values)
            {
                yield return pair.Key;
            }
        }
    }

    /// <summary>True when the field with wire key <paramref name="key"/> is set (to a value or to null).</summary>
    public bool IsSet(string key) => _values.ContainsKey(key);

    /// <summary>Forgets a set field: it is not sent.</summary>
    public bool Unset(string key) => _values.Remove(key);

    /// <summary>Sets any field by its wire key — a user field (<c>UF_CRM_...</c>) or one the schema lacks. Null erases.</summary>
    public void Set(string key, JsonNode? value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        _values[key] = value;
    }

    /// <summary>The set fields as the REST API takes them (a fresh copy on every call).</summary>
    public JsonObject ToJson() => (JsonObject)_values.DeepClone();

    /// <summary>The set fields as readable JSON.</summary>
    public override string ToString() => _values.ToJsonString(BitrixValue.ReadableJson);

    /// <summary>Sets a typed field.</summary>
    protected void SetValue(string key, JsonNode? value) => _values[key] = value;
}
