using System.Text.Json;

namespace Bitrix.Reliability.Tests.Infrastructure;

/// <summary>
/// An emulated portal (in memory) and clients on it, each with a private limiter store and the
/// portal's own plan, every request counted by a <see cref="Infrastructure.Wire"/>. Disposing checks
/// that the emulator never hit a defect of its own.
/// </summary>
public sealed class Lab : EmulatedPortal
{
    public Lab(EmulatorOptions options)
        : base(options)
    {
        Wire = new Wire(Emulator.CreateHandler());
    }

    public Wire Wire { get; }

    /// <summary>Every fault kind the emulator injects.</summary>
    public static IList<FaultKind> AllFaults => Enum.GetValues<FaultKind>();

    /// <summary>A client through <see cref="Wire"/>, with the emulator's plan, a private store and quick retries.</summary>
    public BitrixClient Client(Action<BitrixClientOptions>? configure = null)
    {
        return Connect(new HttpClient(Wire, disposeHandler: false), Options(configure));
    }

    private BitrixClientOptions Options(Action<BitrixClientOptions>? configure)
    {
        var options = new BitrixClientOptions
        {
            RateLimit = new RateLimitPlan(Emulator.Options.EffectiveBucketCapacity, Emulator.Options.EffectiveDrainPerSecond),
            RateLimitStore = new InMemoryRateLimitStore(),
            OperatingLimitSeconds = Emulator.Options.OperatingLimitSeconds,
            RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        };
        configure?.Invoke(options);
        return options;
    }

    /// <summary>An OAuth client through <see cref="Wire"/>, its tokens renewed at the emulator's <c>/oauth/token/</c>.</summary>
    public async Task<BitrixClient> OAuthClientAsync(Func<BitrixTokens, CancellationToken, Task> onRenewed, Action<BitrixClientOptions>? configure = null)
    {
        var issued = await Emulator.IssueOAuthTokensAsync();
        var client = BitrixClient.FromOAuth(
            new BitrixOAuthOptions
            {
                PortalUrl = Emulator.BaseAddress,
                TokenEndpoint = new Uri(Emulator.BaseAddress, "/oauth/token/"),
                ClientId = Emulator.Options.OAuthClientId,
                ClientSecret = Emulator.Options.OAuthClientSecret,
                AccessToken = issued.AccessToken,
                RefreshToken = issued.RefreshToken,
                OnTokensRenewed = onRenewed,
            },
            new HttpClient(Wire, disposeHandler: false),
            Options(configure));
        return Track(client);
    }

    /// <summary>Every deal's ORIGIN_ID that starts with <paramref name="prefix"/>, read from the store (no limits or faults).</summary>
    public async Task<List<(long Id, string Origin)>> OriginsAsync(string prefix)
    {
        var rows = await Emulator.GetRowsAsync("crm.deal");
        return [.. rows
            .Select(r => (Id: long.Parse((string)r["ID"]!, CultureInfo.InvariantCulture), Origin: (string?)r["ORIGIN_ID"]))
            .Where(r => r.Origin is not null && r.Origin.StartsWith(prefix, StringComparison.Ordinal))
            .Select(r => (r.Id, r.Origin!))];
    }

    protected override ValueTask DisposeCoreAsync()
    {
        Wire.Dispose();
        return ValueTask.CompletedTask;
    }
}
