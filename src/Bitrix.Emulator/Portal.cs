using System.Globalization;
using System.Text.Json.Nodes;
using Bitrix.Emulator.Data;
using Bitrix.Emulator.Faults;
using Bitrix.Emulator.Limits;
using Bitrix.Emulator.Methods;
using Bitrix.Emulator.OAuth;
using Bitrix.Emulator.Events;
using Bitrix.Emulator.Protocol;
using Bitrix.Emulator.SmartProcesses;

namespace Bitrix.Emulator;

/// <summary>
/// The host-independent core of the emulated portal: routing, authentication, limits, faults,
/// method dispatch and envelopes. Both the in-process handler and Kestrel call <see cref="HandleAsync"/>.
/// </summary>
internal sealed partial class Portal : IDisposable
{
    private readonly object _gate = new();
    private readonly MethodRegistry _methods;
    private readonly FaultInjector _faults;
    private readonly string _webhookUser;
    private readonly string _webhookCode;
    private Mutator? _mutator;

    public Portal(EmulatorOptions options)
    {
        Options = options.Clone();
        Time = Options.TimeProvider;
        var webhook = Options.Webhook.Trim('/').Split('/');
        if (webhook.Length != 2 || !long.TryParse(webhook[0], NumberStyles.None, CultureInfo.InvariantCulture, out _) || webhook[1].Length == 0)
        {
            throw new ArgumentException("Webhook must look like USER_ID/CODE, e.g. 1/emulatorsecret.", nameof(options));
        }

        _webhookUser = webhook[0];
        _webhookCode = webhook[1];
        Bucket = new LeakyBucket(Options.EffectiveBucketCapacity, Options.EffectiveDrainPerSecond, Time);
        Budget = new OperatingBudget(Options.OperatingLimitSeconds, Options.OperatingWindow);
        _faults = new FaultInjector(Options.FaultRate, Options.FaultKinds, Options.Seed);
        Tokens = new TokenStore(Time, Options.AccessTokenLifetime, Options.RefreshTokenLifetime);
        Data = new PortalData(Options);
        Events = new EventDispatcher(this);
        _methods = MethodRegistry.CreateDefault();
        StartMutator();
    }

    public EmulatorOptions Options { get; }

    public TimeProvider Time { get; }

    public PortalData Data { get; private set; }

    /// <summary>The smart processes (crm.type.*) and their items.</summary>
    public SmartProcessStore SmartProcesses { get; private set; } = new();

    /// <summary>Event handlers bound with event.bind and the queue that delivers to them.</summary>
    public EventDispatcher Events { get; }

    /// <summary>Whether the request being executed came with an application's OAuth token (not a webhook): read under the lock.</summary>
    public bool CurrentCallIsApplication { get; private set; }

    public StatsCollector Stats { get; } = new();

    public LeakyBucket Bucket { get; }

    public OperatingBudget Budget { get; }

    public TokenStore Tokens { get; }

    public string WebhookPath => $"/rest/{_webhookUser}/{_webhookCode}/";

    public long WebhookUserId => long.Parse(_webhookUser, CultureInfo.InvariantCulture);

    /// <summary>Runs <paramref name="action"/> with exclusive access to the data.</summary>
    public T Locked<T>(Func<PortalData, T> action)
    {
        lock (_gate)
        {
            return action(Data);
        }
    }

    public void Reset(IdLayout? idLayout = null)
    {
        lock (_gate)
        {
            if (idLayout is { } layout)
            {
                Options.IdLayout = layout;
            }

            _mutator?.Dispose();
            Data = new PortalData(Options);
            SmartProcesses = new SmartProcessStore();
            Events.Reset();
            Bucket.Reset();
            Budget.Reset();
            Tokens.Reset();
            _faults.Reset();
            Stats.Reset();
            StartMutator();
        }
    }

    public EmulatorStats Snapshot()
    {
        lock (_gate)
        {
            var counts = Data.AllTables.ToDictionary(t => t.Name, t => (long)t.Count);
            var maxIds = Data.AllTables.ToDictionary(t => t.Name, t => t.MaxId);
            return Stats.Snapshot(Bucket.Level, counts, maxIds);
        }
    }

    public void Dispose()
    {
        _mutator?.Dispose();
        Events.Dispose();
    }

    private void StartMutator()
    {
        _mutator = Options.MutateRate > 0 || Options.MutateModifyRate > 0 ? new Mutator(this, Options.MutateRate, Options.MutateModifyRate, Options.Seed) : null;
    }

