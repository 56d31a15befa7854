namespace Bitrix.Generator.IntegrationTests;

/// <summary>Every filter operator of docs/protocol.md §3 is expressible, and the JSON is what the REST API takes.</summary>
public class FilterTests
{
    [Theory]
    [MemberData(nameof(Operators))]
    public void Each_operator_writes_its_prefix(string expected, Func<BitrixFilter<Deal>> filter)
    {
        Assert.Equal(expected, filter().ToString());
    }

    public static TheoryData<string, Func<BitrixFilter<Deal>>> Operators() => new()
    {
        { """{"=ID":5}""", () => Deal.Filter.Id == 5 },
        { """{"!=ID":5}""", () => Deal.Filter.Id != 5 },
        { """{">OPPORTUNITY":1000.5}""", () => Deal.Filter.Opportunity > 1000.5m },
        { """{">=OPPORTUNITY":1000}""", () => Deal.Filter.Opportunity >= 1000m },
        { """{"<PROBABILITY":50}""", () => Deal.Filter.Probability < 50 },
        { """{"<=DATE_CREATE":"2024-09-02T18:37:18+02:00"}""", () => Deal.Filter.DateCreate <= new DateTimeOffset(2024, 9, 2, 18, 37, 18, TimeSpan.FromHours(2)) },
        { """{">=BEGINDATE":"2024-01-31"}""", () => Deal.Filter.Begindate >= new DateOnly(2024, 1, 31) },
        { """{"@STAGE_ID":["NEW","WON"]}""", () => Deal.Filter.StageId.In("NEW", "WON") },
        { """{"!@ID":[1,2]}""", () => Deal.Filter.Id.NotIn(1, 2) },
        { """{"%TITLE":"shop"}""", () => Deal.Filter.Title.Like("shop") },
        { """{"=%TITLE":"shop%"}""", () => Deal.Filter.Title.LikePattern("shop%") },
        { """{"!%TITLE":"test"}""", () => Deal.Filter.Title.NotLike("test") },
        { """{"!=%TITLE":"%test"}""", () => Deal.Filter.Title.NotLikePattern("%test") },
        { """{"=OPENED":"Y"}""", () => Deal.Filter.Opened == true },
        { """{"=COMPANY_ID":""}""", () => Deal.Filter.CompanyId.IsEmpty() },
        { """{"!=COMMENTS":""}""", () => Deal.Filter.Comments.IsNotEmpty() },
        { """{"%=UF_CRM_5":"a%"}""", () => Deal.Filter.Raw("UF_CRM_5", "%=", "a%") },
        { """{"!UF_CRM_5":3}""", () => Deal.Filter.Raw("UF_CRM_5", "!", 3) },
        { """{"UF_CRM_5":3}""", () => Deal.Filter.Raw("UF_CRM_5", "", 3) },
    };

    [Fact]
    public void And_joins_terms_and_nests_a_repeated_key()
    {
        var filter = Deal.Filter.StageId != "LOSE" & Deal.Filter.StageId != "JUNK" & Deal.Filter.Opportunity >= 1m;

        Assert.Equal("""{"!=STAGE_ID":"LOSE","0":{"!=STAGE_ID":"JUNK"},">=OPPORTUNITY":1}""", filter.ToString());
    }

    [Fact]
    public void Or_builds_a_logic_OR_group()
    {
        var filter = (CrmItem.Filter.StageId == "NEW" | CrmItem.Filter.Opportunity > 1000m) & CrmItem.Filter.AssignedById == 5;

        Assert.Equal("""{"0":{"logic":"OR","0":{"=stageId":"NEW"},"1":{">opportunity":1000}},"=assignedById":5}""", filter.ToString());
    }

    [Fact]
    public void Raw_rejects_an_unknown_operator()
    {
        Assert.Throws<ArgumentException>(() => Deal.Filter.Raw("UF_CRM_5", "~", 3));
    }

    [Fact]
    public async Task Or_groups_and_nested_keys_filter_rows_on_the_portal()
    {
        await using var portal = new PortalScope(deals: 120);
        var all = await portal.Client.Crm.Deal.ListAllAsync().ToListAsync();

        var notLost = await portal.Client.Crm.Deal.ListAllAsync(Deal.Filter.StageId != "LOSE" & Deal.Filter.StageId != "WON").ToListAsync();

        Assert.Equal(all.Count(d => d.StageId is not ("LOSE" or "WON")), notLost.Count);
    }
}
