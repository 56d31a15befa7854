using System.Text.Json.Nodes;
using Bitrix.Export;

namespace Bitrix.Cli.Tests;

public class FilterOptionTests
{
    [Theory]
    [InlineData("STAGE_ID=WON", "", "STAGE_ID", "\"WON\"")]
    [InlineData(">=DATE_CREATE=2024-01-01", ">=", "DATE_CREATE", "\"2024-01-01\"")]
    [InlineData("<=OPPORTUNITY=1000.50", "<=", "OPPORTUNITY", "\"1000.50\"")]
    [InlineData(">ID=5", ">", "ID", "\"5\"")]
    [InlineData("<ID=5", "<", "ID", "\"5\"")]
    [InlineData("!STAGE_ID=LOSE", "!", "STAGE_ID", "\"LOSE\"")]
    [InlineData("!=STAGE_ID=LOSE", "!=", "STAGE_ID", "\"LOSE\"")]
    [InlineData("=TITLE=a=b", "=", "TITLE", "\"a=b\"")]
    [InlineData("%TITLE=acme", "%", "TITLE", "\"acme\"")]
    [InlineData("=%TITLE=acme%", "=%", "TITLE", "\"acme%\"")]
    [InlineData("%=TITLE=%acme", "%=", "TITLE", "\"%acme\"")]
    [InlineData("!%TITLE=acme", "!%", "TITLE", "\"acme\"")]
    [InlineData("@STAGE_ID=NEW, WON ,LOSE", "@", "STAGE_ID", "[\"NEW\",\"WON\",\"LOSE\"]")]
    [InlineData("!@ID=1,2", "!@", "ID", "[\"1\",\"2\"]")]
    [InlineData("!COMMENTS=", "!", "COMMENTS", "\"\"")]
    [InlineData("UF_CRM_COLOR=101", "", "UF_CRM_COLOR", "\"101\"")]
    [InlineData("  >=ID=7  ", ">=", "ID", "\"7\"")]
    public void A_condition_reads_as_operator_field_and_value(string text, string op, string field, string valueJson)
    {
        var condition = FilterCondition.Parse(text);

        Assert.Equal(op, condition.Operator);
        Assert.Equal(field, condition.Field);
        Assert.Equal(valueJson, condition.Value?.ToJsonString());
        Assert.Equal(op + field, condition.Key);
    }

    [Theory]
    [InlineData("STAGE_ID", "expected [OPERATOR]FIELD=VALUE")]
    [InlineData("=5", "expected [OPERATOR]FIELD=VALUE")]
    [InlineData(">=", "expected [OPERATOR]FIELD=VALUE")]
    [InlineData("", "expected [OPERATOR]FIELD=VALUE")]
    [InlineData("ID>=5", "the operator goes before the field: '>=ID=5'")]
    [InlineData("TITLE%=acme", "the operator goes before the field: '%=TITLE=acme'")]
    [InlineData("~ID=5", "expected [OPERATOR]FIELD=VALUE")]
    public void A_malformed_condition_says_what_is_wrong(string text, string message)
    {
        var error = Assert.Throws<CliException>(() => FilterCondition.Parse(text));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task Conditions_are_checked_against_the_portal_catalog_and_spelled_as_it_spells_them()
    {
        var catalog = new Dictionary<string, string> { ["ID"] = "integer", ["TITLE"] = "string", ["STAGE_ID"] = "crm_status", ["UF_CRM_COLOR"] = "enumeration" };
        var settings = new ExportSettings { Out = "x.csv", Filters = [FilterCondition.Parse("stage_id=WON"), FilterCondition.Parse(">=uf_crm_color=1")], Select = ["title", "UF_*"] };

        var plan = ExportPlan.Create(settings, catalog);

        Assert.Equal(["STAGE_ID", "UF_CRM_COLOR"], plan.Filters.Select(f => f.Field));
        Assert.Equal(["ID", "TITLE", "UF_*"], plan.Select!);
        Assert.Equal(["ID", "TITLE", "UF_CRM_COLOR"], plan.Columns);

        var unknown = Assert.Throws<CliException>(() => ExportPlan.Create(settings with { Filters = [FilterCondition.Parse("STAGEID=WON")] }, catalog));
        Assert.Equal("unknown field 'STAGEID' in --filter: crm.deal.fields has no such field (did you mean 'STAGE_ID'?)", unknown.Message);
        await Task.CompletedTask;
    }

    [Fact]
    public void Without_select_the_columns_are_the_typed_fields_and_multifields_are_asked_for_by_name()
    {
        var contactFields = CrmEntities.TypedFields("contact").ToDictionary(f => f.Name, f => f.Type);

        var plan = ExportPlan.Create(new ExportSettings { Out = "c.csv", Entity = "contact" }, contactFields);

        Assert.Equal("ID", plan.Columns[0]);
        Assert.Contains("PHONE", plan.Columns);
        Assert.Contains("EMAIL", plan.Columns);
        Assert.Equal("*", plan.Select![0]);
        Assert.Contains("PHONE", plan.Select);
        Assert.Null(ExportPlan.Create(new ExportSettings { Out = "d.csv" }, CrmEntities.TypedFields("deal").ToDictionary(f => f.Name, f => f.Type)).Select);
    }

    [Fact]
    public void Values_are_sent_as_text_and_lists_as_arrays()
    {
        var value = FilterCondition.Parse("@ID=1,2,3").Value;

        Assert.IsType<JsonArray>(value);
        Assert.Equal(3, ((JsonArray)value!).Count);
    }
}
