using System.Collections.Immutable;
using System.Reflection;
using Basic.Reference.Assemblies;
using Bitrix.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Bitrix.Generator.Tests;

/// <summary>Runs the generator in memory over schema texts and compiles its output with user code.</summary>
internal static class GeneratorHarness
{
    public const string SchemaFolder = "/schema/";

    public static string TestsDirectory { get; } = Metadata("TestsSourceDirectory");

    public static string RepositoryRoot { get; } = Path.GetFullPath(Path.Combine(TestsDirectory, "..", ".."));

    public static string FixturesDirectory { get; } = Path.GetFullPath(Metadata("TestFixtures"));

    /// <summary>The schemas the package ships, as (virtual path, text).</summary>
    public static IReadOnlyList<SchemaFile> ShippedSchemas() =>
        Directory.GetFiles(Path.Combine(RepositoryRoot, "schema"), "*.json")
            .Where(p => !p.EndsWith("bitrix.schema.json", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(p => new SchemaFile(SchemaFolder + Path.GetFileName(p), File.ReadAllText(p), Shipped: true))
            .ToList();

    public static SchemaFile Shipped(string name) => ShippedSchemas().Single(s => s.Path == SchemaFolder + name);

    public static IEnumerable<MetadataReference> References { get; } =
    [
        .. Net100.References.All,
        MetadataReference.CreateFromFile(typeof(BitrixClient).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(Microsoft.Extensions.Logging.ILoggerFactory).Assembly.Location),
    ];

    public static CSharpParseOptions ParseOptions(LanguageVersion version = LanguageVersion.CSharp14)
        => new(version);

    public static GeneratorDriver CreateDriver(IEnumerable<SchemaFile> schemas, LanguageVersion version = LanguageVersion.CSharp14, string? accessibility = null)
        => CreateDriver(schemas, schemas.Select(s => (AdditionalText)new InMemoryText(s.Path, s.Text)).ToImmutableArray(), version, accessibility);

    /// <summary>A driver over the given text objects (to replace one of them later); <paramref name="schemas"/> says which are shipped.</summary>
    public static GeneratorDriver CreateDriver(IEnumerable<SchemaFile> schemas, ImmutableArray<AdditionalText> texts, LanguageVersion version = LanguageVersion.CSharp14, string? accessibility = null)
    {
        return CSharpGeneratorDriver.Create(
            [new BitrixGenerator().AsSourceGenerator()],
            texts,
            ParseOptions(version),
            OptionsFor(schemas, accessibility),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
    }

    /// <summary>The MSBuild view of the schemas: shipped ones carry the metadata the props file sets.</summary>
    public static AnalyzerConfigOptionsProvider OptionsFor(IEnumerable<SchemaFile> schemas, string? accessibility = null)
        => new OptionsProvider(schemas.Where(s => s.Shipped).Select(s => s.Path).ToHashSet(StringComparer.Ordinal), accessibility);

    public static CSharpCompilation Compilation(string userCode = "", LanguageVersion version = LanguageVersion.CSharp14)
        => CSharpCompilation.Create(
            "GeneratedTests",
            userCode.Length == 0 ? [] : [CSharpSyntaxTree.ParseText(userCode, ParseOptions(version), "User.cs")],
            References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    /// <summary>Runs the generator once and returns the output compilation and the generator's diagnostics.</summary>
    public static GeneratorOutcome Run(IEnumerable<SchemaFile> schemas, string userCode = "", LanguageVersion version = LanguageVersion.CSharp14, string? accessibility = null)
    {
        var driver = CreateDriver(schemas, version, accessibility);
        driver = driver.RunGeneratorsAndUpdateCompilation(Compilation(userCode, version), out var output, out var diagnostics);
        return new GeneratorOutcome(driver, driver.GetRunResult(), output, diagnostics);
    }

    private static string Metadata(string key)
        => typeof(GeneratorHarness).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    private sealed class OptionsProvider(HashSet<string> shipped, string? accessibility) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(accessibility is null ? [] : new() { [BitrixGenerator.AccessibilityProperty] = accessibility });

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Options([]);

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile)
            => new Options(shipped.Contains(textFile.Path) ? new() { [SchemaFiles.OriginMetadata] = "shipped" } : []);
    }

    private sealed class Options(Dictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, out string value)
        {
            var found = values.TryGetValue(key, out var v);
            value = v ?? string.Empty;
            return found;
        }
    }
}

/// <summary>An additional file held in memory.</summary>
internal sealed class InMemoryText(string path, string text) : AdditionalText
{
    public override string Path { get; } = path;

    public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
}

/// <summary>A schema file: a virtual path, its text, and whether the package ships it.</summary>
internal sealed record SchemaFile(string Path, string Text, bool Shipped);

/// <summary>What one generator run produced.</summary>
internal sealed record GeneratorOutcome(GeneratorDriver Driver, GeneratorDriverRunResult Result, Compilation Output, ImmutableArray<Diagnostic> Diagnostics)
{
    public IEnumerable<Diagnostic> CompileErrors => Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error);

    public IEnumerable<Diagnostic> CompileWarnings => Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Warning);

    public IReadOnlyDictionary<string, string> Sources => Result.Results.SelectMany(r => r.GeneratedSources).ToDictionary(s => s.HintName, s => s.SourceText.ToString());
}
