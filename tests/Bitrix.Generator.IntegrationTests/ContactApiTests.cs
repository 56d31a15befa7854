namespace Bitrix.Generator.IntegrationTests;

/// <summary>
/// Contacts come from the user schema Schemas/crm.contact.bitrix.json, which replaces the shipped
/// one and adds this portal's user fields as typed properties.
/// </summary>
public class ContactApiTests
{
    [Fact]
    public async Task A_user_schema_types_the_portals_user_fields()
    {
        await using var portal = new PortalScope();
        await portal.Emulator.DeclareUserFieldAsync(new Emulator.UserFieldDeclaration("crm.contact", "UF_CRM_LOYALTY", "integer"));
        await portal.Emulator.DeclareUserFieldAsync(new Emulator.UserFieldDeclaration("crm.contact", "UF_CRM_1742556744977", "string") { Multiple = true });

        var id = await portal.Client.Crm.Contact.AddAsync(new ContactFields
        {
            Name = "Anna",
            LastName = "Ivanova",
            Birthdate = new DateOnly(1990, 5, 17),
            Phone = [new Multifield("+7 495 000-00-00", "MOBILE")],
            Email = [new Multifield("anna@example.com")],
            UfCrmLoyalty = 3,
            UfCrm1742556744977 = ["Annie", "A."],
        });
        var contact = await portal.Client.Crm.Contact.GetAsync(id);
        var loyal = await portal.Client.Crm.Contact.ListAllAsync(
            Contact.Filter.UfCrmLoyalty >= 3,
            select: [Contact.Field.Id, Contact.Field.Name, Contact.Field.Phone, Contact.Field.UfCrmLoyalty]).ToListAsync();

        Assert.Equal("Anna", contact.Name);
        Assert.Equal(new DateOnly(1990, 5, 17), contact.Birthdate);
        Assert.Equal(3, contact.UfCrmLoyalty);
        Assert.Equal(["Annie", "A."], contact.UfCrm1742556744977);
        var phone = Assert.Single(contact.Phone!);
        Assert.Equal("+7 495 000-00-00", phone.Value);
        Assert.Equal("MOBILE", phone.ValueType);
        Assert.NotNull(phone.Id);
        Assert.Equal("anna@example.com", Assert.Single(contact.Email!).Value);
        Assert.True(contact.HasPhone);
        var byPhone = await portal.Client.Crm.Contact.ListAllAsync(Contact.Filter.Phone == "+7 495 000-00-00" & Contact.Filter.Email.Like("example.com")).ToListAsync();
        var row = Assert.Single(loyal);
        Assert.Equal(id, Assert.Single(byPhone).Id);
        Assert.Equal(id, row.Id);
        Assert.Single(row.Phone!);
    }

    [Fact]
    public async Task Multifield_entries_are_changed_and_removed_by_ID()
    {
        await using var portal = new PortalScope();
        var id = await portal.Client.Crm.Contact.AddAsync(new ContactFields { Name = "Ivan", Phone = [new Multifield("+1 111"), new Multifield("+2 222")] });
        var phones = (await portal.Client.Crm.Contact.GetAsync(id)).Phone!;

        await portal.Client.Crm.Contact.UpdateAsync(id, new ContactFields { Phone = [Multifield.Remove(phones[0].Id!.Value), phones[1] with { Value = "+3 333" }] });
        var after = await portal.Client.Crm.Contact.GetAsync(id);

        Assert.Equal(["+3 333"], after.Phone!.Select(p => p.Value));
    }

    [Fact]
    public async Task Contacts_list_and_get_read_seeded_rows()
    {
        await using var portal = new PortalScope();

        var contacts = await portal.Client.Crm.Contact.ListAllAsync().ToListAsync();
        var first = await portal.Client.Crm.Contact.GetAsync(contacts[0].Id!.Value);

        Assert.Equal(30, contacts.Count);
        Assert.Equal(contacts[0].Name, first.Name);
        Assert.Equal(contacts[0].DateCreate, first.DateCreate);
    }
}
