using System.Collections.Immutable;
using System.Reflection;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Bitrix.Benchmarks;

/// <summary>
/// The source generator over every shipped schema, driven by a <see cref="CSharpGeneratorDriver"/> as
/// the compiler drives it: a full run (a new driver: what a build pays) and a cached rerun (the same
/// driver, nothing changed: what every keystroke in an IDE pays).
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private const string ShippedMetadata = "build_metadata.AdditionalFiles.TypedBitrixSchema";

    private ISourceGenerator? _generator;
    private ImmutableArray<AdditionalText> _schemas;
    private CSharpCompilation? _compilation;
    private GeneratorDriver? _warm;

    [GlobalSetup]
    public void Setup()
    {
        var generatorPath = Metadata("GeneratorAssembly");
        var type = Assembly.LoadFrom(generatorPath).GetType("Bitrix.Generator.BitrixGenerator", throwOnError: true)!;
        _generator = ((IIncrementalGenerator)Activator.CreateInstance(type)!).AsSourceGenerator();
        _schemas = [.. Directory.GetFiles(Metadata("SchemaDirectory"), "*.json")
            .Where(p => !p.EndsWith("bitrix.schema.json", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(p => (AdditionalText)new SchemaText(p, File.ReadAllText(p)))];
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        _compilation = CSharpCompilation.Create(
            "GeneratorBenchmark",
            [],
            [.. platform.Select(p => MetadataReference.CreateFromFile(p)), MetadataReference.CreateFromFile(typeof(BitrixClient).Assembly.Location)],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        _warm = NewDriver().RunGenerators(_compilation);
        var trees = _warm.GetRunResult().GeneratedTrees.Length;
        if (trees != _schemas.Length + 1)
        {
            throw new InvalidOperationException($"the generator produced {trees} files for {_schemas.Length} schemas, expected {_schemas.Length + 1}");
        }
    }

    [Benchmark(Baseline = true)]
    public int FullRun() => NewDriver().RunGenerators(_compilation!).GetRunResult().GeneratedTrees.Length;

    [Benchmark]
    public int CachedRerun()
    {
        _warm = _warm!.RunGenerators(_compilation!);
        return _warm.GetRunResult().GeneratedTrees.Length;
    }

    private GeneratorDriver NewDriver() => CSharpGeneratorDriver.Create(
        [_generator!],
        _schemas,
        new CSharpParseOptions(LanguageVersion.Preview),
        new ShippedOptions(),
        new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: false));

    private static string Metadata(string key)
        => typeof(GeneratorBenchmarks).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    private sealed class SchemaText(string path, string text) : AdditionalText
    {
        private readonly SourceText _text = SourceText.From(text);

        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
    }

    /// <summary>The MSBuild view build/TypedBitrix.props gives the generator: every schema is a shipped one.</summary>
    private sealed class ShippedOptions : AnalyzerConfigOptionsProvider
    {
        private static readonly Options Shipped = new(ShippedMetadata, "shipped");
        private static readonly Options None = new(null, null);

        public override AnalyzerConfigOptions GlobalOptions => None;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => None;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Shipped;
    }

    private sealed class Options(string? key, string? value) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string name, out string result)
        {
            var found = key is not null && name == key;
            result = found ? value! : string.Empty;
            return found;
        }
    }
}
