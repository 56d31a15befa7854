using System.Text.Json.Nodes;
using Bitrix.Emulator;

namespace Bitrix.Throttling.Tests;

/// <summary>An emulated portal and clients on its in-process handler, with a probe of what goes over the wire.</summary>
public sealed class Harness(EmulatorOptions options) : EmulatedPortal(options)
{

    public WireProbe Probe { get; } = new();

    /// <summary>A scaled-down plan both sides share, so that tests take seconds at the plan's rate.</summary>
    public static EmulatorOptions Scaled(double capacity, double drain, Action<EmulatorOptions>? configure = null)
    {
        var options = new EmulatorOptions { LatencyScale = 0, BucketCapacity = capacity, DrainPerSecond = drain, Deals = 300 };
        configure?.Invoke(options);
        return options;
    }

    public BitrixClient Client(Action<BitrixClientOptions>? configure = null, IRateLimitStore? store = null)
    {
        var options = new BitrixClientOptions
        {
            RateLimit = new RateLimitPlan(Emulator.Options.EffectiveBucketCapacity, Emulator.Options.EffectiveDrainPerSecond),
            RateLimitStore = store ?? new InMemoryRateLimitStore(),
            RetryBaseDelay = TimeSpan.FromMilliseconds(5),
        };
        configure?.Invoke(options);
        return Connect(options, inner => new CountingHandler(Probe) { InnerHandler = inner });
    }

    public static JsonObject Params(params (string Key, JsonNode? Value)[] values)
    {
        var obj = new JsonObject();
        foreach (var (key, value) in values)
        {
            obj[key] = value;
        }

        return obj;
    }
}

/// <summary>Counts HTTP requests and the most that were in flight at once.</summary>
public sealed class WireProbe
{
    private int _inFlight;
    private int _maxInFlight;
    private int _requests;

    public int Requests => Volatile.Read(ref _requests);

    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    public void ResetMax() => Volatile.Write(ref _maxInFlight, Volatile.Read(ref _inFlight));

    internal void Enter()
    {
        Interlocked.Increment(ref _requests);
        var now = Interlocked.Increment(ref _inFlight);
        int seen;
        while (now > (seen = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, seen) != seen)
        {
        }
    }

    internal void Exit() => Interlocked.Decrement(ref _inFlight);
}

internal sealed class CountingHandler(WireProbe probe) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        probe.Enter();
        try
        {
            // Holds the slot a moment so that concurrency is observable even with an instant server.
            await Task.Delay(2, cancellationToken);
            return await base.SendAsync(request, cancellationToken);
        }
        finally
        {
            probe.Exit();
        }
    }
}
