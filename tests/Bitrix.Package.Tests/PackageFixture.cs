using System.Reflection;
using System.Text.RegularExpressions;

namespace Bitrix.Package.Tests;

/// <summary>
/// Once for the class: packs the four packages from the builds of the referenced projects into a
/// private feed, copies Consumer/ next to it, restores it into a private package folder (so that no
/// package cached by an earlier run can stand in for the one just packed), builds and runs it, then
/// builds it once more with a misspelt field. Then, as a user outside the repository would: an app
/// whose nuget.config is the one README.md tells to write (the feed by absolute path) compiles every
/// C# block of README.md and runs them against the package's emulator, and a net8.0 app tries to build
/// with the package. Each step runs only if the packing succeeded.
/// </summary>
public sealed partial class PackageFixture : IDisposable
{
    public PackageFixture()
    {
        var metadata = typeof(PackageFixture).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().ToDictionary(a => a.Key, a => a.Value ?? "");
        RepositoryRoot = metadata["RepositoryRoot"];
        Configuration = metadata["Configuration"];
        Version = metadata["PackageVersion"];

        WorkDirectory = Path.Combine(Path.GetTempPath(), "typedbitrix-package-tests-" + Guid.NewGuid().ToString("N")[..12]);
        ConsumerDirectory = Path.Combine(WorkDirectory, "consumer");
        Feed = Path.Combine(ConsumerDirectory, "feed"); // nuget.config names it relatively
        PackagesDirectory = Path.Combine(WorkDirectory, "packages");
        CopyConsumer(Path.Combine(RepositoryRoot, "tests", "Bitrix.Package.Tests", "Consumer"), ConsumerDirectory);

        var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = PackagesDirectory };
        foreach (var project in new[] { "Bitrix.Runtime", "Bitrix.Redis", "Bitrix.Emulator", "Bitrix.AspNetCore" })
        {
            var pack = Dotnet.Run(WorkDirectory, environment, "pack", Path.Combine(RepositoryRoot, "src", project, project + ".csproj"),
                "-c", Configuration, "--no-build", "-o", Feed);
            Pack.Add(pack);
            if (!pack.Succeeded)
            {
                return;
            }
        }

        // --disable-build-servers: no MSBuild node or compiler server outlives the test.
        Build = Dotnet.Run(ConsumerDirectory, environment, "build", "-c", "Release", "--disable-build-servers", $"-p:TypedBitrixVersion={Version}");
        if (Build.Succeeded)
        {
            Run = Dotnet.Run(ConsumerDirectory, environment, Path.Combine(ConsumerDirectory, "bin", "Release", "net10.0", "Consumer.dll"));
            WrongFieldBuild = Dotnet.Run(ConsumerDirectory, environment, "build", "-c", "Release", "--no-restore", "--disable-build-servers",
                $"-p:TypedBitrixVersion={Version}", "-p:WrongField=true");
        }

        var readme = File.ReadAllText(Path.Combine(RepositoryRoot, "README.md"));
        Snippets = ReadmeSnippet.Extract(readme);
        ReadmeDirectory = Path.Combine(WorkDirectory, "readme-app");
        WriteReadmeApp(readme);
        ReadmeBuild = Dotnet.Run(ReadmeDirectory, environment, "build", "-c", "Release", "--disable-build-servers");
        if (ReadmeBuild.Succeeded)
        {
            ReadmeRun = Dotnet.Run(ReadmeDirectory, environment, Path.Combine(ReadmeDirectory, "bin", "Release", "net10.0", "ReadmeApp.dll"));
        }

