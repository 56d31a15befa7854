using System.Text;
using System.Text.RegularExpressions;

namespace Bitrix.Package.Tests;

/// <summary>
/// One C# block of README.md, split the way the compiler splits a top-level program: using
/// directives, then statements, then type declarations.
/// </summary>
/// <param name="Number">1-based position among the README's C# blocks.</param>
/// <param name="Line">README line of the block's first code line.</param>
/// <param name="Code">The block's code, de-indented (blocks inside list items are indented).</param>
public sealed record ReadmeSnippet(int Number, int Line, string Code)
{
    private static readonly Regex UsingDirective = new(@"^using\s+(static\s+)?[A-Za-z_][\w.]*(\s*=\s*[\w.]+)?\s*;\s*(//.*)?$", RegexOptions.CultureInvariant);
    private static readonly Regex TypeDeclaration = new(@"^((public|internal|file|sealed|static|abstract|partial|readonly)\s+)*(class|record|struct|interface|enum)\b", RegexOptions.CultureInvariant);

    /// <summary>The namespace the snippet's types are compiled in, so that snippets never collide.</summary>
    public string Namespace => $"ReadmeSnippets.Snippet{Number}";

    /// <summary>
    /// The snippet as a file of the harness: its using directives, its statements as the body of
    /// <c>RunAsync(string[] args)</c> (which is what the compiler makes of top-level statements), and its
    /// types beside it. <c>#line</c> maps every error back to README.md.
    /// </summary>
    public string ToSource()
    {
        var lines = Code.Split('\n');
        var usings = new List<string>();
        var firstType = Array.FindIndex(lines, l => TypeDeclaration.IsMatch(l));
        var statementsEnd = firstType < 0 ? lines.Length : firstType;
        var inPreamble = true;
        var statements = new List<string>();
        for (var i = 0; i < statementsEnd; i++)
        {
            var trimmed = lines[i].Trim();
            if (inPreamble && UsingDirective.IsMatch(trimmed))
            {
                usings.Add(trimmed);
                statements.Add(""); // keeps the #line mapping
                continue;
            }

            if (trimmed.Length > 0 && !trimmed.StartsWith("//", StringComparison.Ordinal))
            {
                inPreamble = false;
            }

            statements.Add(lines[i]);
        }

        var source = new StringBuilder();
        foreach (var directive in usings)
        {
            source.AppendLine(directive);
        }

        source.AppendLine($"namespace {Namespace};");
        source.AppendLine();
        source.AppendLine("internal static class Snippet");
        source.AppendLine("{");
        source.AppendLine("    public static async Task RunAsync(string[] args)");
        source.AppendLine("    {");
        source.AppendLine($"#line {Line} \"README.md\"");
        foreach (var statement in statements)
        {
            source.AppendLine(statement);
        }

        source.AppendLine("#line default");
        source.AppendLine("    }");
        source.AppendLine("}");
        if (firstType >= 0)
        {
            source.AppendLine($"#line {Line + firstType} \"README.md\"");
            foreach (var line in lines[firstType..])
            {
                source.AppendLine(line);
            }

            source.AppendLine("#line default");
        }

        return source.ToString();
    }

    /// <summary>The fence of a C# block that is shown but not compiled; the reason follows it on the fence line.</summary>
    public const string IgnoreFence = "```csharp ignore:";

    /// <summary>
    /// Every <c>```csharp ignore: reason</c> block of a markdown text, in order: blocks the README shows
    /// but a console app cannot compile (what they need is named in the reason, which must not be empty).
    /// </summary>
    public static List<SkippedReadmeBlock> ExtractSkipped(string markdown)
    {
        var lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var skipped = new List<SkippedReadmeBlock>();
        for (var i = 0; i < lines.Length; i++)
        {
            var fence = lines[i].Trim();
            if (!fence.StartsWith(IgnoreFence, StringComparison.Ordinal))
            {
                continue;
            }

            var reason = fence[IgnoreFence.Length..].Trim();
            if (reason.Length == 0)
            {
                throw new InvalidOperationException($"README.md line {i + 1}: a C# block is left uncompiled without a reason");
            }

            skipped.Add(new SkippedReadmeBlock(i + 2, reason));
        }

        return skipped;
    }

