namespace Bitrix.Emulator.Data;

/// <summary>
/// One stored row. Seeded rows keep no values: they are regenerated from the seed on every read,
/// so a portal of a million deals stays small. The first write materialises the values.
/// Values are the legacy canonical form: a string or null, a list of strings for multiple
/// fields, a list of <see cref="MultifieldValue"/> for PHONE/EMAIL/WEB/IM/LINK.
/// </summary>
internal sealed class Row
{
    public Row(long id, Dictionary<string, object?>? values = null)
    {
        Id = id;
        Values = values;
    }

    public long Id { get; }

    public Dictionary<string, object?>? Values { get; set; }
}

/// <summary>One entry of a multifield (PHONE, EMAIL, ...).</summary>
internal sealed record MultifieldValue(long Id, string ValueType, string Value, string TypeId);
