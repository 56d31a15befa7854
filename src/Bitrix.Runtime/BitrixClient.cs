using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Bitrix.Auth;
using Bitrix.Batching;
using Bitrix.Resilience;
using Bitrix.Throttling;
using Bitrix.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bitrix;

/// <summary>
/// A client of one Bitrix24 portal: raw calls, explicit batches, bulk calls packed into batches,
/// lookups by ID and (optionally) automatic batching of concurrent calls. Thread-safe and meant
/// to live as long as the application; dispose it at the end.
/// </summary>
public partial class BitrixClient : IAsyncDisposable, IDisposable
{
    private readonly BitrixTransport _transport;
    private readonly ResilientSender _sender;
    private readonly BatchSender _batches;
    private readonly Throttle _throttle;
    private readonly OAuthSession? _oauth;
    private readonly AutoBatcher? _autoBatcher;
    private readonly Listing.Lister _lister;
    private readonly BitrixClientOptions _options;
    private volatile bool _disposed;

    private BitrixClient(PortalEndpoint endpoint, OAuthSession? oauth, string? oauthClientId, HttpClient? httpClient, BitrixClientOptions? options)
        : this(endpoint, oauth, oauthClientId, options, (o, logger) =>
        {
            var ownsHttp = httpClient is null;
            var http = httpClient ?? new HttpClient(BitrixTransport.CreateHandler(endpoint, o.DangerousAcceptAnyServerCertificate), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
            if (o.DangerousAcceptAnyServerCertificate)
            {
                if (ownsHttp)
                {
                    Diagnostics.Log.CertificateValidationDisabled(logger, endpoint.Portal.ToString());
                }
                else
                {
                    Diagnostics.Log.CertificateOptionIgnored(logger);
                }
            }

            return new BitrixTransport(http, ownsHttp, redactedUrls: ownsHttp && endpoint.IsWebhook, endpoint, oauth, o, logger);
        })
    {
    }

    /// <summary>
    /// A client whose HTTP clients come from <paramref name="httpSource"/> (IHttpClientFactory), whose
    /// primary handler must be <see cref="BitrixTransport.CreateHandler"/>'s: URLs then carry the placeholder.
    /// </summary>
    internal BitrixClient(PortalEndpoint endpoint, OAuthSession? oauth, string? oauthClientId, Func<HttpClient> httpSource, BitrixClientOptions? options)
        : this(endpoint, oauth, oauthClientId, options, (o, logger) =>
        {
            if (o.DangerousAcceptAnyServerCertificate)
            {
                Diagnostics.Log.CertificateValidationDisabled(logger, endpoint.Portal.ToString());
            }

            return new BitrixTransport(httpSource, endpoint, oauth, o, logger);
        })
    {
    }

    private BitrixClient(PortalEndpoint endpoint, OAuthSession? oauth, string? oauthClientId, BitrixClientOptions? options, Func<BitrixClientOptions, ILogger, BitrixTransport> transport)
    {
        // Every component reads this private copy, checked once: later changes to the caller's
        // options object do not reach a client already built.
        _options = (options ?? new BitrixClientOptions()).Snapshot().Validate();
        var logger = (_options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Bitrix.BitrixClient");
        _oauth = oauth;
        _transport = transport(_options, logger);
        var kinds = new MethodKinds(_options.ReadMethods);
        var store = _options.RateLimitStore ?? InMemoryRateLimitStore.For(_options.TimeProvider);
        _throttle = new Throttle(store, () => endpoint.LimitKey, endpoint.Identity(oauth is null ? null : oauthClientId), _options.RateLimit, _options.OperatingLimitSeconds, _options.MaxConcurrency, _options.TimeProvider, logger, _options.MaxServerWait);
        _sender = new ResilientSender(_transport, _throttle, kinds, _options, logger);
        _batches = new BatchSender(_sender, _throttle, kinds);
        _lister = new Listing.Lister(_sender, _batches, _throttle, _options.MaxConcurrency, logger);
        if (_options.AutoBatch)
        {
            _autoBatcher = new AutoBatcher(_sender, _batches, _options.AutoBatchWindow, _options.TimeProvider);
        }
    }

    /// <summary>For mocking: a subclass overrides the virtual members.</summary>
    protected BitrixClient()
    {
        _options = new BitrixClientOptions();
        _transport = null!;
        _sender = null!;
        _batches = null!;
        _throttle = null!;
        _lister = null!;
    }

    /// <summary>
    /// A client using your <see cref="HttpClient"/> (your handler, proxy, TLS settings). Redirects
    /// are best left to the client (<c>AllowAutoRedirect = false</c>): HttpClient's own turn a
    /// POST into a body-less GET, which the client notices and sends again, at the cost of a
    /// request. With your own HttpClient the webhook code is part of the URLs it sees.
    /// </summary>
    public BitrixClient(HttpClient httpClient, string webhookUrl, BitrixClientOptions? options = null)
        : this(PortalEndpoint.ParseWebhook(webhookUrl), null, null, httpClient ?? throw new ArgumentNullException(nameof(httpClient)), options)
    {
    }

    /// <summary>A client of an inbound webhook <c>https://PORTAL/rest/USER_ID/CODE/</c>.</summary>
    public static BitrixClient FromWebhook(string webhookUrl, BitrixClientOptions? options = null)
        => new(PortalEndpoint.ParseWebhook(webhookUrl), null, null, (HttpClient?)null, options);

    /// <summary>A client of an OAuth application; renewed tokens are handed to <see cref="BitrixOAuthOptions.OnTokensRenewed"/>.</summary>
    public static BitrixClient FromOAuth(BitrixOAuthOptions oauth, BitrixClientOptions? options = null)
        => FromOAuth(oauth, httpClient: null, options);

    /// <summary>An OAuth client using your <see cref="HttpClient"/>.</summary>
    public static BitrixClient FromOAuth(BitrixOAuthOptions oauth, HttpClient? httpClient, BitrixClientOptions? options = null)
    {
        var session = OpenOAuth(oauth, options);
        return new BitrixClient(PortalEndpoint.ForOAuth(oauth.PortalUrl), session, oauth.ClientId, httpClient, options);
    }

    /// <summary>Checks an OAuth application's settings and opens its token session.</summary>
    internal static OAuthSession OpenOAuth(BitrixOAuthOptions oauth, BitrixClientOptions? options)
    {
        ArgumentNullException.ThrowIfNull(oauth);
        ArgumentNullException.ThrowIfNull(oauth.PortalUrl);
        ArgumentException.ThrowIfNullOrEmpty(oauth.ClientId);
        ArgumentException.ThrowIfNullOrEmpty(oauth.ClientSecret);
        ArgumentException.ThrowIfNullOrEmpty(oauth.AccessToken);
        ArgumentException.ThrowIfNullOrEmpty(oauth.RefreshToken);
        if (!oauth.PortalUrl.IsAbsoluteUri || (oauth.PortalUrl.Scheme != Uri.UriSchemeHttps && oauth.PortalUrl.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException("The portal URL must be an absolute http(s) URL.", nameof(oauth));
        }

        var logger = (options?.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Bitrix.BitrixClient");
        return new OAuthSession(oauth, logger);
    }

    /// <summary>The portal's address (changes when the portal moves).</summary>
    public Uri PortalUrl => _transport.Endpoint.Portal;

    /// <summary>
    /// Calls a method and returns its <c>result</c>. With <see cref="BitrixClientOptions.AutoBatch"/>,
    /// concurrent calls are packed into batches. Parameters: an anonymous object, a dictionary or a JSON value.
    /// </summary>
    [RequiresUnreferencedCode(ParameterConverter.ReflectionMessage)]
    [RequiresDynamicCode(ParameterConverter.ReflectionMessage)]
    public virtual Task<JsonElement> CallAsync(string method, object? parameters = null, CancellationToken cancellationToken = default)
        => CallAsync(method, ParameterConverter.ToObject(parameters), cancellationToken);

    /// <summary>Calls a method with parameters given as a JSON object (trimming- and AOT-safe).</summary>
    public virtual async Task<JsonElement> CallAsync(string method, JsonObject? parameters, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        method = MethodName.Validate(method, nameof(method));
        if (_autoBatcher is not null && !MethodName.IsBatch(method) && PhpQueryEncoder.SafeInPackedBatch(parameters))
        {
            return await _autoBatcher.EnqueueAsync(method, parameters, cancellationToken).ConfigureAwait(false);
        }

        var response = await _sender.SendAsync(method, parameters, cancellationToken).ConfigureAwait(false);
        return response.Result;
    }

    /// <summary>Calls a method and deserialises its <c>result</c> with source-generated metadata.</summary>
    public virtual async Task<T?> CallAsync<T>(string method, JsonObject? parameters, JsonTypeInfo<T> resultType, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resultType);
        var result = await CallAsync(method, parameters, cancellationToken).ConfigureAwait(false);
        return Typed(method, result, static (r, t) => r.Deserialize(t), resultType);
    }

    /// <summary>Calls a method and deserialises its <c>result</c> by reflection.</summary>
    [RequiresUnreferencedCode(ParameterConverter.ReflectionMessage)]
    [RequiresDynamicCode(ParameterConverter.ReflectionMessage)]
    public virtual async Task<T?> CallAsync<T>(string method, object? parameters = null, CancellationToken cancellationToken = default)
    {
        var result = await CallAsync(method, parameters, cancellationToken).ConfigureAwait(false);
        return Typed(method, result, static (r, _) => r.Deserialize<T>(ResultJson.Options), 0);
    }

    /// <summary>Reads an answer as <typeparamref name="T"/>; one of another shape is an <see cref="BitrixErrorCodes.InvalidResponse"/> error naming the method.</summary>
    private static T Typed<T, TState>(string method, JsonElement answer, Func<JsonElement, TState, T> read, TState state)
    {
        try
        {
            return read(answer, state);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw new BitrixException(BitrixErrorCodes.InvalidResponse, $"Expected the shape of {typeof(T).Name}, got {ResponseExcerpt.Of(answer)}.", null, method, innerException: e);
        }
    }

    /// <summary>
    /// Sends one call exactly as given — never batched, <c>null</c> values kept, positional (list)
    /// parameters allowed — and returns the whole envelope.
    /// </summary>
    [RequiresUnreferencedCode(ParameterConverter.ReflectionMessage)]
    [RequiresDynamicCode(ParameterConverter.ReflectionMessage)]
    public virtual Task<BitrixResponse> CallRawAsync(string method, object? parameters, CancellationToken cancellationToken = default)
        => CallRawAsync(method, ParameterConverter.ToNode(parameters), cancellationToken);

    /// <summary>Sends one call exactly as given, parameters as a JSON object or list (trimming- and AOT-safe).</summary>
    public virtual Task<BitrixResponse> CallRawAsync(string method, JsonNode? parameters, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        method = MethodName.Validate(method, nameof(method));
        if (parameters is not (null or JsonObject or JsonArray))
        {
            throw new ArgumentException("Parameters must be a JSON object (named) or a JSON list (positional).", nameof(parameters));
        }

        return _sender.SendAsync(method, parameters, cancellationToken);
    }

    /// <summary>Runs an explicit batch of up to 50 commands.</summary>
    public virtual async Task<BitrixBatchResult> BatchAsync(BitrixBatch batch, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Commands.Count == 0)
        {
            throw new ArgumentException("The batch has no commands.", nameof(batch));
        }

        if (batch.Commands.Count > BitrixBatch.MaxCommands)
        {
            throw new ArgumentException($"A batch carries at most {BitrixBatch.MaxCommands} commands; this one has {batch.Commands.Count}.", nameof(batch));
        }

        foreach (var command in batch.Commands)
        {
            if (MethodName.IsBatch(command.Method))
            {
                throw new ArgumentException($"Command '{command.Name}': a batch cannot contain a batch.", nameof(batch));
            }

            if (command.Parameters is not null && PhpQueryEncoder.ContainsNull(command.Parameters))
            {
                throw new ArgumentException($"Command '{command.Name}' has a null value, which a batch cannot carry (its commands are query strings); send it with CallRawAsync.", nameof(batch));
            }

            if (!PhpQueryEncoder.FitsQueryString(command.Parameters))
            {
                throw new ArgumentException($"Command '{command.Name}' has an empty list or object, which a batch cannot carry (a query string drops it, which changes the call); leave the parameter out or send it with CallRawAsync.", nameof(batch));
            }
        }

        var commands = batch.Commands.Select(c => new PackedCommand(c.Name, c.Method, c.Parameters)).ToList();
        var (outcomes, time) = await _batches.SendAsync(commands, BatchMode.Explicit, cancellationToken, batch.Halt).ConfigureAwait(false);
        var results = new List<BitrixCommandResult>();
        foreach (var command in batch.Commands)
        {
            if (outcomes.TryGetValue(command.Name, out var o))
            {
                results.Add(new BitrixCommandResult(command.Name, command.Method, o.Result, o.Error, o.Total, o.Next, o.Time));
            }
            else if (!batch.Halt)
            {
                // Without halt every command runs: one the answer does not mention is a wrong-shaped answer, not a skipped command.
                results.Add(new BitrixCommandResult(command.Name, command.Method, null, new BitrixError(BitrixErrorCodes.InvalidResponse, "The batch answer has no entry for this command."), null, null, null));
            }
        }

        return new BitrixBatchResult(results, time);
    }

    /// <summary>
    /// Lowers the limits for the calls this client makes inside the scope (it flows across
    /// <c>await</c>, not to other callers); disposing restores them, also after an exception.
    /// Nested scopes each apply, so the strictest limit wins.
    /// </summary>
    /// <param name="maxConcurrency">Requests in flight at most inside the scope.</param>
    /// <param name="requestsPerSecond">Requests per second at most inside the scope.</param>
    public IDisposable Slow(int? maxConcurrency = 1, double? requestsPerSecond = null)
        => new SlowScope((object?)_throttle ?? this, maxConcurrency, requestsPerSecond, _options.TimeProvider);

    /// <summary>What requests of this client are waiting for right now (bucket, operating budget, backoff), if anything.</summary>
    public string? CurrentWaitReason => _throttle?.CurrentWaitReason;

    /// <summary>Releases the client's connections and token session; calls in flight fail.</summary>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Releases the client's connections and token session; calls in flight fail.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases resources; a subclass that overrides it calls the base.</summary>
    /// <param name="disposing">False when called from a finalizer.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (disposing)
        {
            _transport?.Dispose();
            _oauth?.Dispose();
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <inheritdoc/>
    public override string ToString() => $"BitrixClient {{ Portal = {_transport?.Endpoint} }}";
}