        Net8Directory = Path.Combine(WorkDirectory, "net8-app");
        WriteNet8App(readme);
        Net8Build = Dotnet.Run(Net8Directory, environment, "build", "-c", "Release", "--disable-build-servers");
    }

    /// <summary>Every C# block of README.md.</summary>
    public List<ReadmeSnippet> Snippets { get; } = [];

    public string ReadmeDirectory { get; } = "";

    public string Net8Directory { get; } = "";

    public CommandResult? ReadmeBuild { get; }

    public CommandResult? ReadmeRun { get; }

    public CommandResult? Net8Build { get; }

    public string RepositoryRoot { get; }

    public string Configuration { get; }

    public string Version { get; }

    public string WorkDirectory { get; }

    public string ConsumerDirectory { get; }

    public string Feed { get; }

    public string PackagesDirectory { get; }

    public List<CommandResult> Pack { get; } = [];

    public CommandResult? Build { get; }

    public CommandResult? Run { get; }

    public CommandResult? WrongFieldBuild { get; }

    /// <summary>Every command so far, for a failure message.</summary>
    public string Log => string.Join("\n\n", Pack.Append(Build).Append(Run).Append(WrongFieldBuild).Append(ReadmeBuild).Append(ReadmeRun).Append(Net8Build).OfType<CommandResult>());

    /// <summary>
    /// The nuget.config README.md tells a user to write in an app's folder (the heredoc after
    /// <c>cat &gt; nuget.config &lt;&lt;EOF</c>), with the feed this test packed as <c>$feed</c>.
    /// </summary>
    public static string ReadmeNugetConfig(string readme, string feed)
    {
        var match = NugetConfigHeredoc().Match(readme.Replace("\r\n", "\n", StringComparison.Ordinal));
        Assert.True(match.Success, "README.md has no 'cat > nuget.config <<EOF ... EOF' block");
        Assert.Contains("$feed", match.Groups[1].Value, StringComparison.Ordinal);
        return match.Groups[1].Value.Replace("$feed", feed, StringComparison.Ordinal);
    }

    /// <summary>The packages README.md has users add with a pinned version (the host, OpenTelemetry).</summary>
    public static List<(string Id, string Version)> ReadmePinnedPackages(string readme)
        => [.. PinnedPackage().Matches(readme).Select(m => (m.Groups[1].Value, m.Groups[2].Value)).Distinct()];

    [GeneratedRegex(@"cat > nuget\.config <<EOF\n(.*?)\nEOF\n", RegexOptions.Singleline)]
    private static partial Regex NugetConfigHeredoc();

    [GeneratedRegex(@"dotnet add package ([\w.]+) --version ([\w.\-]+)")]
    private static partial Regex PinnedPackage();

    private void WriteReadmeApp(string readme)
    {
        Directory.CreateDirectory(ReadmeDirectory);
        CopyIsolation(ReadmeDirectory);
        File.WriteAllText(Path.Combine(ReadmeDirectory, "nuget.config"), ReadmeNugetConfig(readme, Feed));
        var pinned = string.Concat(ReadmePinnedPackages(readme).Select(p => $"""

                <PackageReference Include="{p.Id}" Version="{p.Version}" />
            """));
        File.WriteAllText(Path.Combine(ReadmeDirectory, "ReadmeApp.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <!-- What `dotnet new console` makes, plus the packages README.md names; one file per README C# block. -->
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="TypedBitrix" Version="[{Version}]" />
                <PackageReference Include="Bitrix.Emulator" Version="[{Version}]" />
                <PackageReference Include="Bitrix.AspNetCore" Version="[{Version}]" />{pinned}
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(ReadmeDirectory, "Program.cs"), ReadmeSnippet.HarnessSource(Snippets));
        foreach (var snippet in Snippets)
        {
            File.WriteAllText(Path.Combine(ReadmeDirectory, $"Snippet{snippet.Number}.cs"), snippet.ToSource());
        }
    }

    private void WriteNet8App(string readme)
    {
        Directory.CreateDirectory(Net8Directory);
        CopyIsolation(Net8Directory);
        File.WriteAllText(Path.Combine(Net8Directory, "nuget.config"), ReadmeNugetConfig(readme, Feed));
        File.WriteAllText(Path.Combine(Net8Directory, "Net8App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net8.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="TypedBitrix" Version="[{Version}]" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(Net8Directory, "Program.cs"), "Console.WriteLine(typeof(Bitrix.BitrixClient));\n");
    }

    /// <summary>The consumer's Directory.* files: nothing of a folder above the app is imported.</summary>
    private void CopyIsolation(string to)
    {
        foreach (var name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            File.Copy(Path.Combine(RepositoryRoot, "tests", "Bitrix.Package.Tests", "Consumer", name), Path.Combine(to, name));
        }
    }

    public string PackagePath(string id) => Path.Combine(Feed, $"{id}.{Version}.nupkg");

    public void Dispose()
    {
        try
        {
            Directory.Delete(WorkDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static void CopyConsumer(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
