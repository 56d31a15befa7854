using Bitrix.Emulator;

namespace Bitrix.Hosting.Tests;

/// <summary>An emulated portal over loopback (the client's own socket handler needs a real socket).</summary>
internal static class Portal
{
    public static EmulatorOptions Options(int deals = 120) => new()
    {
        Deals = deals,
        Leads = 5,
        Contacts = 5,
        Companies = 5,
        Activities = 5,
        Tasks = 5,
        LatencyScale = 0,
        Plan = EmulatorPlan.Enterprise,
        BucketCapacity = 100_000,
    };

    public static Task<BitrixEmulator> StartAsync(int deals = 120) => BitrixEmulator.StartAsync(Options(deals));

    /// <summary>The webhook code the emulator accepts: the secret nothing may reveal.</summary>
    public static string Code(BitrixEmulator emulator) => emulator.Options.Webhook.Split('/')[1];

    /// <summary>Settings that keep tests independent: a private limiter store and short retries.</summary>
    public static void Apply(BitrixClientOptions options)
    {
        options.RateLimitStore = new InMemoryRateLimitStore();
        options.RateLimit = new RateLimitPlan(100_000, 100_000);
        options.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
    }

    public static async Task AssertHealthyAsync(BitrixEmulator emulator)
    {
        var stats = await emulator.GetStatsAsync();
        Assert.Equal(0, stats.InternalFailures);
    }
}
