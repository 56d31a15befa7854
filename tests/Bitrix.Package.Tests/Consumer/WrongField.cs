using Bitrix;

internal static class WrongField
{
    // "Titel" is not a field of crm.deal: the generated DealFields has no such property.
    public static DealFields Fields => new() { Titel = "x" };
}
