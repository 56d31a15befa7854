using System.Collections.Immutable;
using Bitrix.Generator.Analyzers;
using Bitrix.Generator.CodeFixes;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
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

    [Fact]
    public async Task The_code_fix_puts_in_the_suggested_name()
    {
        const string call = "bx.CallAsync(\"crm.deal.lst\", (JsonObject?)null)";
        var diagnostic = Assert.Single(await Analyze(call));
        using var workspace = new AdhocWorkspace();
        var document = workspace.AddProject("User", LanguageNames.CSharp).AddDocument("User.cs", Code(call));
        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);

        await new MethodNameCodeFix().RegisterCodeFixesAsync(context);
        var action = Assert.Single(actions);
        var operation = Assert.IsType<ApplyChangesOperation>(Assert.Single(await action.GetOperationsAsync(CancellationToken.None)));
        var fixedText = (await operation.ChangedSolution.GetDocument(document.Id)!.GetTextAsync()).ToString();

        Assert.Equal("Use 'crm.deal.list'", action.Title);
        Assert.Contains("bx.CallAsync(\"crm.deal.list\", (JsonObject?)null)", fixedText, StringComparison.Ordinal);
    }

    private static string Code(string call) => $$"""
        using System.Text.Json.Nodes;
        using Bitrix;
        public static class UserCode
        {
            public static object Run(BitrixClient bx, string name) => {{call}};
        }
        """;

    private static async Task<ImmutableArray<Diagnostic>> Analyze(string call)
    {
        var compilation = GeneratorHarness.Compilation(Code(call));
        Expect.None(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var texts = GeneratorHarness.ShippedSchemas().Select(s => (AdditionalText)new InMemoryText(s.Path, s.Text)).ToImmutableArray();
        var options = new AnalyzerOptions(texts, GeneratorHarness.OptionsFor(GeneratorHarness.ShippedSchemas()));
        var analyzed = compilation.WithAnalyzers([new MethodNameAnalyzer()], options);
        return await analyzed.GetAnalyzerDiagnosticsAsync();
    }
}
