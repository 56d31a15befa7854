using System.Reflection;
using Bitrix.Generator.Model;
using Microsoft.CodeAnalysis;

namespace Bitrix.Generator.Tests;

/// <summary>The pipeline caches: nothing re-runs when nothing changed, and one edited schema re-emits one entity.</summary>
public class IncrementalTests
{
    private static readonly string[] TrackedSteps =
    [
        TrackingNames.Settings, TrackingNames.SchemaFiles, TrackingNames.ParsedSchemas, TrackingNames.Identities,
        TrackingNames.Entities, TrackingNames.Navigation,
    ];

    [Fact]
    public void A_second_run_over_the_same_input_is_all_cached()
    {
        var schemas = GeneratorHarness.ShippedSchemas();
        var compilation = GeneratorHarness.Compilation("class User1 { }");
        var driver = GeneratorHarness.CreateDriver(schemas).RunGenerators(compilation);

        // A new compilation (the user typed) with the same schemas.
        var result = driver.RunGenerators(compilation.AddSyntaxTrees(Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText("class User2 { }", GeneratorHarness.ParseOptions()))).GetRunResult().Results.Single();

        foreach (var step in TrackedSteps)
        {
            Assert.True(result.TrackedSteps.ContainsKey(step), step + " is not tracked");
            var reasons = result.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason).Distinct().ToList();
            Assert.All(reasons, r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step}: {r}"));
        }

        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void Editing_one_schema_re_emits_only_that_entity()
    {
        var schemas = GeneratorHarness.ShippedSchemas();
        var lead = schemas.Single(s => s.Path.EndsWith("crm.lead.json", StringComparison.Ordinal));
        var texts = schemas.Select(s => (AdditionalText)new InMemoryText(s.Path, s.Text)).ToList();
        var compilation = GeneratorHarness.Compilation();
        var driver = GeneratorHarness.CreateDriver(schemas, [.. texts]).RunGenerators(compilation);

        var edited = new InMemoryText(lead.Path, lead.Text.Replace("\"Lead Title\"", "\"Lead title (edited)\"", StringComparison.Ordinal));
        var index = texts.FindIndex(t => t.Path == lead.Path);
        driver = driver.ReplaceAdditionalText(texts[index], edited);
        var result = driver.RunGenerators(compilation).GetRunResult().Results.Single();

        var parsed = result.TrackedSteps[TrackingNames.ParsedSchemas].SelectMany(s => s.Outputs).ToList();
        Assert.Single(parsed, o => o.Reason == IncrementalStepRunReason.Modified);
        var entities = result.TrackedSteps[TrackingNames.Entities].SelectMany(s => s.Outputs).ToList();
        var modified = Assert.Single(entities, o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Equal("Lead", ((EntityOutput)modified.Value).Entity!.Name);
        Assert.All(entities.Where(o => o != modified), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
        Assert.All(result.TrackedSteps[TrackingNames.Navigation].SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));
        Assert.Contains("Lead title (edited)", result.GeneratedSources.Single(s => s.HintName == "Lead.g.cs").SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Pipeline_models_hold_no_Roslyn_objects()
    {
        var seen = new HashSet<Type>();
        Check(typeof(ParsedSchema), seen);
        Check(typeof(EntityOutput), seen);
        Check(typeof(NavigationSpec), seen);
        Assert.Contains(typeof(FieldSpec), seen);
        Assert.Contains(typeof(LocationInfo), seen);
    }

    [Fact]
    public void Parsing_the_same_text_twice_gives_equal_models()
    {
        var schema = GeneratorHarness.Shipped("crm.deal.json");

        var a = Parsing.SchemaParser.Parse(schema.Path, schema.Text, SchemaOrigin.Shipped, default);
        var b = Parsing.SchemaParser.Parse(schema.Path, schema.Text, SchemaOrigin.Shipped, default);

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    private static void Check(Type type, HashSet<Type> seen)
    {
        if (type.IsPrimitive || type == typeof(string) || type.IsEnum || !seen.Add(type))
        {
            return;
        }

        // The one Roslyn type allowed: a descriptor is immutable, holds no compilation, and DiagnosticInfo compares it by ID.
        if (type == typeof(DiagnosticDescriptor))
        {
            return;
        }

        Assert.False(type.Namespace?.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal) == true, $"{type} is a Roslyn type");
        foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            var fieldType = field.FieldType;
            if (fieldType.IsGenericType)
            {
                Assert.True(
                    fieldType.GetGenericTypeDefinition() == typeof(EquatableArray<>) || fieldType.GetGenericTypeDefinition() == typeof(System.Collections.Immutable.ImmutableArray<>) || fieldType.GetGenericTypeDefinition() == typeof(Nullable<>),
                    $"{type}.{field.Name} is {fieldType}, not an equatable collection");
                foreach (var argument in fieldType.GetGenericArguments())
                {
                    Check(argument, seen);
                }
            }
            else
            {
                Check(fieldType, seen);
            }
        }
    }
}
