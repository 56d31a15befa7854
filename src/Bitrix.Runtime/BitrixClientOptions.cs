using System.Collections.ObjectModel;
using Microsoft.Extensions.Logging;

namespace Bitrix;

/// <summary>
/// Settings of a <see cref="BitrixClient"/>. The client copies them when it is built: changing these
/// options (or their sets) afterwards changes nothing in a client already built with them.
/// </summary>
public sealed class BitrixClientOptions
{
    /// <summary>Default settings.</summary>
    public BitrixClientOptions()
    {
        ReadMethods = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        CloudPortalDomains = new HashSet<string>(DefaultCloudPortalDomains, StringComparer.OrdinalIgnoreCase);
        AllowPortalMoveTo = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>A copy of <paramref name="source"/> whose sets are copies too, and read-only.</summary>
    private BitrixClientOptions(BitrixClientOptions source)
    {
        AutoBatch = source.AutoBatch;
        AutoBatchWindow = source.AutoBatchWindow;
        MaxConcurrency = source.MaxConcurrency;
        RateLimit = source.RateLimit;
        RateLimitStore = source.RateLimitStore;
        OperatingLimitSeconds = source.OperatingLimitSeconds;
        MaxRetries = source.MaxRetries;
        RetryBaseDelay = source.RetryBaseDelay;
        OverloadPause = source.OverloadPause;
        ReadMethods = Frozen(source.ReadMethods);
        RequestTimeout = source.RequestTimeout;
        MaxResponseBytes = source.MaxResponseBytes;
        LoggerFactory = source.LoggerFactory;
        TimeProvider = source.TimeProvider;
        MaxRedirects = source.MaxRedirects;
        CloudPortalDomains = Frozen(source.CloudPortalDomains);
        AllowPortalMoveTo = Frozen(source.AllowPortalMoveTo);
        MaxServerWait = source.MaxServerWait;
        CallTimeout = source.CallTimeout;
        DangerousAcceptAnyServerCertificate = source.DangerousAcceptAnyServerCertificate;
    }

    /// <summary>
    /// Coalesce independent <see cref="BitrixClient.CallAsync(string, object?, CancellationToken)"/> calls issued
    /// concurrently into batches of up to 50, transparently to the callers. A call whose parameters
    /// a batch would change (a null, an empty list or object, or text such as <c>$result[...]</c>
    /// that the portal substitutes inside batches) is sent on its own.
    /// </summary>
    public bool AutoBatch { get; set; }

    /// <summary>How long the first queued call waits for companions before its batch is sent.</summary>
    public TimeSpan AutoBatchWindow { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Requests in flight at most; the client lowers it on refusals and errors and raises it back.</summary>
    public int MaxConcurrency { get; set; } = 6;

    /// <summary>The portal's leaky bucket (standard 50 + 2/s; <see cref="RateLimitPlan.Enterprise"/> 250 + 5/s).</summary>
    public RateLimitPlan RateLimit { get; set; } = RateLimitPlan.Standard;

    /// <summary>
    /// Where limits are mirrored. Null: in memory, shared by every client of the portal in this
    /// process. A Redis store (package Bitrix.Redis) shares them across processes.
    /// </summary>
    public IRateLimitStore? RateLimitStore { get; set; }

    /// <summary>The operating budget of a method, seconds of server time per 10 minutes (480 on cloud portals).</summary>
    public double OperatingLimitSeconds { get; set; } = 480;

    /// <summary>Retries of a transient failure (reads only, and writes that never left).</summary>
    public int MaxRetries { get; set; } = 5;

    /// <summary>The first retry delay; later ones grow exponentially, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The pause after OVERLOAD_LIMIT (a manual block) before the one further try.</summary>
    public TimeSpan OverloadPause { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Methods to treat as reads besides those ending in .list, .get, .fields and other read verbs.</summary>
    public ISet<string> ReadMethods { get; }

    /// <summary>
    /// Timeout of one HTTP exchange, from sending the request to the last byte of the answer (the
    /// portal itself stops a request after 60 s): an answer that never ends fails within it.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>
    /// The largest answer body accepted, in bytes (default 256 MB). A longer answer — announced by
    /// its Content-Length or found while reading — fails with
    /// <see cref="BitrixErrorCodes.InvalidResponse"/> without being held in memory.
    /// </summary>
    public long MaxResponseBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Where the client logs; secrets are redacted from every message.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>The clock for windows and delays; tests may pass a fake one.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>How many redirects (a portal's domain move answers 302) are followed per call; more end the call with an error.</summary>
    public int MaxRedirects { get; set; } = 5;

    /// <summary>
    /// The Bitrix24 cloud domains a portal may move to with the webhook code or token: a redirect to
    /// a host under one of them (<c>new-name.bitrix24.de</c>) is followed, a redirect to any other
    /// host fails with <see cref="BitrixErrorCodes.RedirectRefused"/> unless the host is in
    /// <see cref="AllowPortalMoveTo"/>. Holds the known cloud zones by default; remove entries to
    /// be stricter (an empty set follows no move to another host).
    /// </summary>
    public ISet<string> CloudPortalDomains { get; }

    /// <summary>
    /// Hosts (<c>crm.example.com</c>) or host:port pairs a portal may move to besides the cloud
    /// domains — an on-premise portal's new address. Empty by default.
    /// </summary>
    public ISet<string> AllowPortalMoveTo { get; }

    /// <summary>
    /// The longest wait a server's answer may impose (an operating budget's reset time, a pause it
    /// asks for). A call that would have to wait longer fails with
    /// <see cref="BitrixErrorCodes.ServerWaitTooLong"/> instead. Ten minutes by default: the
    /// operating budget's whole window.
    /// </summary>
    public TimeSpan MaxServerWait { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The longest one call may take, waits, retries and resends included; null (the default)
    /// leaves it to <see cref="RequestTimeout"/> per attempt and <see cref="MaxRetries"/>. A call
    /// past it fails with <see cref="BitrixErrorCodes.CallTimeout"/> — or, for a write already
    /// sent, <see cref="BitrixErrorCodes.UnknownOutcome"/>.
    /// </summary>
    public TimeSpan? CallTimeout { get; set; }

    /// <summary>
    /// <b>Dangerous:</b> accept any server certificate — self-signed, expired, issued for another
    /// host. Anyone on the network path can then read and change every call, the webhook code or
    /// OAuth token included. Only for a test portal with a self-signed certificate; never in
    /// production. Off by default (certificates are validated). Applies to the handler the client
    /// creates, not to an <see cref="HttpClient"/> you pass. The client logs a warning when it is
    /// created with this on.
    /// </summary>
    public bool DangerousAcceptAnyServerCertificate { get; set; }

    /// <summary>
    /// The settings a client is built with: a copy taken once, its sets copied and read-only, so a
    /// caller changing these options later (from any thread) changes nothing in that client.
    /// Scalars and services (the store, the logger factory, the clock) are copied by reference.
    /// </summary>
    internal BitrixClientOptions Snapshot() => new(this);

    internal BitrixClientOptions Validate()
    {
        if (MaxConcurrency < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConcurrency), MaxConcurrency, "At least one request must be allowed in flight.");
        }

        ArgumentNullException.ThrowIfNull(RateLimit);
        RateLimit.Validate();
        if (MaxRetries < 0 || OperatingLimitSeconds <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRetries), "Retries cannot be negative and the operating limit must be positive.");
        }

        if (MaxResponseBytes < 1 || MaxResponseBytes > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxResponseBytes), MaxResponseBytes, "The answer size limit must be positive and at most Array.MaxLength.");
        }

