using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Bitrix.Batching;
using Bitrix.Diagnostics;
using Bitrix.Throttling;
using Bitrix.Transport;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Bitrix.Resilience;

/// <summary>
/// Sends a request through the throttle and copes with every refusal and failure. One Polly
/// pipeline holds three retry strategies, outermost first:
/// transient failures (500/502/503/504, resets, timeouts, cut, empty or non-JSON answers) are retried
/// with jittered exponential backoff — for reads, or for writes that provably never left;
/// OVERLOAD_LIMIT gets one long pause (<see cref="BitrixClientOptions.OverloadPause"/>), then an error;
/// 503 QUERY_LIMIT_EXCEEDED and 429 OPERATION_TIME_LIMIT were refused before processing, so they are
/// resent for any method, with no delay of their own: the refusal taught the throttle (bucket full,
/// method blocked until its reset), and the throttle holds the resend as long as the answer said.
/// A write whose outcome is unknown is never resent blindly: it fails with <see cref="BitrixErrorCodes.UnknownOutcome"/>.
/// </summary>
internal sealed class ResilientSender : ICallSender
{
    private const int MaxRefusalsPerCall = 100;
    private static readonly ResiliencePropertyKey<CallShape> ShapeKey = new("bitrix.shape");
    private static readonly ResiliencePropertyKey<string> MethodKey = new("bitrix.method");
    private static readonly ResiliencePropertyKey<IDisposable?> BackoffKey = new("bitrix.backoff");
    private readonly BitrixTransport _transport;
    private readonly Throttle _throttle;
    private readonly MethodKinds _kinds;
    private readonly BitrixClientOptions _options;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _pipeline;

    public ResilientSender(BitrixTransport transport, Throttle throttle, MethodKinds kinds, BitrixClientOptions options, ILogger logger)
    {
        _transport = transport;
        _throttle = throttle;
        _kinds = kinds;
        _options = options;
        _logger = logger;
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = options.TimeProvider };
        if (options.MaxRetries > 0)
        {
            pipeline.AddRetry(TransientRetries(options.MaxRetries, options.RetryBaseDelay));
        }

