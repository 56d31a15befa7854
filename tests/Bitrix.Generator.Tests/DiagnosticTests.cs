using Microsoft.CodeAnalysis;

namespace Bitrix.Generator.Tests;

/// <summary>Every schema problem is a diagnostic with a stable ID, the file's path and the line where it stands.</summary>
public class DiagnosticTests
{
    private const string Path = "/project/my.bitrix.json";

    [Fact]
    public void BTX0001_invalid_json_points_at_the_line_and_generates_nothing()
    {
        var outcome = Run("""
            {
              "entity": "Thing",
              "fields": { "ID": { "type": "integer" } ,, }
            }
            """);

        var d = Single(outcome, "BTX0001", line: 3);
        Assert.Contains("line 3", d.GetMessage(), StringComparison.Ordinal);
        Assert.DoesNotContain("Thing.g.cs", outcome.Sources.Keys);
    }

    [Fact]
    public void BTX0001_truncated_file()
    {
        var outcome = Run("{\n  \"entity\": \"Thing\",\n  \"fields\": {\n");
        Single(outcome, "BTX0001", line: 4);
    }

    [Fact]
    public void BTX0002_missing_entity_and_missing_fields()
    {
        Single(Run("""{ "fields": { "ID": { "type": "integer" } } }"""), "BTX0002", line: 1);
        Single(Run("""{ "entity": "Thing" }"""), "BTX0002", line: 1);
    }

    [Fact]
    public void BTX0003_wrong_kind_of_value()
    {
        var outcome = Run("""
            {
              "entity": "Thing",
              "methods": { "list": { "method": "thing.list" } },
              "fields": { "ID": { "type": "integer", "isReadOnly": "maybe" } }
            }
            """);

        Single(outcome, "BTX0003", line: 4);
        Assert.Contains("Thing.g.cs", outcome.Sources.Keys);
    }

