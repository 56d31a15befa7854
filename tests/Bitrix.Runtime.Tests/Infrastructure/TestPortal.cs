namespace Bitrix.Runtime.Tests.Infrastructure;

/// <summary>
/// An in-memory emulated portal (latency 0) and a <see cref="BitrixClient"/> on its webhook,
/// with every request the client sends recorded.
/// </summary>
public sealed class TestPortal : EmulatedPortal
{
    private TestPortal(EmulatorOptions emulatorOptions, BitrixClientOptions clientOptions)
        : base(emulatorOptions)
    {
        Recorder = new RecordingHandler(Emulator.CreateHandler());
        Http = new HttpClient(Recorder, disposeHandler: true);
        Client = Connect(Http, Fast.Apply(clientOptions));
    }

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
        => new(emulatorOptions ?? Options(), clientOptions ?? new BitrixClientOptions());

    public Task<EmulatorStats> StatsAsync() => Emulator.GetStatsAsync();

    /// <summary>REST requests the emulator received; also checks it met no defect of its own.</summary>
    public async Task<long> RequestsAsync()
    {
        var stats = await Emulator.GetStatsAsync();
        Assert.Equal(0, stats.InternalFailures);
        return stats.Requests;
    }
}
