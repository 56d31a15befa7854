using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Bitrix.Package.Tests;

/// <summary>
/// README.md as a new user reads it: every C# block (English and Russian) compiles as pasted into a
/// console app that has only the packages and the nuget.config the README describes, and runs against
/// the package's emulator; an app on an older framework is stopped at build with a message saying why.
/// </summary>
[Collection("packages")]
public sealed partial class ReadmeTests(PackageFixture fixture, ITestOutputHelper output)
{
    /// <summary>The only reasons a README C# block may be left uncompiled, with how many blocks may give each.</summary>
    private static readonly Dictionary<string, int> AllowedSkips = new(StringComparer.Ordinal)
    {
        ["needs the smart process type that `bitrix schema pull` generates from your portal"] = 2, // English and Russian
    };

    /// <summary>README line numbers of every C# block, counted independently of the extractor.</summary>
    public static TheoryData<int> SnippetLines() => [.. CSharpBlockLines()];

    private static List<int> CSharpBlockLines()
    {
        var root = typeof(ReadmeTests).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;
        var lines = File.ReadAllLines(Path.Combine(root, "README.md"));
        return [.. Enumerable.Range(0, lines.Length).Where(i => lines[i].Trim() == "```csharp").Select(i => i + 2)];
    }

    [Fact]
    public void The_README_has_C_sharp_blocks_in_both_languages_and_the_extractor_finds_each()
    {
        var expected = CSharpBlockLines();

        Assert.True(expected.Count >= 9, $"README.md has {expected.Count} C# blocks");
        Assert.Equal(expected, fixture.Snippets.Select(s => s.Line));
        Assert.Contains(fixture.Snippets, s => Cyrillic().IsMatch(s.Code));
    }

    [Fact]
    public void Only_the_named_README_blocks_are_left_uncompiled_each_with_its_reason()
    {
        var lines = File.ReadAllLines(Path.Combine(fixture.RepositoryRoot, "README.md"));
        var skipped = ReadmeSnippet.ExtractSkipped(string.Join('\n', lines));
        foreach (var block in skipped)
        {
            output.WriteLine($"README.md line {block.Line}: not compiled: {block.Reason}");
        }

        // Counted independently: every fence whose language is C# is either compiled or a named skip.
        var csharpFences = Enumerable.Range(0, lines.Length)
            .Where(i => lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal)
                && lines[i].Trim()[3..].Split(' ', 2)[0] is "csharp" or "cs" or "c#")
            .Select(i => i + 2).ToList();
        Assert.Equal(csharpFences, fixture.Snippets.Select(s => s.Line).Concat(skipped.Select(s => s.Line)).Order());
        Assert.All(skipped, block => Assert.True(AllowedSkips.ContainsKey(block.Reason), $"README.md line {block.Line} is left uncompiled for a reason the tests do not allow: {block.Reason}"));
        Assert.All(skipped.GroupBy(b => b.Reason), g => Assert.True(g.Count() <= AllowedSkips[g.Key], $"{g.Count()} blocks skipped for: {g.Key}"));
        Assert.True(skipped.Count <= AllowedSkips.Values.Sum());
        Assert.True(fixture.Snippets.Count > skipped.Count, $"{fixture.Snippets.Count} compiled, {skipped.Count} skipped");
    }

    [Fact]
    public void Every_README_block_compiles_in_one_console_app_with_only_the_packages()
    {
        Assert.True(fixture.ReadmeBuild is { Succeeded: true }, "The README's C# blocks did not compile:\n" + fixture.Log);
    }

    [Theory]
    [MemberData(nameof(SnippetLines))]
    public void A_README_block_runs_against_the_emulator(int line)
    {
        Assert.True(fixture.ReadmeRun is not null, "The README app was not run:\n" + fixture.Log);
        var snippet = Assert.Single(fixture.Snippets, s => s.Line == line);
        var output = fixture.ReadmeRun!.Output;

        Assert.Contains($"== snippet {snippet.Number} (README.md line {line})", output, StringComparison.Ordinal);
        Assert.True(output.Contains($"snippet {snippet.Number} ok\n", StringComparison.Ordinal), $"The C# block at README.md line {line} failed:\n{fixture.ReadmeRun}");
    }

    [Fact]
    public void The_README_app_ran_every_block_and_printed_what_they_compute()
    {
        Assert.True(fixture.ReadmeRun is { Succeeded: true }, "The README app failed:\n" + fixture.Log);
        var output = fixture.ReadmeRun!.Output;

        // Quick start, raw API, the Russian quick start, limits, DI, testing: their closing lines.
        Assert.Matches(@"added deal \d+; (\d+) of \1 deals updated", output);
        Assert.Contains("1000 of 1000 deals added", output, StringComparison.Ordinal);
        Assert.Matches(@"сделка \d+: изменена — True", output);
        Assert.Matches(@"(\d+) of \1 lost deals set to probability 0", output);
        Assert.Matches(@"\d+ deals on the portal", output);
        Assert.Contains("501 deals after", output, StringComparison.Ordinal);
        Assert.Contains("the application acts for user", output, StringComparison.Ordinal);
        Assert.Matches(@"deal (\d+) added; the portal posted ONCRMDEALADD for deal \1\n", output); // inbound events
        Assert.Matches(@"(\d+) deals changed, 0 deleted, \1 known", output); // the incremental sync, first run

    }

    [Fact]
    public void The_nuget_config_the_README_describes_names_the_feed_by_absolute_path()
    {
        var readme = File.ReadAllText(Path.Combine(fixture.RepositoryRoot, "README.md"));
        var config = PackageFixture.ReadmeNugetConfig(readme, fixture.Feed);

        Assert.Contains($"value=\"{fixture.Feed}\"", config, StringComparison.Ordinal);
        Assert.True(Path.IsPathRooted(fixture.Feed));
        Assert.DoesNotContain("<clear", config, StringComparison.Ordinal); // adds to the user's sources, never replaces them
        Assert.Contains("feed=\"$PWD/artifacts/packages\"", readme, StringComparison.Ordinal);

        // The app was restored from that feed, in a folder outside the repository.
        Assert.False(fixture.ReadmeDirectory.StartsWith(fixture.RepositoryRoot, StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(fixture.ReadmeDirectory, "obj", "project.assets.json")), "The README app was not restored:\n" + fixture.Log);
    }

    [Fact]
    public void A_net8_app_is_stopped_at_build_with_a_message_that_names_the_framework_it_needs()
    {
        Assert.True(fixture.Net8Build is not null, "The net8.0 app was not built:\n" + fixture.Log);
        Assert.False(fixture.Net8Build!.Succeeded, "A net8.0 app built with TypedBitrix:\n" + fixture.Net8Build);
        Assert.Contains("error TYPEDBITRIX001: TypedBitrix needs .NET 10 or later: this project targets net8.0", fixture.Net8Build.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("BTX0016", fixture.Net8Build.Output, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\p{IsCyrillic}")]
    private static partial Regex Cyrillic();
}
