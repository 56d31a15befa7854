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
}
