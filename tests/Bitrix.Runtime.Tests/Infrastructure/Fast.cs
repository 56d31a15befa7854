namespace Bitrix.Runtime.Tests.Infrastructure;

/// <summary>
/// Client options for tests: a private limiter store (the default one is shared by every client
/// of a portal in the process, so tests would throttle each other) with limits far above what a
/// test sends, and short retry delays.
/// </summary>
internal static class Fast
{
    public static BitrixClientOptions Options(Action<BitrixClientOptions>? configure = null)
    {
        var options = new BitrixClientOptions();
        Apply(options);
        configure?.Invoke(options);
        return options;
    }

    /// <summary>Gives options that left the limits at their defaults the test limits.</summary>
    public static BitrixClientOptions Apply(BitrixClientOptions options)
    {
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
}
