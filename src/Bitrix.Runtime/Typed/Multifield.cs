namespace Bitrix;

/// <summary>One entry of a CRM multifield (<c>PHONE</c>, <c>EMAIL</c>, <c>WEB</c>, <c>IM</c>, <c>LINK</c>).</summary>
public sealed record Multifield
{
    /// <summary>An empty entry, to fill with an object initializer.</summary>
    public Multifield()
    {
    }

    /// <summary>A new entry to add: a value and its type (<c>WORK</c>, <c>MOBILE</c>, <c>HOME</c>, ...).</summary>
    public Multifield(string value, string valueType = "WORK")
    {
        Value = value;
        ValueType = valueType;
    }

    /// <summary>The entry's ID; set it to change or remove an existing entry.</summary>
    public long? Id { get; init; }

    /// <summary>The value: a phone number, an e-mail address, a URL, ...</summary>
    public string? Value { get; init; }

    /// <summary>The kind of value: <c>WORK</c>, <c>MOBILE</c>, <c>HOME</c>, <c>OTHER</c>, ...</summary>
    public string? ValueType { get; init; }

    /// <summary>The multifield the entry belongs to (<c>PHONE</c>, <c>EMAIL</c>, ...), as the portal reports it.</summary>
    public string? TypeId { get; init; }

    /// <summary>On a write: remove the entry with <see cref="Id"/>.</summary>
    public bool Delete { get; init; }

    /// <summary>A write that removes the entry <paramref name="id"/>.</summary>
    public static Multifield Remove(long id) => new() { Id = id, Delete = true };
}
