using Microsoft.CodeAnalysis;

namespace Bitrix.Generator.Tests;

/// <summary>Mistakes against the typed API are compile errors, not runtime surprises.</summary>
public class CompileErrorTests
{
    [Fact]
    public void Correct_code_compiles()
    {
        var outcome = Compile("""
            var filter = Deal.Filter.StageId.In("NEW", "WON") & Deal.Filter.Opportunity >= 1000m & Deal.Filter.Title.Like("x")
                & Deal.Filter.DateCreate < System.DateTimeOffset.Now & Deal.Filter.Begindate >= new System.DateOnly(2024, 1, 1)
                & Deal.Filter.Opened == true & Deal.Filter.Id.NotIn(1, 2) & Deal.Filter.Raw("UF_CRM_5", ">=", 3);
            var rows = bx.Crm.Deal.ListAllAsync(filter, select: [Deal.Field.Id, Deal.Field.Title], order: [Deal.Field.DateCreate.Descending]);
            var fields = new DealFields { Title = "x", Opportunity = 5m, Comments = null, ContactIds = [1, 2] };
            fields.Set("UF_CRM_5", 3);
            var items = bx.Crm.Deal.Contact.Items.GetAsync(dealId: 5);
            var crm = bx.Crm.Item.ListAllAsync(2, CrmItem.Filter.Opportunity > 0m | CrmItem.Filter.StageId == "NEW");
            var task = bx.Tasks.Task.GetAsync(5);
            """);

        Expect.None(outcome);
    }

    [Theory]
    [InlineData("Deal.Filter.Nope == 1", "CS0117")]
    [InlineData("Deal.Filter.Opportunity >= \"a lot\"", "CS0019")]
    [InlineData("Deal.Filter.Opportunity >= 1.5", "CS0019")]
    [InlineData("Deal.Filter.Title == 5", "CS0019")]
    [InlineData("Deal.Filter.StageId > \"NEW\"", "CS0019")]
    [InlineData("Deal.Filter.CompanyId.Like(\"x\")", "CS1061")]
    [InlineData("Deal.Filter.StageId.Like(\"N\")", "CS1061")]
    [InlineData("Deal.Filter.Opened.In(true)", "CS1061")]
    [InlineData("Deal.Filter.Id == 1 & Lead.Filter.Id == 2", "CS0019")]
    [InlineData("Deal.Filter.DateCreate > new System.DateOnly(2024, 1, 1)", "CS0019")]
    public void Filter_mistakes_are_compile_errors(string expression, string error)
    {
        var outcome = Compile($"var filter = {expression};");

        Assert.Contains(error, outcome.Select(d => d.Id));
    }

    [Theory]
    [InlineData("new DealFields { DateCreate = System.DateTimeOffset.Now }", "CS0619")]
    [InlineData("new DealFields { Id = 5 }", "CS0619")]
    [InlineData("new DealFields { Nope = 5 }", "CS0117")]
    [InlineData("new DealFields { Opportunity = \"5\" }", "CS0029")]
    [InlineData("new DealFields { Begindate = System.DateTime.Now }", "CS0029")]
    public void Write_mistakes_are_compile_errors(string expression, string error)
    {
        var outcome = Compile($"var fields = {expression};");

        Assert.Contains(error, outcome.Select(d => d.Id));
    }

    [Fact]
    public void Setting_a_read_only_field_says_why()
    {
        var error = Assert.Single(Compile("var fields = new DealFields { DateCreate = System.DateTimeOffset.Now };"));

        Assert.Contains("DATE_CREATE (Creation Date) is read-only", error.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("var rows = bx.Crm.Deal.ListAllAsync(select: [Lead.Field.Id]);")]
    [InlineData("var rows = bx.Crm.Deal.ListAllAsync(order: [Lead.Field.Id.Ascending]);")]
    [InlineData("var rows = bx.Crm.Deal.ListAllAsync(Lead.Filter.Id == 5);")]
    public void Select_order_and_filter_take_only_the_entitys_own_fields(string statement)
    {
        Assert.Contains(Compile(statement), d => d.Id is "CS1503" or "CS0029");
    }

    /// <summary>The shipped schemas' output, generated once; each case binds only its own code against it.</summary>
    private static readonly Lazy<GeneratorOutcome> Generated = new(() => GeneratorHarness.Run(GeneratorHarness.ShippedSchemas()));

    private static List<Diagnostic> Compile(string statements)
    {
        var code = $$"""
            using Bitrix;
            public static class UserCode
            {
                public static void Run(BitrixClient bx)
                {
                    {{statements}}
                }
            }
            """;
        Assert.Empty(Generated.Value.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        var tree = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(code, GeneratorHarness.ParseOptions(), "User.cs");
        var compilation = Generated.Value.Output.AddSyntaxTrees(tree);
        return compilation.GetSemanticModel(tree).GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error || (d.Severity == DiagnosticSeverity.Warning && d.Id != "CS0219")).ToList();
    }
}