    public async Task<EmulatorResponse> HandleAsync(EmulatorRequest request, CancellationToken cancellationToken)
    {
        var path = request.Path;
        if (path.StartsWith("/_emulator/", StringComparison.OrdinalIgnoreCase))
        {
            return await HandleControlAsync(request, cancellationToken).ConfigureAwait(false);
        }

        if (path.StartsWith("/oauth/token", StringComparison.OrdinalIgnoreCase))
        {
            return await HandleTokenAsync(request, cancellationToken).ConfigureAwait(false);
        }

        if (path.StartsWith("/rest/", StringComparison.OrdinalIgnoreCase) || path.Equals("/rest", StringComparison.OrdinalIgnoreCase))
        {
            Stats.Request();
            EmulatorResponse response;
            try
            {
                response = await HandleRestAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A defect of the emulator, not portal behaviour: counted so tests can demand zero.
                Stats.InternalFailure(e);
                response = ErrorResponse(PortalError.InternalServerError());
            }

            Stats.Answer(response.Status);
            return response;
        }

        return EmulatorResponse.Html(404, "<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>");
    }

    private async Task<EmulatorResponse> HandleRestAsync(EmulatorRequest request, CancellationToken cancellationToken)
    {
        if (Options.MovedTo is { } movedTo)
        {
            var target = new Uri(movedTo, request.Path + (request.QueryString.Length > 0 ? "?" + request.QueryString : string.Empty));
            return new EmulatorResponse(302, "text/html; charset=utf-8", [])
            {
                Location = target.ToString(),
            };
        }

        var fault = _faults.Next();
        if (fault is { } kind)
        {
            Stats.Fault(kind);
            switch (kind)
            {
                case FaultKind.Reset:
                    return new EmulatorResponse(0, string.Empty, []) { Fault = TransportFault.ResetBeforeAnswer };
                case FaultKind.InternalError:
                    return ErrorResponse(PortalError.InternalServerError());
                case FaultKind.HtmlOk:
                    return EmulatorResponse.Html(200, "<!DOCTYPE html><html><head><title>Network login</title></head><body><h1>Sign in to continue</h1><form method=\"post\" action=\"/login\"><input name=\"user\"><input type=\"password\" name=\"password\"><button>Sign in</button></form></body></html>");
                case FaultKind.ServiceUnavailable:
                    return EmulatorResponse.Html(503, "<html><head><title>503 Service Temporarily Unavailable</title></head><body><center><h1>503 Service Temporarily Unavailable</h1></center><hr><center>nginx</center></body></html>");
            }
        }

        var route = RestRoute.Parse(request.Path);
        if (route is null)
        {
            return ErrorResponse(PortalError.MethodNotFound());
        }

        if (route.Format == "xml")
        {
            return ErrorResponse(PortalError.InvalidRequest("XML output is not supported by this portal emulator"));
        }

        var values = await RequestDecoder.DecodeAsync(request, cancellationToken).ConfigureAwait(false);
        var authError = Authenticate(route, values, request.Authorization);
        if (authError is not null)
        {
            return ErrorResponse(authError);
        }

        var started = Time.GetUtcNow();
        Outcome outcome;
        lock (_gate)
        {
            CurrentCallIsApplication = !route.IsWebhook;
            outcome = Execute(route.Method, new RequestParams(values), started);
        }

        if (outcome.Cost > 0 && Options.LatencyScale > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds(outcome.Cost * Options.LatencyScale), Time, cancellationToken).ConfigureAwait(false);
        }

        var response = outcome.Error is { } error
            ? ErrorResponse(error)
            : EmulatorResponse.Json(200, Envelope.Success(outcome.Result, outcome.Next, outcome.Total, new TimeInfo(started, outcome.Cost, outcome.Operating, outcome.OperatingResetAt)));

