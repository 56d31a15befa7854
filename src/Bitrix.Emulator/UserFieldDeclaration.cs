namespace Bitrix.Emulator;

/// <summary>A user field (<c>UF_CRM_*</c>) to declare on a CRM entity of the emulated portal.</summary>
/// <param name="Entity">The entity: <c>crm.deal</c>, <c>crm.lead</c>, <c>crm.contact</c> or <c>crm.company</c>.</param>
/// <param name="FieldName">The field name; <c>UF_CRM_</c> is prefixed when missing.</param>
/// <param name="Type">The user type id: string, integer, double, boolean, date, datetime, enumeration, money, url, crm, employee, file.</param>
public sealed record UserFieldDeclaration(string Entity, string FieldName, string Type = "string")
{
    /// <summary>Whether the field holds a list of values.</summary>
    public bool Multiple { get; init; }

    /// <summary>Whether the field is required.</summary>
    public bool Mandatory { get; init; }

    /// <summary>The label shown in forms and lists; the field name when null.</summary>
    public string? Label { get; init; }

    /// <summary>The items of an enumeration field, in order.</summary>
    public IReadOnlyList<string> Items { get; init; } = [];
}