        _pipeline = pipeline.AddRetry(OverloadPause(options.OverloadPause)).AddRetry(Refusals()).Build();
    }

    /// <summary>Transient failures: jittered exponential backoff, for reads and for writes that never left.</summary>
    private RetryStrategyOptions TransientRetries(int maxRetries, TimeSpan baseDelay) => new()
    {
        Name = "bitrix.transient",
        ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is BitrixException e && MayRetry(e, args.Context.Properties.GetValue(ShapeKey, null!))),
        MaxRetryAttempts = maxRetries,
        Delay = baseDelay,
        MaxDelay = TimeSpan.FromSeconds(30),
        BackoffType = DelayBackoffType.Exponential,
        UseJitter = true,
        OnRetry = args =>
        {
            var method = args.Context.Properties.GetValue(MethodKey, "?");
            var failure = args.Outcome.Exception as BitrixException;
            var code = failure?.ErrorCode ?? "?";
            BitrixMetrics.Retries.Add(1, new KeyValuePair<string, object?>("reason", code));
            BitrixTelemetry.Resent(code);
            Log.Retrying(_logger, method, code, failure?.Description ?? "?", args.AttemptNumber + 1, maxRetries, args.RetryDelay.TotalSeconds);
            _throttle.OnTransientError();
            StartBackoff(args.Context, args.RetryDelay);
            return ValueTask.CompletedTask;
        },
    };

    /// <summary>A manual block (OVERLOAD_LIMIT): hammering makes it worse. One long pause, then the error.</summary>
    private RetryStrategyOptions OverloadPause(TimeSpan pause) => new()
    {
        Name = "bitrix.overload",
        ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is BitrixException { ErrorCode: BitrixErrorCodes.OverloadLimit }),
        MaxRetryAttempts = 1,
        DelayGenerator = _ => ValueTask.FromResult<TimeSpan?>(pause),
        OnRetry = args =>
        {
            Log.Refused(_logger, args.Context.Properties.GetValue(MethodKey, "?"), BitrixErrorCodes.OverloadLimit);
            _throttle.OnTransientError();
            StartBackoff(args.Context, args.RetryDelay);
            return ValueTask.CompletedTask;
        },
    };

    /// <summary>
    /// 503 QUERY_LIMIT_EXCEEDED and 429 OPERATION_TIME_LIMIT: resent at once, up to a bound; the
    /// attempt that was refused has already told the throttle, whose next lease waits as needed.
    /// </summary>
    private RetryStrategyOptions Refusals() => new()
    {
        Name = "bitrix.refusals",
        ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is BitrixException { ErrorCode: BitrixErrorCodes.QueryLimitExceeded or BitrixErrorCodes.OperationTimeLimit }),
        MaxRetryAttempts = MaxRefusalsPerCall,
        Delay = TimeSpan.Zero,
        BackoffType = DelayBackoffType.Constant,
        UseJitter = false,
        OnRetry = args =>
        {
            var code = ((BitrixException)args.Outcome.Exception!).ErrorCode;
            Log.Refused(_logger, args.Context.Properties.GetValue(MethodKey, "?"), code);
            BitrixTelemetry.Resent(code);
            return ValueTask.CompletedTask;
        },
    };

    /// <summary>Marks a strategy's delay as a backoff wait (progress reports and wait metrics); the next attempt ends it.</summary>
    private void StartBackoff(ResilienceContext context, TimeSpan delay)
    {
        EndBackoff(context);
        if (delay > TimeSpan.Zero)
        {
            context.Properties.Set(BackoffKey, _throttle.Waiting(WaitReasons.Backoff));
        }
    }

    private static void EndBackoff(ResilienceContext context)
    {
        if (context.Properties.TryGetValue(BackoffKey, out var wait) && wait is not null)
        {
            wait.Dispose();
            context.Properties.Set(BackoffKey, null);
        }
    }

    /// <summary>The portal the requests go to (it changes when the portal moves).</summary>
    public PortalEndpoint Endpoint => _transport.Endpoint;

    /// <inheritdoc/>
    public Task<BitrixResponse> SendAsync(string method, JsonNode? parameters, CancellationToken cancellationToken, Action? onSending = null)
        => SendAsync(method, parameters, CallShape.Single(method, _kinds), cancellationToken, span: null, onSending);

    /// <summary>Sends one call with every wait, resend and retry it needs.</summary>
    /// <param name="method">The REST method.</param>
    /// <param name="parameters">Its parameters.</param>
    /// <param name="shape">What the request carries (methods, read or write).</param>
    /// <param name="cancellationToken">Stops waiting and sending.</param>
    /// <param name="span">The caller's span of the call (a batch's, which gets command spans afterwards); without one, the call gets its own.</param>
    /// <param name="onSending">Called each time the request is handed to the transport (it may reach the server from then on).</param>
    public async Task<BitrixResponse> SendAsync(string method, JsonNode? parameters, CallShape shape, CancellationToken cancellationToken, Activity? span = null, Action? onSending = null)
    {
        using var own = span is null ? BitrixTelemetry.StartCall(method, _transport.Endpoint) : null;
        var activity = span ?? own;
        using var deadline = _options.CallTimeout is { } limit ? new CancellationTokenSource(limit, _options.TimeProvider) : null;
        using var linked = deadline is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var sent = new SentFlag(onSending);
        var context = ResilienceContextPool.Shared.Get(linked?.Token ?? cancellationToken);
        context.Properties.Set(ShapeKey, shape);
        context.Properties.Set(MethodKey, method);
        try
        {
            var response = await _pipeline.ExecuteAsync(
                static async (ctx, state) =>
                {
                    EndBackoff(ctx);
                    return await state.Self.SendOnceAsync(state.Method, state.Parameters, state.Shape, state.Sent.Set, ctx.CancellationToken).ConfigureAwait(false);
                },
                context,
                (Self: this, Method: method, Parameters: parameters, Shape: shape, Sent: sent)).ConfigureAwait(false);
            BitrixTelemetry.Answered(activity, response);
            return response;
        }
        catch (OperationCanceledException e) when (deadline is { IsCancellationRequested: true } && !cancellationToken.IsCancellationRequested)
        {
            var late = PastDeadline(method, shape, sent.Sent, e);
            BitrixTelemetry.Failed(activity, late);
            throw late;
        }
        catch (BitrixException e) when (!shape.IsRead && IsTransient(e) && !NeverSent(e))
        {
            var unknown = new BitrixException(
                BitrixErrorCodes.UnknownOutcome,
                $"The write may or may not have run, so it was not sent again ({e.ErrorCode}: {e.Description}).",
                e.StatusCode,
                method,
                innerException: e);
            BitrixTelemetry.Failed(activity, unknown);
            throw unknown;
        }
        catch (Exception e)
        {
            BitrixTelemetry.Failed(activity, e);
            throw;
        }
        finally
        {
            EndBackoff(context);
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>The error of a call that ran out of <see cref="BitrixClientOptions.CallTimeout"/>: a write already handed to the transport may have run.</summary>
    private BitrixException PastDeadline(string method, CallShape shape, bool sent, Exception inner)
    {
        var limit = _options.CallTimeout!.Value.TotalSeconds;
        return !shape.IsRead && sent
            ? new BitrixException(BitrixErrorCodes.UnknownOutcome, $"The write did not finish within the call timeout ({limit:0.#} s): it may or may not have run, and was not sent again.", null, method, innerException: inner)
            : new BitrixException(BitrixErrorCodes.CallTimeout, $"The call did not finish within the call timeout ({limit:0.#} s, waits and retries included).", null, method, innerException: inner);
    }

    /// <summary>Remembers whether a request of the call was handed to the transport, and tells the caller each time.</summary>
    private sealed class SentFlag(Action? onSending)
    {
        private volatile bool _sent;

        public bool Sent => _sent;

        public void Set()
        {
            _sent = true;
            onSending?.Invoke();
        }
    }

    /// <summary>One request: a throttle lease, the transport, and what the answer teaches the throttle (a refusal included).</summary>
    private async Task<BitrixResponse> SendOnceAsync(string method, JsonNode? parameters, CallShape shape, Action onSending, CancellationToken cancellationToken)
    {
        using var lease = await _throttle.AcquireAsync(shape.Methods, cancellationToken).ConfigureAwait(false);
        try
        {
            // A call cancelled while it waited for its turn is not sent, and must not be
            // reported as possibly run: the lease can come free at once when a cancellation
            // ends the sends in flight.
            cancellationToken.ThrowIfCancellationRequested();
            BitrixMetrics.Requests.Add(1, new KeyValuePair<string, object?>("method", method));
            onSending();
            var response = await _transport.SendAsync(method, parameters, cancellationToken).ConfigureAwait(false);
            _throttle.OnAnswered(lease);
            // The call has answered: its bookkeeping is not cancellable, so the answer is never lost.
            await _throttle.OnAnswerAsync(method, response.Time, CancellationToken.None).ConfigureAwait(false);
            _throttle.OnCleanAnswer();
            return response;
        }
        catch (BitrixException e) when (e.ErrorCode == BitrixErrorCodes.QueryLimitExceeded)
        {
            await _throttle.OnBucketRefusalAsync(cancellationToken).ConfigureAwait(false);

            // A refused call that was cancelled meanwhile ends as cancelled, as it would have in the wait before its resend.
            cancellationToken.ThrowIfCancellationRequested();
            throw;
        }
        catch (BitrixException e) when (e.ErrorCode == BitrixErrorCodes.OperationTimeLimit)
        {
            foreach (var m in shape.Methods)
            {
                await _throttle.OnOperatingRefusalAsync(m, cancellationToken).ConfigureAwait(false);
            }

            cancellationToken.ThrowIfCancellationRequested();
            throw;
        }
    }

    /// <summary>Transient failures are retried for reads, and for writes only when the request never left.</summary>
    private static bool MayRetry(BitrixException e, CallShape shape) => IsTransient(e) && e.InnerException is not AnswerOverLimitException && (shape.IsRead || NeverSent(e));

    /// <remarks>
    /// An answer that is not a whole JSON envelope proves nothing about the call: a body cut short
    /// (even with a matching Content-Length), an empty 200, a proxy's HTML page with 200, or JSON of
    /// the wrong shape. Like a reset, it is retried for reads and makes a write's outcome unknown.
    /// Only a client error status (4xx) without an envelope is final.
    /// </remarks>
    public static bool IsTransient(BitrixException e)
        => e.ErrorCode is BitrixErrorCodes.TransportFailure or "INTERNAL_SERVER_ERROR"
           || (e.ErrorCode == BitrixErrorCodes.InvalidResponse && e.StatusCode is null or < HttpStatusCode.MultipleChoices or >= HttpStatusCode.InternalServerError)
           || (e.StatusCode is HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout
               && e.ErrorCode is not (BitrixErrorCodes.OverloadLimit or BitrixErrorCodes.QueryLimitExceeded));

    /// <summary>True when the connection could not even be made: the server never saw the request.</summary>
    public static bool NeverSent(BitrixException e)
        => e.InnerException is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError };
}
