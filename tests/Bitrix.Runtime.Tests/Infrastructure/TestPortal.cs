using Bitrix.Emulator;

namespace Bitrix.Runtime.Tests.Infrastructure;

/// <summary>
/// An in-memory emulated portal (latency 0) and a <see cref="BitrixClient"/> on its webhook,
/// with every request the client sends recorded.
/// </summary>
public sealed class TestPortal : IAsyncDisposable
{
    private TestPortal(BitrixEmulator emulator, RecordingHandler recorder, HttpClient http, BitrixClient client)
    {
        Emulator = emulator;
        Recorder = recorder;
        Http = http;
        Client = client;
    }

    public BitrixEmulator Emulator { get; }

    public RecordingHandler Recorder { get; }

    public HttpClient Http { get; }

    public BitrixClient Client { get; }

    /// <summary>The webhook code the emulator accepts (a secret the client must never reveal).</summary>
    public string WebhookCode => Emulator.Options.Webhook.Split('/')[1];

    public static EmulatorOptions Options(int deals = 200) => new()
    {
        Deals = deals,
        Leads = 20,
        Contacts = 20,
        Companies = 10,
        Activities = 10,
        Tasks = 20,
        LatencyScale = 0,
        // Tests count requests: the leaky bucket must never be what they measure.
        Plan = EmulatorPlan.Enterprise,
        BucketCapacity = 100_000,
    };

    public static TestPortal Create(EmulatorOptions? emulatorOptions = null, BitrixClientOptions? clientOptions = null)
    {
        var emulator = new BitrixEmulator(emulatorOptions ?? Options());
        var recorder = new RecordingHandler(emulator.CreateHandler());
        var http = new HttpClient(recorder, disposeHandler: true);
        var client = new BitrixClient(http, emulator.WebhookUrl.ToString(), Fast.Apply(clientOptions ?? new BitrixClientOptions()));
        return new TestPortal(emulator, recorder, http, client);
    }

    public Task<EmulatorStats> StatsAsync() => Emulator.GetStatsAsync();

    /// <summary>The IDs an entity has now, ascending. Seeded IDs have holes: a row's ID is not its rank.</summary>
    public Task<IReadOnlyList<long>> IdsAsync(string entity = "crm.deal") => Emulator.GetIdsAsync(entity);

    /// <summary>The ID of the row at a rank (0 = the oldest) in an entity's ascending IDs.</summary>
    public async Task<long> IdAsync(string entity, int rank) => (await Emulator.GetIdsAsync(entity))[rank];

    /// <summary>REST requests the emulator received; also checks it met no defect of its own.</summary>
    public async Task<long> RequestsAsync()
    {
        var stats = await Emulator.GetStatsAsync();
        Assert.Equal(0, stats.InternalFailures);
        return stats.Requests;
    }

    public async ValueTask DisposeAsync()
    {
        var stats = await Emulator.GetStatsAsync();
        await Client.DisposeAsync();
        Http.Dispose();
        await Emulator.DisposeAsync();
        Assert.True(stats.InternalFailures == 0, "The emulator met a defect of its own: " + stats.LastInternalFailure);
    }
}