    /// <summary>Every <c>```csharp</c> block of a markdown text, in order.</summary>
    public static List<ReadmeSnippet> Extract(string markdown)
    {
        var lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var snippets = new List<ReadmeSnippet>();
        for (var i = 0; i < lines.Length; i++)
        {
            var fence = lines[i].TrimStart();
            if (fence != "```csharp" && fence != "```cs" && fence != "```c#")
            {
                continue;
            }

            var indent = lines[i].Length - fence.Length;
            var start = i + 1;
            var end = start;
            while (end < lines.Length && lines[end].Trim() != "```")
            {
                end++;
            }

            if (end == lines.Length)
            {
                throw new InvalidOperationException($"README.md line {i + 1}: the C# block is never closed");
            }

            var code = string.Join('\n', lines[start..end].Select(l => l.Length >= indent && string.IsNullOrWhiteSpace(l[..indent]) ? l[indent..] : l.TrimStart()));
            snippets.Add(new ReadmeSnippet(snippets.Count + 1, start + 1, code));
            i = end;
        }

        return snippets;
    }

    /// <summary>
    /// The harness's Program.cs: starts the package's emulator, hands its addresses to the snippets as
    /// a user's environment would (<c>BITRIX_WEBHOOK</c>, the OAuth settings, <c>Bitrix__WebhookUrl</c>),
    /// runs every snippet in README order and prints one line per snippet: <c>snippet N ok</c> or why not.
    /// </summary>
    public static string HarnessSource(IEnumerable<ReadmeSnippet> snippets)
    {
        var source = new StringBuilder("""
            using Bitrix.Emulator;

            await using var emulator = await BitrixEmulator.StartAsync(new EmulatorOptions
            {
                Deals = 200, LatencyScale = 0, Plan = EmulatorPlan.Enterprise, Seed = 3,
                OAuthClientId = "app.readme", OAuthClientSecret = "readme-secret",
            });
            var webhook = emulator.WebhookUrl.ToString();
            var tokens = await emulator.IssueOAuthTokensAsync();
            Environment.SetEnvironmentVariable("BITRIX_WEBHOOK", webhook);
            Environment.SetEnvironmentVariable("Bitrix__WebhookUrl", webhook);
            Environment.SetEnvironmentVariable("BITRIX_PORTAL", emulator.WebhookUrl.GetLeftPart(UriPartial.Authority) + "/");
            Environment.SetEnvironmentVariable("BITRIX_CLIENT_ID", "app.readme");
            Environment.SetEnvironmentVariable("BITRIX_CLIENT_SECRET", "readme-secret");
            Environment.SetEnvironmentVariable("BITRIX_ACCESS_TOKEN", tokens.AccessToken);
            Environment.SetEnvironmentVariable("BITRIX_REFRESH_TOKEN", tokens.RefreshToken);
            Environment.SetEnvironmentVariable("BITRIX_APPLICATION_TOKEN", emulator.ApplicationToken);

            var failed = 0;
            async Task RunAsync(int number, int line, Func<Task> snippet)
            {
                Console.WriteLine($"== snippet {number} (README.md line {line})");
                try
                {
                    await snippet();
                    Console.WriteLine($"snippet {number} ok");
                }
                catch (Exception e)
                {
                    failed++;
                    Console.WriteLine($"snippet {number} failed: {e}");
                }
            }

            """);
        foreach (var snippet in snippets)
        {
            source.AppendLine($"await RunAsync({snippet.Number}, {snippet.Line}, () => {snippet.Namespace}.Snippet.RunAsync(args));");
        }

        source.AppendLine("return failed;");
        return source.ToString();
    }
}

/// <summary>A C# block of README.md that is shown but not compiled, and why.</summary>
/// <param name="Line">README line of the block's first code line.</param>
/// <param name="Reason">What the block needs that the README's console app does not have.</param>
public sealed record SkippedReadmeBlock(int Line, string Reason);
