using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Bitrix.Generator.Tests;

public class SmokeTests
{
    [Theory]
    [InlineData(LanguageVersion.CSharp14)]
    [InlineData(LanguageVersion.CSharp13)]
    public void Shipped_schemas_generate_code_that_compiles_without_any_diagnostic(LanguageVersion version)
    {
        var outcome = GeneratorHarness.Run(GeneratorHarness.ShippedSchemas(), version: version);

        Expect.None(outcome.Diagnostics);
        Expect.None(outcome.CompileErrors.Concat(outcome.CompileWarnings));
        Assert.Contains("Deal.g.cs", outcome.Sources.Keys);
    }

    [Fact]
    public void With_CSharp_13_the_entry_points_are_methods()
    {
        const string code = """
            using Bitrix;
            public static class UserCode
            {
                public static object[] Run(BitrixClient bx) =>
                [
                    bx.Crm().Deal.ListAllAsync(Deal.Filter.Opportunity > 0m),
                    bx.Crm().Deal.Contact.Items.GetAsync(5),
                    bx.User().GetAsync(1),
                    bx.Tasks().Task.ListAsync(),
                    new CrmDealApi(bx).GetAsync(1),
                ];
            }
            """;

        var outcome = GeneratorHarness.Run(GeneratorHarness.ShippedSchemas(), code, LanguageVersion.CSharp13);

        Expect.None(outcome.CompileErrors.Concat(outcome.CompileWarnings));
    }
}
