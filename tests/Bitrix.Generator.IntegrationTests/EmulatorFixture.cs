using Bitrix.Emulator;

namespace Bitrix.Generator.IntegrationTests;

/// <summary>
/// A fresh in-memory portal and a client of it, per test. Both sides get a large bucket, and the
/// client a limiter store of its own (the default one is shared by every client of the portal in
/// the process, so tests would throttle each other).
/// </summary>
public sealed class PortalScope : EmulatedPortal
{
    public PortalScope(int deals = 120)
        : base(new EmulatorOptions { Deals = deals, Contacts = 30, Companies = 10, LatencyScale = 0, BucketCapacity = 100_000 })
    {
        Client = Connect(new BitrixClientOptions
        {
            RateLimit = new RateLimitPlan(100_000, 100_000),
            RateLimitStore = new InMemoryRateLimitStore(),
        });
    }

    public BitrixClient Client { get; }
}
