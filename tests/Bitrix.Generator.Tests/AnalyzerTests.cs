using System.Collections.Immutable;
using Bitrix.Generator.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Bitrix.Generator.Tests;

/// <summary>BTX1001: a raw call's method name that is close to a known one is most likely a typo.</summary>
public class AnalyzerTests
{
    [Theory]
    [InlineData("bx.CallAsync(\"crm.deal.lst\", (JsonObject?)null)", "crm.deal.lst", "crm.deal.list")]
    [InlineData("bx.ListAllAsync(\"crm.deals.list\")", "crm.deals.list", "crm.deal.list")]
    [InlineData("bx.CallManyAsync(\"tasks.task.gett\", new JsonObject?[0])", "tasks.task.gett", "tasks.task.get")]
    [InlineData("bx.CallRawAsync(\"user.gte\", (JsonNode?)null)", "user.gte", "user.get")]
    [InlineData("new BitrixBatch().Add(\"d\", \"crm.deal.gett\", (JsonObject?)null)", "crm.deal.gett", "crm.deal.get")]
    public async Task A_near_miss_gets_a_suggestion(string call, string name, string suggestion)
    {
        var d = Assert.Single(await Analyze(call));

        Assert.Equal("BTX1001", d.Id);
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
        Assert.Equal($"No schema knows the method '{name}'; did you mean '{suggestion}'?", d.GetMessage());
        Assert.Equal("User.cs", d.Location.GetLineSpan().Path);
    }

    [Theory]
    [InlineData("bx.CallAsync(\"crm.deal.list\", (JsonObject?)null)")]
    [InlineData("bx.CallAsync(\"CRM.DEAL.LIST\", (JsonObject?)null)")]
    [InlineData("bx.CallAsync(\"tasks.task.getFields\", (JsonObject?)null)")]
    [InlineData("bx.CallAsync(\"im.notify.system.add\", (JsonObject?)null)")]
    [InlineData("bx.CallAsync(name, (JsonObject?)null)")]
    public async Task Known_far_and_computed_names_are_left_alone(string call)
    {
        Assert.Empty(await Analyze(call));
    }

    private static async Task<ImmutableArray<Diagnostic>> Analyze(string call)
    {
        var code = $$"""
            using System.Text.Json.Nodes;
            using Bitrix;
            public static class UserCode
            {
                public static object Run(BitrixClient bx, string name) => {{call}};
            }
            """;
        var compilation = GeneratorHarness.Compilation(code);
        Expect.None(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var texts = GeneratorHarness.ShippedSchemas().Select(s => (AdditionalText)new InMemoryText(s.Path, s.Text)).ToImmutableArray();
        var options = new AnalyzerOptions(texts, GeneratorHarness.OptionsFor(GeneratorHarness.ShippedSchemas()));
        var analyzed = compilation.WithAnalyzers([new MethodNameAnalyzer()], options);
        return await analyzed.GetAnalyzerDiagnosticsAsync();
    }
}
