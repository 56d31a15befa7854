using System.Text.Json.Nodes;

namespace Bitrix.Emulator.Data;

/// <summary>The ordered field catalog of one entity: the shipped documented fields plus declared user fields.</summary>
internal sealed class EntityCatalog
{
    private readonly List<FieldDef> _fields = [];
    private readonly Dictionary<string, FieldDef> _byName = new(StringComparer.OrdinalIgnoreCase);

    public EntityCatalog(string name, IEnumerable<FieldDef> fields)
    {
        Name = name;
        foreach (var field in fields)
        {
            Add(field);
        }
    }

    public string Name { get; }

    public IReadOnlyList<FieldDef> Fields => _fields;

    public FieldDef? Find(string name) => _byName.GetValueOrDefault(name);

    public void Add(FieldDef field)
    {
        if (_byName.TryGetValue(field.Name, out var existing))
        {
            _fields[_fields.IndexOf(existing)] = field;
        }
        else
        {
            _fields.Add(field);
        }

        _byName[field.Name] = field;
    }

    /// <summary>The catalog as a <c>*.fields</c> answer (legacy dialect: a flat map).</summary>
    public JsonObject ToFieldsAnswer()
    {
        var result = new JsonObject();
        foreach (var field in _fields)
        {
            result[field.Name] = field.Definition.DeepClone();
        }

        return result;
    }

    /// <summary>Loads a documented catalog shipped as an embedded resource (flat or wrapped in <c>fields</c>).</summary>
    public static EntityCatalog Load(string name)
    {
        var result = LoadResource(name);
        var map = result["fields"] as JsonObject ?? result;
        return new EntityCatalog(name, map.Select(p => new FieldDef(p.Key, (JsonObject)p.Value!.DeepClone())));
    }

    public static JsonObject LoadResource(string name)
    {
        var assembly = typeof(EntityCatalog).Assembly;
        using var stream = assembly.GetManifestResourceStream($"Catalogs.{name}.json")
            ?? throw new InvalidOperationException($"catalog resource {name} is missing");
        var root = JsonNode.Parse(stream)!.AsObject();
        return root["result"]!.AsObject();
    }
}
