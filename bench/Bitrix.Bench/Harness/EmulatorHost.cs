using System.Globalization;
using Bitrix.Emulator;

namespace Bitrix.Bench.Harness;

/// <summary>How the emulated portal is set up for a scenario; the same for both hosts.</summary>
internal sealed record EmulatorSetup(int Deals, int Seed = 1)
{
    /// <summary>
    /// The leaky bucket and operating budget are opened wide: a throughput scenario measures
    /// the server's speed, and a 50-request bucket would turn it into a measure of 503s.
    /// </summary>
    private const double Unlimited = 1e9;

    public IEnumerable<string> ToArguments() =>
    [
        "--deals", Deals.ToString(CultureInfo.InvariantCulture),
        "--seed", Seed.ToString(CultureInfo.InvariantCulture),
        "--latency-scale", "0",
        "--bucket-capacity", Unlimited.ToString("R", CultureInfo.InvariantCulture),
        "--drain-rate", Unlimited.ToString("R", CultureInfo.InvariantCulture),
        "--operating-limit", Unlimited.ToString("R", CultureInfo.InvariantCulture),
    ];

    public EmulatorOptions ToOptions() => new()
    {
        Deals = Deals,
        Seed = Seed,
        LatencyScale = 0,
        BucketCapacity = Unlimited,
        DrainPerSecond = Unlimited,
        OperatingLimitSeconds = Unlimited,
    };
}

/// <summary>A running emulator and the one <see cref="HttpClient"/> a scenario's workers share.</summary>
internal sealed class EmulatorHost : IAsyncDisposable
{
    public const string Loopback = "loopback";
    public const string InProcess = "in-process";

    private readonly IAsyncDisposable _server;

    private EmulatorHost(string name, HttpClient client, Uri webhookUrl, IAsyncDisposable server, Func<TimeSpan>? serverCpu)
    {
        Name = name;
        Client = client;
        WebhookUrl = webhookUrl;
        _server = server;
        ServerCpu = serverCpu;
    }

    /// <summary><see cref="Loopback"/> or <see cref="InProcess"/>.</summary>
    public string Name { get; }

    public HttpClient Client { get; }

    public Uri WebhookUrl { get; }

    /// <summary>Reads the server's own CPU time; null when it shares this process.</summary>
    public Func<TimeSpan>? ServerCpu { get; }

    /// <summary>Kestrel in a separate <c>dotnet Bitrix.Emulator.dll</c> process, reached over 127.0.0.1.</summary>
    public static async Task<EmulatorHost> StartLoopbackAsync(string emulatorDll, EmulatorSetup setup, int concurrency, CancellationToken cancellationToken)
    {
        var process = await EmulatorProcess.StartAsync(emulatorDll, setup.ToArguments(), cancellationToken).ConfigureAwait(false);
        var handler = new SocketsHttpHandler
        {
            // A proxy from the environment must not sit between the client and a loopback server.
            UseProxy = false,
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = concurrency,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        };
        var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        return new EmulatorHost(Loopback, client, process.WebhookUrl, process, () => process.CpuTime);
    }

    /// <summary>The portal core behind <see cref="BitrixEmulator.CreateHandler"/>: no sockets, no HTTP parsing.</summary>
    public static EmulatorHost StartInProcess(EmulatorSetup setup)
    {
        var emulator = new BitrixEmulator(setup.ToOptions());
        var client = new HttpClient(emulator.CreateHandler()) { Timeout = TimeSpan.FromSeconds(30) };
        return new EmulatorHost(InProcess, client, emulator.WebhookUrl, emulator, null);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _server.DisposeAsync().ConfigureAwait(false);
    }
}
