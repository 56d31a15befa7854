using System.Globalization;
using System.Text.Json;
using Bitrix.Emulator;

namespace Bitrix.Testing;

/// <summary>
/// An in-memory emulated portal and the clients a test opens on it. Disposing closes the clients
/// and their HTTP clients, then the emulator, and fails the test if the emulator met a defect of
/// its own meanwhile.
/// </summary>
public class EmulatedPortal : IAsyncDisposable
{
    private readonly List<BitrixClient> _clients = [];
    private readonly List<HttpClient> _http = [];
    private bool _disposed;

    /// <summary>Starts an in-memory portal with these options.</summary>
    public EmulatedPortal(EmulatorOptions options) => Emulator = new BitrixEmulator(options);

    /// <summary>The portal.</summary>
    public BitrixEmulator Emulator { get; }

    /// <summary>
    /// A portal whose limits never bind (no latency, a bucket and an operating budget far above what
    /// a test sends) and with no seeded deals, leads, tasks or activities: the data the test asks for.
    /// </summary>
    public static EmulatorOptions Open(Action<EmulatorOptions>? configure = null)
    {
        var options = new EmulatorOptions
        {
            LatencyScale = 0,
            BucketCapacity = 1_000_000,
            DrainPerSecond = 1_000_000,
            OperatingLimitSeconds = 1e9,
            Deals = 0,
            Leads = 0,
            Contacts = 10,
            Companies = 10,
            Tasks = 0,
            Activities = 0,
        };
        configure?.Invoke(options);
        return options;
    }

    /// <summary>
    /// Gives client options that left the limits at their defaults the test limits: a private
    /// limiter store (the default one is shared by every client of a portal in the process, so
    /// tests would throttle each other), limits far above what a test sends, short retry delays.
    /// </summary>
    public static BitrixClientOptions Unthrottled(BitrixClientOptions? options = null)
    {
        options ??= new BitrixClientOptions();
        if (options.RateLimit == RateLimitPlan.Standard)
        {
            options.RateLimit = new RateLimitPlan(100_000, 100_000);
        }

        options.RateLimitStore ??= new InMemoryRateLimitStore();
        if (options.RetryBaseDelay == TimeSpan.FromSeconds(1))
        {
            options.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
        }

        return options;
    }

    /// <summary>A webhook client of the portal over <paramref name="http"/>; both are closed with the portal.</summary>
    public BitrixClient Connect(HttpClient http, BitrixClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http.Add(http);
        return Track(new BitrixClient(http, Emulator.WebhookUrl.ToString(), options));
    }

    /// <summary>A webhook client over the portal's in-memory handler, wrapped by <paramref name="wrap"/> when given.</summary>
    public BitrixClient Connect(BitrixClientOptions options, Func<HttpMessageHandler, HttpMessageHandler>? wrap = null)
    {
        var handler = Emulator.CreateHandler();
        return Connect(new HttpClient(wrap is null ? handler : wrap(handler)), options);
    }

    /// <summary>Closes <paramref name="client"/> with the portal.</summary>
    public BitrixClient Track(BitrixClient client)
    {
        _clients.Add(client);
        return client;
    }

    /// <summary>The IDs an entity has now, ascending. Seeded IDs have holes: a row's ID is not its rank.</summary>
    public Task<IReadOnlyList<long>> IdsAsync(string entity = "crm.deal") => Emulator.GetIdsAsync(entity);

    /// <summary>The ID of the row at a rank (0 = the oldest) in an entity's ascending IDs.</summary>
    public async Task<long> IdAsync(string entity, int rank) => (await Emulator.GetIdsAsync(entity))[rank];

    /// <summary>A row's ID, whether the portal wrote it as a string or a number.</summary>
    public static long IdOf(JsonElement row, string idKey = "ID")
    {
        var id = row.GetProperty(idKey);
        return id.ValueKind == JsonValueKind.String ? long.Parse(id.GetString()!, CultureInfo.InvariantCulture) : id.GetInt64();
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        _http.ForEach(h => h.Dispose());
        var stats = await Emulator.GetStatsAsync();
        await Emulator.DisposeAsync();
        await DisposeCoreAsync();
        GC.SuppressFinalize(this);
        Assert.True(stats.InternalFailures == 0, "The emulator met a defect of its own: " + stats.LastInternalFailure);
    }

    /// <summary>Closes what a derived fixture holds, after the clients and the emulator.</summary>
    protected virtual ValueTask DisposeCoreAsync() => ValueTask.CompletedTask;
}
