using System.Reflection;
using System.Text.RegularExpressions;
using Bitrix.Generator.Diagnostics;
using Bitrix.Generator.Model;
using Microsoft.CodeAnalysis;

namespace Bitrix.Generator.Tests;

/// <summary>
/// Diagnostic IDs are written once, in the descriptors, and the release notes list each of them: a
/// mistyped ID elsewhere would otherwise only show when a user's build reports it.
/// </summary>
public partial class DiagnosticDescriptorTests
{
    private static readonly string DescriptorsFile = Path.Combine("src", "Bitrix.Generator", "Diagnostics", "DiagnosticDescriptors.cs");

    [Fact]
    public void Every_descriptor_has_its_own_ID()
    {
        var descriptors = Descriptors();

        Assert.True(descriptors.Count >= 18, $"only {descriptors.Count} descriptors found");
        Assert.All(descriptors, d => Assert.Matches(IdPattern(), d.Id));
        Assert.Empty(descriptors.GroupBy(d => d.Id).Where(g => g.Count() > 1).Select(g => g.Key));
    }

    [Fact]
    public void Every_descriptor_is_listed_once_in_the_analyzer_releases_with_its_category_and_severity()
    {
        var rows = ReleaseRows();
        var descriptors = Descriptors();

        Assert.Empty(rows.GroupBy(r => r.Id).Where(g => g.Count() > 1).Select(g => g.Key));
        Assert.Equal(descriptors.Select(d => d.Id).Order(StringComparer.Ordinal), rows.Select(r => r.Id).Order(StringComparer.Ordinal));
        Assert.All(descriptors, d =>
        {
            var row = rows.Single(r => r.Id == d.Id);
            Assert.Equal(d.Category, row.Category);
            Assert.Equal(d.DefaultSeverity.ToString(), row.Severity);
        });
    }

    [Fact]
    public void No_diagnostic_ID_is_written_outside_the_descriptors()
    {
        var files = SourceFiles();
        var descriptorsPath = Path.Combine(GeneratorHarness.RepositoryRoot, DescriptorsFile);

        Assert.Contains(descriptorsPath, files);
        Assert.True(files.Count > 10, $"only {files.Count} source files found");

        // The pattern finds the IDs where they belong, so an empty list below means there are none elsewhere.
        Assert.True(IdLiteral().Matches(File.ReadAllText(descriptorsPath)).Count >= Descriptors().Count);
        var strays = files
            .Where(f => f != descriptorsPath)
            .SelectMany(f => File.ReadAllLines(f).Select((line, i) => (File: f, Line: i + 1, Text: line)))
            .Where(l => IdLiteral().IsMatch(l.Text))
            .Select(l => $"{Path.GetRelativePath(GeneratorHarness.RepositoryRoot, l.File)}:{l.Line}: {l.Text.Trim()}")
            .ToList();
        Assert.Empty(strays);
    }

    [Fact]
    public void Diagnostic_infos_compare_their_descriptors_by_ID()
    {
        var copy = new DiagnosticDescriptor(
            DiagnosticDescriptors.WrongType.Id, "another title", "another message {0}", "another category", DiagnosticSeverity.Info, isEnabledByDefault: false);

        var a = DiagnosticInfo.Create(DiagnosticDescriptors.WrongType, "/s.json", 3, 5, "x", "y", "z");
        var b = DiagnosticInfo.Create(copy, "/s.json", 3, 5, "x", "y", "z");

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, DiagnosticInfo.Create(DiagnosticDescriptors.InvalidField, "/s.json", 3, 5, "x", "y", "z"));
        Assert.NotEqual(a, DiagnosticInfo.Create(DiagnosticDescriptors.WrongType, "/s.json", 4, 5, "x", "y", "z"));
        Assert.NotEqual(a, DiagnosticInfo.Create(DiagnosticDescriptors.WrongType, "/s.json", 3, 5, "x", "y", "w"));
    }

    [Fact]
    public void A_diagnostic_info_reports_its_descriptor_at_its_line_and_column()
    {
        var d = DiagnosticInfo.Create(DiagnosticDescriptors.WrongType, "/s.json", 3, 5, "idType", "a string", "a number").CreateDiagnostic();

        Assert.Same(DiagnosticDescriptors.WrongType, d.Descriptor);
        Assert.Equal("'idType' must be a string, but it is a number", d.GetMessage());
        var span = d.Location.GetLineSpan();
        Assert.Equal("/s.json", span.Path);
        Assert.Equal((2, 4), (span.StartLinePosition.Line, span.StartLinePosition.Character));
    }

    private static List<DiagnosticDescriptor> Descriptors() =>
        typeof(DiagnosticDescriptors).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
            .ToList();

    private static List<(string Id, string Category, string Severity)> ReleaseRows() =>
        new[] { "AnalyzerReleases.Shipped.md", "AnalyzerReleases.Unshipped.md" }
            .SelectMany(name => File.ReadAllLines(Path.Combine(GeneratorHarness.RepositoryRoot, "src", "Bitrix.Generator", name)))
            .Select(line => line.Split('|').Select(cell => cell.Trim()).ToArray())
            .Where(cells => cells.Length >= 3 && IdPattern().IsMatch(cells[0]))
            .Select(cells => (cells[0], cells[1], cells[2]))
            .ToList();

    /// <summary>The C# sources of the generator, its analyzer and its code fix, without build output.</summary>
    private static List<string> SourceFiles() =>
        new[] { "Bitrix.Generator", "Bitrix.Generator.CodeFixes" }
            .SelectMany(project => Directory.EnumerateFiles(Path.Combine(GeneratorHarness.RepositoryRoot, "src", project), "*.cs", SearchOption.AllDirectories))
            .Where(f => !Path.GetRelativePath(GeneratorHarness.RepositoryRoot, f).Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .ToList();

    [GeneratedRegex("^BTX[0-9]{4}$")]
    private static partial Regex IdPattern();

    /// <summary>A string literal that starts with an ID, as <c>"BTX0003"</c> would.</summary>
    [GeneratedRegex("\"BTX[0-9]")]
    private static partial Regex IdLiteral();
}
