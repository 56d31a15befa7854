using System.IO.Compression;
using System.Xml.Linq;

namespace Bitrix.Package.Tests;

/// <summary>The packages are packed and the consumer apps built once for every test class of the collection.</summary>
[CollectionDefinition("packages")]
public sealed class PackagesCollection : ICollectionFixture<PackageFixture>;

/// <summary>The packages as a user gets them: their contents, and an app that references only them.</summary>
[Collection("packages")]
public sealed class PackageTests(PackageFixture fixture)
{
    [Fact]
    public void TypedBitrix_holds_the_runtime_the_generator_as_an_analyzer_the_schemas_and_the_props()
    {
        var entries = Entries("TypedBitrix");

        Assert.Contains("lib/net10.0/Bitrix.Runtime.dll", entries);
        Assert.Contains("lib/net10.0/Bitrix.Runtime.xml", entries);
        Assert.Contains("analyzers/dotnet/cs/Bitrix.Generator.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/Bitrix.Generator.CodeFixes.dll", entries);
        Assert.Contains("build/TypedBitrix.props", entries);
        Assert.Contains("buildTransitive/TypedBitrix.props", entries);
        Assert.Contains("build/TypedBitrix.targets", entries);
        Assert.Contains("buildTransitive/TypedBitrix.targets", entries);
        Assert.Contains("README.md", entries);
        Assert.Contains("schema/crm.deal.json", entries);
        Assert.Contains("schema/bitrix.schema.json", entries);
        var shipped = Directory.GetFiles(Path.Combine(fixture.RepositoryRoot, "schema"), "*.json").Select(f => "schema/" + Path.GetFileName(f)).Order();
        Assert.Equal(shipped, entries.Where(e => e.StartsWith("schema/", StringComparison.Ordinal)).Order());

        // The generator is compiler-loaded only: never an assembly the app references, never a dependency.
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal) && e.Contains("Generator", StringComparison.Ordinal));
        var dependencies = Dependencies("TypedBitrix");
        Assert.DoesNotContain(dependencies, d => d.Contains("Generator", StringComparison.Ordinal) || d.Contains("CodeAnalysis", StringComparison.Ordinal));
        Assert.Contains("Polly.Core", dependencies);
    }

    [Fact]
    public void Redis_depends_on_TypedBitrix_and_the_emulator_brings_ASP_NET_Core()
    {
        Assert.Contains("lib/net10.0/Bitrix.Redis.dll", Entries("Bitrix.Redis"));
        Assert.Contains("TypedBitrix", Dependencies("Bitrix.Redis"));
        Assert.Contains("lib/net10.0/Bitrix.Emulator.dll", Entries("Bitrix.Emulator"));
        Assert.Empty(Dependencies("Bitrix.Emulator"));
        var frameworks = Nuspec("Bitrix.Emulator").Descendants().Where(e => e.Name.LocalName == "frameworkReference").Select(e => (string?)e.Attribute("name"));
        Assert.Equal(["Microsoft.AspNetCore.App"], frameworks);
    }

    [Fact]
    public void A_consumer_with_only_package_references_lists_gets_and_adds_deals_through_the_generated_API()
    {
        Assert.True(fixture.Build is { Succeeded: true }, "The consumer did not build from the packages:\n" + fixture.Log);
        Assert.True(fixture.Run is { Succeeded: true }, "The consumer failed:\n" + fixture.Log);

        var lines = fixture.Run!.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains("listed: 120", lines);
        Assert.Contains("got: True True", lines);
        Assert.Contains("added: Added from the package 42.50", lines);
        Assert.Contains($"runtime: Bitrix.Runtime {fixture.Version}.0", lines);

        // Restored from the feed just packed (not from any cache), and the generator is no reference of the app.
        var metadata = File.ReadAllText(Path.Combine(fixture.PackagesDirectory, "typedbitrix", fixture.Version, ".nupkg.metadata"));
        Assert.Contains(fixture.Feed.Replace("\\", "\\\\", StringComparison.Ordinal), metadata, StringComparison.Ordinal);
        var output = Path.Combine(fixture.ConsumerDirectory, "bin", "Release", "net10.0");
        Assert.True(File.Exists(Path.Combine(output, "Bitrix.Runtime.dll")));
        Assert.True(File.Exists(Path.Combine(output, "Bitrix.Emulator.dll")));
        Assert.False(File.Exists(Path.Combine(output, "Bitrix.Generator.dll")), "the generator was copied to the app's output");
    }

    [Fact]
    public void A_misspelt_field_in_the_consumer_is_a_compile_error_from_the_packaged_generator()
    {
        Assert.True(fixture.WrongFieldBuild is not null, "The consumer was not built with the misspelt field:\n" + fixture.Log);
        Assert.False(fixture.WrongFieldBuild!.Succeeded, "A misspelt field compiled:\n" + fixture.WrongFieldBuild);
        Assert.Contains("error CS0117: 'DealFields' does not contain a definition for 'Titel'", fixture.WrongFieldBuild.Output, StringComparison.Ordinal);
    }

    private List<string> Entries(string id)
    {
        var path = fixture.PackagePath(id);
        Assert.True(File.Exists(path), $"{path} was not packed:\n{fixture.Log}");
        using var zip = ZipFile.OpenRead(path);
        return [.. zip.Entries.Select(e => e.FullName)];
    }

    private XDocument Nuspec(string id)
    {
        var path = fixture.PackagePath(id);
        Assert.True(File.Exists(path), $"{path} was not packed:\n{fixture.Log}");
        using var zip = ZipFile.OpenRead(path);
        using var stream = zip.GetEntry(id + ".nuspec")!.Open();
        return XDocument.Load(stream);
    }

    private List<string> Dependencies(string id)
        => [.. Nuspec(id).Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string)e.Attribute("id")!)];
}