    [Fact]
    public void BTX0004_unknown_property_suggests_the_known_one()
    {
        var d = Single(Run("""
            {
              "entity": "Thing",
              "wraperKey": "items",
              "fields": { "ID": { "type": "integer" } }
            }
            """), "BTX0004", line: 3);
        Assert.Contains("did you mean 'wrapperKey'", d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void BTX0005_bad_field_is_skipped_and_the_rest_generated()
    {
        var outcome = Run("""
            {
              "entity": "Thing",
              "fields": {
                "ID": { "type": "integer" },
                "BROKEN": 42,
                "NO_TYPE": { "title": "No type" },
                "TITLE": { "type": "string" }
              }
            }
            """);

        Assert.Equal([5, 6], outcome.Diagnostics.Where(d => d.Id == "BTX0005").Select(Line));
        Assert.Contains("public string? Title", outcome.Sources["Thing.g.cs"], StringComparison.Ordinal);
        Expect.None(outcome.CompileErrors);
    }

    [Fact]
    public void BTX0006_unknown_field_type_reads_as_json()
    {
        var outcome = Run("""
            {
              "entity": "Thing",
              "fields": { "ID": { "type": "integer" }, "GEO": { "type": "geo_point" } }
            }
            """);

        var d = Single(outcome, "BTX0006", line: 3);
        Assert.Equal(DiagnosticSeverity.Info, d.Severity);
        Assert.Contains("JsonElement? Geo", outcome.Sources["Thing.g.cs"], StringComparison.Ordinal);
    }

    [Fact]
    public void BTX0007_bad_type_override_and_override_of_a_missing_field()
    {
        var outcome = Run("""
            {
              "entity": "Thing",
              "fieldTypes": {
                "AMOUNT": "money-ish",
                "MISSING": "decimal"
              },
              "fields": { "ID": { "type": "integer" }, "AMOUNT": { "type": "double" } }
            }
            """);

        Assert.Equal([4, 5], outcome.Diagnostics.Where(d => d.Id == "BTX0007").Select(Line).Order());
    }

    [Fact]
    public void BTX0008_colliding_names_get_predictable_suffixes()
    {
        var outcome = Run("""
            {
              "entity": "Thing",
              "fields": {
                "ID": { "type": "integer" },
                "TITLE": { "type": "string" },
                "title": { "type": "string" },
                "FIELD": { "type": "string" },
                "THING": { "type": "string" }
              }
            }
            """);

        Assert.Equal([6, 7, 8], outcome.Diagnostics.Where(d => d.Id == "BTX0008").Select(Line));
        var source = outcome.Sources["Thing.g.cs"];
        Assert.Contains("public string? Title2 ", source, StringComparison.Ordinal);
        Assert.Contains("public string? Field2 ", source, StringComparison.Ordinal);
        Assert.Contains("public string? Thing2 ", source, StringComparison.Ordinal);
        Expect.None(outcome.CompileErrors);
    }

    [Fact]
    public void BTX0009_two_user_schemas_for_one_entity()
    {
        var first = new SchemaFile("/project/a.bitrix.json", Minimal("Thing"), Shipped: false);
        var second = new SchemaFile("/project/b.bitrix.json", Minimal("Thing"), Shipped: false);

        var outcome = GeneratorHarness.Run([first, second]);

        var d = Assert.Single(outcome.Diagnostics, d => d.Id == "BTX0009");
        Assert.Equal("/project/b.bitrix.json", d.Location.GetLineSpan().Path);
        Assert.Contains("/project/a.bitrix.json", d.GetMessage(), StringComparison.Ordinal);
        Assert.Single(outcome.Sources.Keys, k => k == "Thing.g.cs");
        Expect.None(outcome.CompileErrors);
    }

    [Fact]
    public void BTX0009_two_entities_on_one_API_path()
    {
        var first = new SchemaFile("/project/a.bitrix.json", Minimal("Thing", "Api.Thing"), Shipped: false);
        var second = new SchemaFile("/project/b.bitrix.json", Minimal("Other", "Api.Thing"), Shipped: false);

        var outcome = GeneratorHarness.Run([first, second]);

        Assert.Contains("API path", Assert.Single(outcome.Diagnostics, d => d.Id == "BTX0009").GetMessage(), StringComparison.Ordinal);
        Expect.None(outcome.CompileErrors);
    }

    [Fact]
    public void BTX0010_a_user_schema_replaces_the_shipped_one()
    {
        var user = new SchemaFile("/project/crm.deal.bitrix.json", Minimal("Deal", "Crm.Deal"), Shipped: false);

        var outcome = GeneratorHarness.Run([.. GeneratorHarness.ShippedSchemas(), user]);

        var d = Assert.Single(outcome.Diagnostics, d => d.Id == "BTX0010");
        Assert.Equal("/project/crm.deal.bitrix.json", d.Location.GetLineSpan().Path);
        Assert.Contains("my.field", outcome.Sources["Deal.g.cs"], StringComparison.Ordinal);
        Assert.DoesNotContain("OPPORTUNITY", outcome.Sources["Deal.g.cs"], StringComparison.Ordinal);
        Expect.None(outcome.CompileErrors);
    }

    [Fact]
    public void BTX0011_invalid_methods_are_skipped()
    {
        var outcome = Run("""
            {
              "entity": "Thing",
              "methods": {
                "list": { "method": "thing list" },
                "get": { "method": "thing.get", "kind": "fetch" },
                "ping": { "method": "thing.ping", "result": "maybe" },
                "add": { "method": "thing.add" }
              },
              "fields": { "ID": { "type": "integer" } }
            }
            """);

        Assert.Equal([4, 5, 6], outcome.Diagnostics.Where(d => d.Id == "BTX0011").Select(Line));
        Assert.Contains("AddAsync", outcome.Sources["Thing.g.cs"], StringComparison.Ordinal);
        Expect.None(outcome.CompileErrors);
    }

    [Fact]
    public void BTX0012_the_ID_key_must_be_a_field()
    {
        Single(Run("""
            {
              "entity": "Thing",
              "idKey": "id",
              "fields": { "ID": { "type": "integer" } }
            }
            """), "BTX0012", line: 3);
    }

    [Fact]
    public void BTX0013_invalid_entity_name_is_mapped()
    {
        var outcome = Run("""
            {
              "entity": "my thing",
              "fields": { "ID": { "type": "integer" } }
            }
            """);

        Single(outcome, "BTX0013", line: 2);
        Assert.Contains("MyThing.g.cs", outcome.Sources.Keys);
    }

    [Fact]
    public void BTX0014_empty_catalog()
    {
        Single(Run("""
            {
              "entity": "Thing",
              "fields": {}
            }
            """), "BTX0014", line: 3);
    }

    [Fact]
    public void BTX0015_read_only_name_that_is_not_a_field()
    {
        var outcome = Run("""
            {
              "entity": "Thing",
              "readOnlyFields": [ "ID", "CREATED" ],
              "fields": { "ID": "ID", "NAME": "Name" }
            }
            """);

        Single(outcome, "BTX0015", line: 3);
        Assert.Contains("[global::System.Obsolete(\"ID (ID) is read-only", outcome.Sources["Thing.g.cs"], StringComparison.Ordinal);
    }

    [Fact]
    public void BTX0016_without_the_runtime_nothing_is_generated()
    {
        var driver = GeneratorHarness.CreateDriver(GeneratorHarness.ShippedSchemas());
        var compilation = GeneratorHarness.Compilation().RemoveReferences(GeneratorHarness.References.Where(r => r.Display!.EndsWith("Bitrix.Runtime.dll", StringComparison.Ordinal)));

        var result = driver.RunGenerators(compilation).GetRunResult();

        Assert.Equal("BTX0016", Assert.Single(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error).Id);
        Assert.Empty(result.GeneratedTrees);
    }

    [Fact]
    public void Malformed_schemas_never_crash_the_generator()
    {
        // Every prefix of a real schema is malformed JSON or an incomplete schema: each must end in diagnostics, never an exception.
        var text = GeneratorHarness.Shipped("crm.deal.contact.items.json").Text;
        for (var length = 0; length < text.Length; length += 7)
        {
            var outcome = GeneratorHarness.Run([new SchemaFile(Path, text[..length], Shipped: false)]);
            Assert.DoesNotContain(outcome.Diagnostics, d => d.Id is "BTX0099" or "CS8785");
            Assert.All(outcome.Result.Results, r => Assert.Null(r.Exception));
        }
    }

    private static string Minimal(string entity, string path = "Api.Thing") => $$"""
        {
          "entity": "{{entity}}",
          "path": "{{path}}",
          "methods": { "list": { "method": "{{path.ToLowerInvariant()}}.list" } },
          "fields": { "ID": { "type": "integer", "isReadOnly": true }, "MY": { "type": "string", "title": "my.field" } }
        }
        """;

    private static GeneratorOutcome Run(string schema) => GeneratorHarness.Run([new SchemaFile(Path, schema, Shipped: false)]);

    private static int Line(Diagnostic d) => d.Location.GetLineSpan().StartLinePosition.Line + 1;

    private static Diagnostic Single(GeneratorOutcome outcome, string id, int line)
    {
        var d = Assert.Single(outcome.Diagnostics, d => d.Id == id);
        Assert.Equal(Path, d.Location.GetLineSpan().Path);
        Assert.Equal(line, Line(d));
        return d;
    }
}
