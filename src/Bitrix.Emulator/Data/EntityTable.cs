namespace Bitrix.Emulator.Data;

/// <summary>
/// The rows of one entity, ordered by ID. IDs only grow, as on a real portal: a deleted ID is
/// never handed out again. Not thread-safe: the portal serialises access.
/// </summary>
internal sealed class EntityTable
{
    private readonly List<long> _ids = [];
    private readonly Dictionary<long, Row> _rows = [];
    private readonly Func<long, string, object?> _seedValue;

    public EntityTable(string name, EntityCatalog catalog, Func<long, string, object?> seedValue)
    {
        Name = name;
        Catalog = catalog;
        _seedValue = seedValue;
    }

    public string Name { get; }

    public EntityCatalog Catalog { get; }

    public long MaxId { get; private set; }

    public int Count => _ids.Count;

    /// <summary>The sorted IDs of existing rows.</summary>
    public IReadOnlyList<long> Ids => _ids;

    /// <summary>Adds seeded rows with the given ascending IDs, all above <see cref="MaxId"/>.</summary>
    public void Seed(IReadOnlyList<long> ids)
    {
        foreach (var id in ids)
        {
            if (id <= MaxId)
            {
                throw new ArgumentException("seeded IDs must increase", nameof(ids));
            }

            _ids.Add(id);
            _rows[id] = new Row(id);
            MaxId = id;
        }
    }

    /// <summary>Adds <paramref name="count"/> seeded rows numbered on from <see cref="MaxId"/>.</summary>
    public void SeedNext(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var id = MaxId + 1;
            _ids.Add(id);
            _rows[id] = new Row(id);
            MaxId = id;
        }
    }

    public Row? Find(long id) => _rows.GetValueOrDefault(id);

    public object? GetValue(Row row, string field)
    {
        if (row.Values is { } values)
        {
            return values.GetValueOrDefault(field);
        }

        return field == "ID" ? row.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) : _seedValue(row.Id, field);
    }

    public Row Insert(Dictionary<string, object?> values)
    {
        var id = MaxId + 1;
        MaxId = id;
        values["ID"] = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var row = new Row(id, values);
        _ids.Add(id);
        _rows[id] = row;
        return row;
    }

    /// <summary>Gives a seeded row its own values so that it can be changed.</summary>
    public Dictionary<string, object?> Materialise(Row row)
    {
        if (row.Values is null)
        {
            var values = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var field in Catalog.Fields)
            {
                values[field.Name] = GetValue(row, field.Name);
            }

            values["ID"] = row.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            row.Values = values;
        }

        return row.Values;
    }

    public bool Delete(long id)
    {
        if (!_rows.Remove(id))
        {
            return false;
        }

        var index = _ids.BinarySearch(id);
        if (index >= 0)
        {
            _ids.RemoveAt(index);
        }

        return true;
    }

    /// <summary>Index of the first ID that is at least <paramref name="id"/>.</summary>
    public int LowerBound(long id)
    {
        var index = _ids.BinarySearch(id);
        return index >= 0 ? index : ~index;
    }
}
