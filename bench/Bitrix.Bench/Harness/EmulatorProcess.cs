using System.Diagnostics;
using System.Text;

namespace Bitrix.Bench.Harness;

/// <summary>
/// The built emulator (<c>dotnet Bitrix.Emulator.dll</c>) in a process of its own, so the load
/// generator and the server do not share a GC, a thread pool or a CPU-time account.
/// </summary>
internal sealed class EmulatorProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly Task _drain;

    private EmulatorProcess(Process process, Uri webhookUrl, Task drain)
    {
        _process = process;
        WebhookUrl = webhookUrl;
        _drain = drain;
    }

    /// <summary>The webhook URL the emulator printed, e.g. <c>http://127.0.0.1:PORT/rest/1/emulatorsecret/</c>.</summary>
    public Uri WebhookUrl { get; }

    /// <summary>CPU time the emulator process has used so far.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>
    /// Starts <paramref name="emulatorDll"/> on a free loopback port with <paramref name="options"/>
    /// (emulator command-line flags) and waits for the webhook URL on its first stdout line.
    /// </summary>
    public static async Task<EmulatorProcess> StartAsync(string emulatorDll, IEnumerable<string> options, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(emulatorDll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        foreach (var option in options)
        {
            start.ArgumentList.Add(option);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var stderr = new StringBuilder();
        var stderrTask = DrainAsync(process.StandardError, stderr);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(StartTimeout);
            string? line;
            try
            {
                line = await process.StandardOutput.ReadLineAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new InvalidOperationException($"the emulator printed no webhook URL within {StartTimeout.TotalSeconds} s. stderr: {Text(stderr)}");
            }

            if (line is null || !Uri.TryCreate(line.Trim(), UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttp)
            {
                // Give a failing emulator a moment to finish its error output before quoting it.
                await Task.WhenAny(process.WaitForExitAsync(CancellationToken.None), Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None)).ConfigureAwait(false);
                throw new InvalidOperationException($"the emulator did not print a webhook URL (first line: '{line}', exit code {(process.HasExited ? process.ExitCode : null)}). stderr: {Text(stderr)}");
            }

            // Keep reading so a chatty server can never block on a full pipe.
            var stdoutTask = DrainAsync(process.StandardOutput, null);
            return new EmulatorProcess(process, url, Task.WhenAll(stdoutTask, stderrTask));
        }
        catch
        {
            Kill(process);
            process.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The emulator to run: <paramref name="explicitPath"/>, else the copy built beside this harness
    /// (the project reference puts it there), else the emulator project's own Release or Debug output.
    /// </summary>
    public static string Locate(string? explicitPath)
    {
        if (explicitPath is not null)
        {
            return File.Exists(explicitPath) ? Path.GetFullPath(explicitPath) : throw new ArgumentException($"--emulator: no file {explicitPath}");
        }

        var beside = Path.Combine(AppContext.BaseDirectory, "Bitrix.Emulator.dll");
        if (File.Exists(beside) && File.Exists(Path.ChangeExtension(beside, ".runtimeconfig.json")))
        {
            return beside;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var configuration in new[] { "Release", "Debug" })
            {
                var candidate = Path.Combine(dir.FullName, "src", "Bitrix.Emulator", "bin", configuration, "net10.0", "Bitrix.Emulator.dll");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new ArgumentException("Bitrix.Emulator.dll not found: build src/Bitrix.Emulator or pass --emulator PATH");
    }

    public async ValueTask DisposeAsync()
    {
        Kill(_process);
        await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ConfigureAwait(false);
        await _drain.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false);
        _process.Dispose();
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill: nothing left to stop.
        }
    }

    private static async Task DrainAsync(StreamReader reader, StringBuilder? keep)
    {
        while (await reader.ReadLineAsync(CancellationToken.None).ConfigureAwait(false) is { } line)
        {
            if (keep is not null)
            {
                lock (keep)
                {
                    if (keep.Length < 64 * 1024)
                    {
                        keep.AppendLine(line);
                    }
                }
            }
        }
    }

    private static string Text(StringBuilder sb)
    {
        lock (sb)
        {
            return sb.ToString();
        }
    }
}