        if (AutoBatchWindow < TimeSpan.Zero || RequestTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(RequestTimeout), "Windows and timeouts must be positive.");
        }

        if (MaxRedirects < 0 || MaxServerWait < TimeSpan.Zero || MaxServerWait > TimeSpan.FromDays(24) || CallTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxServerWait), "Redirects cannot be negative, the longest server wait must lie between zero and 24 days, and a call timeout must be positive.");
        }

        return this;
    }

    private static ReadOnlySet<string> Frozen(ISet<string> source)
        => new(new HashSet<string>(source, StringComparer.OrdinalIgnoreCase));

    /// <summary>The Bitrix24 cloud zones (portals are <c>NAME.bitrix24.ZONE</c>).</summary>
    internal static readonly string[] DefaultCloudPortalDomains =
    [
        "bitrix24.ru", "bitrix24.com", "bitrix24.de", "bitrix24.by", "bitrix24.kz", "bitrix24.ua",
        "bitrix24.eu", "bitrix24.es", "bitrix24.fr", "bitrix24.it", "bitrix24.pl", "bitrix24.uk",
        "bitrix24.in", "bitrix24.com.br", "bitrix24.co", "bitrix24.mx", "bitrix24.cn", "bitrix24.jp",
        "bitrix24.com.tr", "bitrix24.tr", "bitrix24.id", "bitrix24.vn",
    ];
}
