using Bitrix.Generator.Parsing;

namespace Bitrix.Generator.Tests;

/// <summary>Wire names become valid, predictable C# identifiers.</summary>
public class NamingTests
{
    [Theory]
    [InlineData("ID", "Id")]
    [InlineData("STAGE_ID", "StageId")]
    [InlineData("UF_CRM_1742556744977", "UfCrm1742556744977")]
    [InlineData("UF_CRM_1_2", "UfCrm1_2")]
    [InlineData("UF_CRM_12", "UfCrm12")]
    [InlineData("ufCrm11_1712074666", "UfCrm11_1712074666")]
    [InlineData("stageId", "StageId")]
    [InlineData("1C_CODE", "_1cCode")]
    [InlineData("class", "Class")]
    [InlineData("PARENT_ID_156", "ParentId156")]
    [InlineData("edit.originator", "EditOriginator")]
    [InlineData("Название", "Название")]
    [InlineData("---", "Field")]
    public void Wire_names_map_to_identifiers(string wire, string identifier)
    {
        Assert.Equal(identifier, Identifiers.ToPascal(wire));
        Assert.True(Identifiers.IsValidIdentifier(Identifiers.ToPascal(wire)));
    }

    [Theory]
    [InlineData("RESPONSIBLE_ID", "responsibleId")]
    [InlineData("UF_CRM_TASK", "ufCrmTask")]
    [InlineData("ID", "id")]
    public void Task_row_keys_are_camelCase(string wire, string key) => Assert.Equal(key, Identifiers.ToCamel(wire));

    [Fact]
    public void Awkward_catalogs_generate_code_that_compiles()
    {
        var schema = """
            {
              "entity": "Odd",
              "path": "Odd.Things",
              "methods": { "list": "odd.things.list", "get": "odd.things.get", "add": "odd.things.add", "update": "odd.things.update", "class": { "method": "odd.things.class", "result": "rows", "parameters": [ { "name": "params", "type": "integer" }, { "name": "event", "type": "string", "required": false } ] } },
              "fields": {
                "ID": { "type": "integer", "isReadOnly": true },
                "UF_CRM_1_2": { "type": "integer" },
                "UF_CRM_12": { "type": "integer" },
                "1C_CODE": { "type": "string" },
                "class": { "type": "string" },
                "RAW": { "type": "string" },
                "ALL": { "type": "string" },
                "ADDITIONAL_DATA": { "type": "string" },
                "ODD": { "type": "string" },
                "\"QUOTED\" & <TAGGED>": { "type": "string", "title": "A \"quoted\" <title> & more" },
                "COLOR": { "type": "enumeration", "items": [ { "ID": "1", "VALUE": "Red" }, { "ID": "2", "VALUE": "Red" }, { "ID": "3", "VALUE": "1st choice" } ] },
                "MODE": { "type": "enum", "values": { "a-b": "A/B", "c": "C" } },
                "PHONE": { "type": "crm_multifield", "isMultiple": true }
              }
            }
            """;

        var outcome = GeneratorHarness.Run([new SchemaFile("/p/odd.bitrix.json", schema, Shipped: false)], """
            using Bitrix;
            public static class UserCode
            {
                public static object Run(BitrixClient bx) => (
                    Odd.Filter.UfCrm1_2 == 1 & Odd.Filter.UfCrm12 == 2 & Odd.Filter._1cCode == "x" & Odd.Filter.Class == "c"
                        & Odd.Filter.Raw2 == "r" & Odd.Filter.All2 == "a" & Odd.Filter.AdditionalData2 == "d" & Odd.Filter.Odd2 == "o"
                        & Odd.Filter.QuotedTagged == "q" & Odd.Filter.Color == Odd.ColorValues.Red2 & Odd.Filter.Mode == Odd.ModeValues.AB,
                    bx.Odd.Things.ClassAsync(@params: 1, @event: "e"),
                    Odd.ColorValues._1stChoice);
            }
            """);

        Expect.None(outcome.CompileErrors.Concat(outcome.CompileWarnings));
    }

    [Fact]
    public void An_entity_without_methods_is_a_row_type_only()
    {
        var outcome = GeneratorHarness.Run([new SchemaFile("/p/row.bitrix.json", """{ "entity": "Row", "fields": { "ID": { "type": "integer" } } }""", Shipped: false)]);

        Expect.None(outcome.Diagnostics.Concat(outcome.CompileErrors));
        Assert.DoesNotContain("Api", outcome.Sources["Row.g.cs"], StringComparison.Ordinal);
        Assert.DoesNotContain("BitrixApi.g.cs", outcome.Sources.Keys);
    }

    [Fact]
    public void A_portals_own_fields_answer_can_be_dropped_in()
    {
        // The whole envelope of a live portal's crm.lead.fields, user fields and money/url types included.
        var answer = File.ReadAllText(Path.Combine(GeneratorHarness.FixturesDirectory, "real-responses", "crm_lead_fields_success.json"));
        var fields = answer[answer.IndexOf('{', 1)..answer.LastIndexOf('}')];
        var schema = $$"""
            { "entity": "PortalLead", "path": "Crm.Lead", "methods": { "list": "crm.lead.list" }, "fields": {{fields}} }
            """;

        var outcome = GeneratorHarness.Run([new SchemaFile("/p/crm.lead.bitrix.json", schema, Shipped: false)], """
            using Bitrix;
            public static class UserCode
            {
                public static object Run(BitrixClient bx) => bx.Crm.Lead.ListAllAsync(PortalLead.Filter.UfCrm1594289659496 == "100|RUB");
            }
            """);

        Expect.None(outcome.Diagnostics.Where(d => d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning));
        Expect.None(outcome.CompileErrors);
        Assert.Contains("public string? UfCrm1594289659496", outcome.Sources["PortalLead.g.cs"], StringComparison.Ordinal);
    }

    [Fact]
    public void Generated_types_can_be_internal()
    {
        var outcome = GeneratorHarness.Run(GeneratorHarness.ShippedSchemas(), accessibility: "internal");

        Expect.None(outcome.CompileErrors.Concat(outcome.CompileWarnings));
        Assert.Contains("internal sealed partial record Deal", outcome.Sources["Deal.g.cs"], StringComparison.Ordinal);
        // The schema-independent types are the runtime's (public there); no generated top-level type is public.
        Assert.DoesNotContain("BitrixSupport.g.cs", outcome.Sources.Keys);
        Assert.All(outcome.Sources.Values, source => Assert.DoesNotContain("\n    public ", source.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal));
    }
}
