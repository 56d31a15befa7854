using Microsoft.CodeAnalysis;

namespace Bitrix.Generator.Tests;

/// <summary>A parameter with a fixed value (a smart process's entityTypeId) and stage constants of a status field.</summary>
public class FixedParameterTests
{
    private const string Schema = """
        {
          "entity": "Order",
          "path": "Crm.SmartProcesses.Order",
          "idKey": "id",
          "wrapperKey": "items",
          "itemKey": "item",
          "parameters": [ { "name": "entityTypeId", "type": "integer", "value": 1036 } ],
          "methods": {
            "list": { "method": "crm.item.list" },
            "get": { "method": "crm.item.get" },
            "add": { "method": "crm.item.add" },
            "touch": { "method": "crm.item.touch", "kind": "call", "result": "bool", "parameters": [ { "name": "id", "type": "integer" } ] }
          },
          "fields": { "fields": {
            "id": { "type": "integer", "isReadOnly": true, "title": "ID" },
            "title": { "type": "string", "title": "Name" },
            "stageId": { "type": "crm_status", "title": "Stage", "items": [
              { "ID": "DT1036_8:NEW", "VALUE": "Start" }, { "ID": "DT1036_8:SUCCESS", "VALUE": "Success" },
              { "ID": "DT1036_9:NEW", "VALUE": "Start" } ] }
          } }
        }
        """;

    [Fact]
    public void A_fixed_parameter_is_sent_but_is_not_a_csharp_parameter()
    {
        const string code = """
            using Bitrix;
            public static class UserCode
            {
                public static object[] Run(BitrixClient bx) =>
                [
                    bx.Crm.SmartProcesses.Order.ListAllAsync(Order.Filter.StageId == Order.StageIdValues.Success),
                    bx.Crm.SmartProcesses.Order.GetAsync(5),
                    bx.Crm.SmartProcesses.Order.AddAsync(new OrderFields { Title = "x", StageId = Order.StageIdValues.Start }),
                    bx.Crm.SmartProcesses.Order.TouchAsync(5),
                ];
            }
            """;

        var outcome = GeneratorHarness.Run([new SchemaFile("/project/order.bitrix.json", Schema, Shipped: false)], code);

        Expect.None(outcome.Diagnostics);
        Expect.None(outcome.CompileErrors.Concat(outcome.CompileWarnings));
        var source = outcome.Sources["Order.g.cs"];
        Assert.Contains("parameters[\"entityTypeId\"] = 1036L;", source, StringComparison.Ordinal);
        Assert.DoesNotContain("long entityTypeId", source, StringComparison.Ordinal);
        Assert.Contains("public const string Success = \"DT1036_8:SUCCESS\";", source, StringComparison.Ordinal);
        Assert.Contains("public const string Start2 = \"DT1036_9:NEW\";", source, StringComparison.Ordinal);
    }

    [Fact]
    public void A_fixed_value_of_the_wrong_kind_is_BTX0003()
    {
        var schema = Schema.Replace("\"value\": 1036", "\"value\": \"1036\"", StringComparison.Ordinal);

        var outcome = GeneratorHarness.Run([new SchemaFile("/project/order.bitrix.json", schema, Shipped: false)]);

        var d = Assert.Single(outcome.Diagnostics, d => d.Id == "BTX0003");
        Assert.Equal(7, d.Location.GetLineSpan().StartLinePosition.Line + 1);
        Assert.Contains("an integer", d.GetMessage(), StringComparison.Ordinal);
    }
}