        return fault switch
        {
            FaultKind.BadGatewayHtml => EmulatorResponse.Html(502, "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"),
            FaultKind.Truncate => response with { Fault = TransportFault.TruncateAnswer },
            FaultKind.Slow => response with { Fault = TransportFault.DelayAnswer, Delay = Options.SlowDelay },
            FaultKind.CutMatchingLength => response with { Fault = TransportFault.CutMatchingLength },
            FaultKind.CutShortLength => response with { Fault = TransportFault.CutShortLength },
            FaultKind.EmptyOk => response with { Status = 200, Body = [] },
            _ => response,
        };
    }

    private static EmulatorResponse ErrorResponse(PortalError error) => EmulatorResponse.Json(error.Status, Envelope.Error(error.Code, error.Message));

    private PortalError? Authenticate(RestRoute route, JsonObject values, string? authorization)
    {
        if (route.IsWebhook)
        {
            return route.WebhookUser == _webhookUser && string.Equals(route.WebhookCode, _webhookCode, StringComparison.Ordinal)
                ? null
                : PortalError.InvalidCredentials();
        }

        string? token = null;
        foreach (var key in new[] { "auth", "access_token" })
        {
            if (values.TryGetPropertyValue(key, out var node))
            {
                token ??= JsonValues.AsString(node);
                values.Remove(key);
            }
        }

        if (token is null && authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            token = authorization["Bearer ".Length..].Trim();
        }

        if (string.IsNullOrEmpty(token))
        {
            return PortalError.NoAuthFound();
        }

        return Tokens.Check(token) switch
        {
            AccessCheck.Valid => null,
            AccessCheck.Expired => PortalError.ExpiredToken(),
            _ => PortalError.InvalidToken(),
        };
    }

    /// <summary>The result of running one request: a method call or a whole batch.</summary>
    private sealed record Outcome(JsonNode? Result, long? Next, long? Total, double Cost, double? Operating, long? OperatingResetAt, PortalError? Error);

    private Outcome Execute(string method, RequestParams parameters, DateTimeOffset now)
    {
        if (!_methods.Contains(method) && method != "batch")
        {
            return new Outcome(null, null, null, 0, null, null, PortalError.MethodNotFound());
        }

        if (!Bucket.TryAcquire())
        {
            Stats.Rejected503();
            return new Outcome(null, null, null, 0, null, null, PortalError.QueryLimitExceeded());
        }

        if (method == "batch")
        {
            // Counted as a call (EmulatorStats.CallsByMethod) but charged nothing: its commands are charged.
            Stats.Call("batch", 0);
            return ExecuteBatch(parameters, now);
        }

        var call = Call(method, parameters, now);
        return new Outcome(call.Result, call.Next, call.Total, call.Cost, call.Operating, call.OperatingResetAt, call.Error);
    }

    /// <summary>One method call, charged to its operating budget. Shared by single calls and batch commands.</summary>
    internal CallOutcome Call(string method, RequestParams parameters, DateTimeOffset now)
    {
        if (!_methods.TryGet(method, out var handler))
        {
            return new CallOutcome(null, null, null, 0, null, null, PortalError.MethodNotFound());
        }

        if (Budget.IsBlocked(method, now))
        {
            Stats.Rejected429();
            return new CallOutcome(null, null, null, 0, Budget.Used(method, now), Budget.ResetAt(method, now), PortalError.OperationTimeLimit());
        }

        var context = new CallContext(this, Data, method, parameters, now);
        JsonNode? result = null;
        PortalError? error = null;
        try
        {
            result = handler(context);
            Events.Written(method, parameters, result, now);
        }
        catch (PortalError e)
        {
            error = e;
        }

        var cost = context.ModelledSeconds ?? DefaultCost(method);
        Budget.Charge(method, cost, now);
        Stats.Call(method, cost);
        return new CallOutcome(result, error is null ? context.Next : null, error is null ? context.Total : null, cost, Budget.Used(method, now), Budget.ResetAt(method, now), error);
    }

    private double DefaultCost(string method)
    {
        var verb = method[(method.LastIndexOf('.') + 1)..];
        return verb is "add" or "update" or "delete" or "set" ? Options.Cost.WriteSeconds : Options.Cost.ReadSeconds;
    }
}

/// <summary>The result of one method call inside the portal.</summary>
internal sealed record CallOutcome(JsonNode? Result, long? Next, long? Total, double Cost, double? Operating, long? OperatingResetAt, PortalError? Error);

/// <summary>A parsed <c>/rest/...</c> path.</summary>
internal sealed record RestRoute(string Method, string Format, bool IsWebhook, string? WebhookUser, string? WebhookCode)
{
    public static RestRoute? Parse(string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length < 2 || !segments[0].Equals("rest", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (segments.Length >= 4 && segments[1].All(char.IsAsciiDigit))
        {
            var (method, format) = SplitFormat(segments[3]);
            return new RestRoute(method, format, true, segments[1], segments[2]);
        }

        if (segments.Length == 2)
        {
            var (method, format) = SplitFormat(segments[1]);
            return new RestRoute(method, format, false, null, null);
        }

        return null;
    }

    private static (string Method, string Format) SplitFormat(string segment)
    {
        var name = Uri.UnescapeDataString(segment).ToLowerInvariant();
        if (name.EndsWith(".json", StringComparison.Ordinal))
        {
            return (name[..^5], "json");
        }

        if (name.EndsWith(".xml", StringComparison.Ordinal))
        {
            return (name[..^4], "xml");
        }

        return (name, "json");
    }
}
