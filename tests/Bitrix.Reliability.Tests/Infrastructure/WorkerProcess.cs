using System.Reflection;
using System.Text;

namespace Bitrix.Reliability.Tests.Infrastructure;

/// <summary>
/// One <c>dotnet Bitrix.Reliability.Worker.dll</c> process: started with its arguments, told
/// <c>go</c> on stdin once it printed <c>ready</c>, its <c>result {json}</c> line read back.
/// </summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();

    private WorkerProcess(Process process, string name)
    {
        _process = process;
        Name = name;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    /// <summary>The worker built beside the tests (the project reference builds it first).</summary>
    public static string Dll
    {
        get
        {
            var path = typeof(WorkerProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "WorkerDll").Value!;
            return File.Exists(path) ? Path.GetFullPath(path) : throw new FileNotFoundException("build tests/Bitrix.Reliability.Worker first", path);
        }
    }

    public static WorkerProcess Start(string name, IReadOnlyDictionary<string, string> arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Dll);
        foreach (var (key, value) in arguments)
        {
            start.ArgumentList.Add("--" + key);
            start.ArgumentList.Add(value);
        }

        return new WorkerProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"), name);
    }

    public async Task WaitForReadyAsync(CancellationToken cancellationToken)
    {
        var line = await _process.StandardOutput.ReadLineAsync(cancellationToken);
        if (line != "ready")
        {
            throw new InvalidOperationException($"{Name} did not get ready (printed '{line}'): {await StderrAsync()}");
        }
    }

    public async Task GoAsync()
    {
        await _process.StandardInput.WriteLineAsync("go");
        await _process.StandardInput.FlushAsync();
    }

    public async Task<JsonObject> ResultAsync(CancellationToken cancellationToken)
    {
        var line = await _process.StandardOutput.ReadLineAsync(cancellationToken);
        if (line is null || !line.StartsWith("result ", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{Name} printed no result (got '{line}'): {await StderrAsync()}");
        }

        return JsonNode.Parse(line["result ".Length..])!.AsObject();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _process.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (IOException)
        {
            // Its stdin is already closed.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private async Task<string> StderrAsync()
    {
        await Task.WhenAny(_process.WaitForExitAsync(CancellationToken.None), Task.Delay(TimeSpan.FromSeconds(3), CancellationToken.None));
        lock (_stderr)
        {
            return _stderr.ToString();
        }
    }
}
