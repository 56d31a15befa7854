using System.Text.Json;
using Json.Schema;

namespace Bitrix.Generator.Tests;

/// <summary>The shipped schemas satisfy the JSON Schema editors use, and that JSON Schema rejects what the generator rejects.</summary>
public class SchemaFileTests
{
    private static readonly JsonSchema EditorSchema = JsonSchema.FromFile(Path.Combine(GeneratorHarness.RepositoryRoot, "schema", "bitrix.schema.json"));

    public static TheoryData<string> Schemas()
    {
        var data = new TheoryData<string>();
        foreach (var schema in GeneratorHarness.ShippedSchemas())
        {
            data.Add(Path.GetFileName(schema.Path));
        }

        data.Add("../tests/Bitrix.Generator.IntegrationTests/Schemas/crm.contact.bitrix.json");
        return data;
    }

    [Theory]
    [MemberData(nameof(Schemas))]
    public void Shipped_schemas_are_valid_against_the_editor_schema(string file)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(GeneratorHarness.RepositoryRoot, "schema", file)));

        var result = EditorSchema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });

        Assert.True(result.IsValid, string.Join("\n", result.Details?.Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")) ?? []));
    }

    [Theory]
    [InlineData("""{ "fields": {} }""")]
    [InlineData("""{ "entity": "X", "fields": {}, "wraperKey": "items" }""")]
    [InlineData("""{ "entity": "X", "fields": {}, "methods": { "list": { "method": "x list" } } }""")]
    [InlineData("""{ "entity": "X", "fields": { "A": { "title": "no type" } } }""")]
    [InlineData("""{ "entity": "X", "fields": {}, "fieldTypes": { "A": "decimal[][]" } }""")]
    public void The_editor_schema_rejects_what_the_generator_reports(string text)
    {
        using var document = JsonDocument.Parse(text);

        Assert.False(EditorSchema.Evaluate(document.RootElement).IsValid);
    }
}
