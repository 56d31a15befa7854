using System.Reflection;

namespace Bitrix.Package.Tests;

/// <summary>
/// Once for the class: packs the three packages from the builds of the referenced projects into a
/// private feed, copies Consumer/ next to it, restores it into a private package folder (so that no
/// package cached by an earlier run can stand in for the one just packed), builds and runs it, then
/// builds it once more with a misspelt field. Each step runs only if the one before succeeded.
/// </summary>
public sealed class PackageFixture : IDisposable
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
        foreach (var project in new[] { "Bitrix.Runtime", "Bitrix.Redis", "Bitrix.Emulator" })
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
        if (!Build.Succeeded)
        {
            return;
        }

        Run = Dotnet.Run(ConsumerDirectory, environment, Path.Combine(ConsumerDirectory, "bin", "Release", "net10.0", "Consumer.dll"));
        WrongFieldBuild = Dotnet.Run(ConsumerDirectory, environment, "build", "-c", "Release", "--no-restore", "--disable-build-servers",
            $"-p:TypedBitrixVersion={Version}", "-p:WrongField=true");
    }

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
    public string Log => string.Join("\n\n", Pack.Append(Build).Append(Run).Append(WrongFieldBuild).OfType<CommandResult>());

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
