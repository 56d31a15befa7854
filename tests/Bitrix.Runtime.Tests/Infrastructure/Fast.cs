namespace Bitrix.Runtime.Tests.Infrastructure;

/// <summary>Client options for tests: <see cref="EmulatedPortal.Unthrottled"/>, then the test's own settings.</summary>
internal static class Fast
{
    public static BitrixClientOptions Options(Action<BitrixClientOptions>? configure = null)
    {
        var options = EmulatedPortal.Unthrottled();
        configure?.Invoke(options);
        return options;
    }

    /// <summary>Gives options that left the limits at their defaults the test limits.</summary>
    public static BitrixClientOptions Apply(BitrixClientOptions options) => EmulatedPortal.Unthrottled(options);
}
