namespace Bitrix.Generator.IntegrationTests;

/// <summary>The other legacy CRM entities the emulator serves read through their generated APIs.</summary>
public class OtherEntityTests
{
    [Fact]
    public async Task Leads_companies_and_activities_list_and_get()
    {
        await using var portal = new PortalScope(deals: 10);

        var leads = await portal.Client.Crm.Lead.ListAllAsync().ToListAsync();
        var companies = await portal.Client.Crm.Company.ListAllAsync().ToListAsync();
        var activities = await portal.Client.Crm.Activity.ListAsync();
        var lead = await portal.Client.Crm.Lead.GetAsync(leads[0].Id!.Value);
        var company = await portal.Client.Crm.Company.GetAsync(companies[^1].Id!.Value);

        Assert.Equal(portal.Emulator.Options.Leads, leads.Count);
        Assert.Equal(10, companies.Count);
        Assert.NotEmpty(activities.Items);
        Assert.Equal(leads[0].Title, lead.Title);
        Assert.Equal(companies[^1].Title, company.Title);
        Assert.All(activities.Items, a => Assert.NotNull(a.OwnerId));
    }

    [Fact]
    public async Task Field_catalogs_read_from_the_portal()
    {
        await using var portal = new PortalScope(deals: 1);

        var fields = await portal.Client.Crm.Deal.FieldsAsync();

        Assert.Equal("double", fields["OPPORTUNITY"].Type);
        Assert.True(fields["ID"].IsReadOnly);
        Assert.True(fields["CONTACT_IDS"].IsMultiple);
    }
}
