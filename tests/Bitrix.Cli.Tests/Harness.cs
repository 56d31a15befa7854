using System.Text.Json.Nodes;
using Bitrix.Emulator;
using Bitrix.Export;
using Spectre.Console.Testing;

namespace Bitrix.Cli.Tests;

/// <summary>What one in-process run of the tool printed.</summary>
public sealed record CliRun(int ExitCode, string Console, string Out, string Error)
{
    /// <summary>Everything the run printed, for "no stack trace anywhere" checks.</summary>
    public string All => Console + Out + Error;
}

/// <summary>Runs <c>bitrix</c> in-process with test consoles and a client of its own (large plan, private limiter store).</summary>
/// <summary>Child processes of the tests (builds and runs of consumer projects) and the test assembly's metadata.</summary>
internal static class ChildProcess
{
    /// <summary>A value the test project put into its assembly metadata (project paths, configuration).</summary>
    public static string Metadata(string key) => System.Reflection.CustomAttributeExtensions.GetCustomAttributes<System.Reflection.AssemblyMetadataAttribute>(typeof(ChildProcess).Assembly).Single(a => a.Key == key).Value!;

    /// <summary>Runs a program to its end (at most five minutes): its exit code and stdout followed by stderr.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] arguments, params (string Name, string Value)[] environment)
    {
        var start = new System.Diagnostics.ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}

internal static class Cli
{
    public static Task<CliRun> RunAsync(params string[] args) => RunAsync(args, interactive: false);

    public static async Task<CliRun> RunAsync(string[] args, bool interactive, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var console = new TestConsole().Width(400);
        if (interactive)
        {
            console.Interactive();
        }

        using var output = new StringWriter();
        using var error = new StringWriter();
        var context = new CliContext
        {
            Console = console,
            Out = output,
            Error = error,
            GetEnvironmentVariable = name => environment?.GetValueOrDefault(name),
            ConfigureClient = options =>
            {
                options.RateLimit = new RateLimitPlan(100_000, 100_000);
                options.RateLimitStore = new InMemoryRateLimitStore();
                options.MaxRetries = 1;
                options.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
            },
        };
        var exitCode = await BitrixCli.RunAsync(args, context);
        return new CliRun(exitCode, console.Output, output.ToString(), error.ToString());
    }
}

/// <summary>A loopback portal with 300 deals and 40 contacts, no latency and a bucket no test reaches.</summary>
public sealed class PortalFixture : IAsyncLifetime
{
    public BitrixEmulator Emulator { get; private set; } = null!;

    public string Webhook => Emulator.WebhookUrl.ToString();

    public async Task InitializeAsync()
        => Emulator = await BitrixEmulator.StartAsync(new EmulatorOptions { Deals = 300, Contacts = 40, Companies = 10, LatencyScale = 0, BucketCapacity = 100_000, Seed = 7 });

    public async Task DisposeAsync() => await Emulator.DisposeAsync();

    /// <summary>The emulator's own rows of an entity, by ID.</summary>
    public async Task<Dictionary<long, JsonObject>> RowsAsync(string entity)
        => (await Emulator.GetRowsAsync(entity)).ToDictionary(r => long.Parse((string)r["ID"]!, System.Globalization.CultureInfo.InvariantCulture));
}

/// <summary>A temporary folder, removed with its contents.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "bitrix-cli-tests-" + Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
