using Bitrix.Emulator;

namespace Bitrix.Generator.IntegrationTests;

/// <summary>A fresh in-memory portal and a client of it, per test. The bucket is large: the runtime does not throttle yet.</summary>
public sealed class PortalScope : IAsyncDisposable
{
    private readonly HttpClient _http;

    public PortalScope(int deals = 120)
    {
        Emulator = new BitrixEmulator(new EmulatorOptions { Deals = deals, Contacts = 30, Companies = 10, LatencyScale = 0, BucketCapacity = 100_000 });
        _http = new HttpClient(Emulator.CreateHandler());
        Client = new BitrixClient(_http, Emulator.WebhookUrl.ToString());
    }

    public BitrixEmulator Emulator { get; }

    public BitrixClient Client { get; }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        _http.Dispose();
        await Emulator.DisposeAsync();
    }
}
