using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace Bitrix.Testing;

/// <summary>
/// A private redis-server on a free loopback port for the duration of a test class. The binary
/// comes from Debian's redis-server package: .ci/run installs it, and so does this fixture when it
/// runs as root with apt-get at hand; otherwise the tests fail and say what to install.
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    private Process? _process;

    public string Configuration { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        var binary = FindBinary() ?? await InstallAsync() ?? FindBinary()
            ?? throw new InvalidOperationException("redis-server is not installed: apt-get install redis-server (.ci/run does this).");
        var port = FreePort();
        _process = Process.Start(new ProcessStartInfo(binary, $"--port {port} --bind 127.0.0.1 --save \"\" --appendonly no")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("redis-server did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        Configuration = $"127.0.0.1:{port},abortConnect=false,connectTimeout=2000";
        for (var i = 0; i < 100; i++)
        {
            try
            {
                await using var probe = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port},abortConnect=true,connectTimeout=500");
                if (probe.IsConnected)
                {
                    return;
                }
            }
            catch (RedisConnectionException)
            {
            }

            await Task.Delay(50);
        }

        throw new InvalidOperationException("redis-server did not accept connections");
    }

    public Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }

        _process?.Dispose();
        return Task.CompletedTask;
    }

    private static string? FindBinary() => new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists);

    /// <summary>Installs Debian's package when the tests run as root on a machine that lacks it.</summary>
    private static async Task<string?> InstallAsync()
    {
        if (!File.Exists("/usr/bin/apt-get") || Environment.UserName != "root")
        {
            return null;
        }

        foreach (var arguments in new[] { "update -qq", "install -y -qq redis-server" })
        {
            using var apt = Process.Start(new ProcessStartInfo("/usr/bin/apt-get", arguments)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                Environment = { ["DEBIAN_FRONTEND"] = "noninteractive" },
            });
            if (apt is null)
            {
                return null;
            }

            await Task.WhenAll(apt.StandardOutput.ReadToEndAsync(), apt.StandardError.ReadToEndAsync(), apt.WaitForExitAsync());
        }

        return FindBinary();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
