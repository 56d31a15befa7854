using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bitrix.Auth;
using Bitrix.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Bitrix.Transport;

/// <summary>
/// Sends one REST call as a JSON POST and turns the answer into a <see cref="BitrixResponse"/> or
/// a <see cref="BitrixException"/>: follows a portal's 302 move with the same method and body,
/// renews OAuth tokens once on expiry, and reports non-JSON answers clearly.
/// </summary>
internal sealed class BitrixTransport : IDisposable
{
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json") { CharSet = "utf-8" };
    private readonly Func<HttpClient> _http;
    private readonly HttpClient? _owned;
    private readonly bool _redactedUrls;
    private readonly PortalEndpoint _endpoint;
    private readonly OAuthSession? _oauth;
    private readonly BitrixClientOptions _options;
    private readonly ILogger _logger;

    public BitrixTransport(HttpClient http, bool ownsHttp, bool redactedUrls, PortalEndpoint endpoint, OAuthSession? oauth, BitrixClientOptions options, ILogger logger)
        : this(() => http, redactedUrls, endpoint, oauth, options, logger)
    {
        _owned = ownsHttp ? http : null;
    }

    /// <summary>
    /// A transport that asks <paramref name="httpSource"/> (an IHttpClientFactory) for a client per
    /// request, so the factory's handler rotation applies; its primary handler is <see cref="CreateHandler"/>'s.
    /// </summary>
    public BitrixTransport(Func<HttpClient> httpSource, PortalEndpoint endpoint, OAuthSession? oauth, BitrixClientOptions options, ILogger logger)
        : this(httpSource, redactedUrls: endpoint.IsWebhook, endpoint, oauth, options, logger)
    {
    }

    private BitrixTransport(Func<HttpClient> http, bool redactedUrls, PortalEndpoint endpoint, OAuthSession? oauth, BitrixClientOptions options, ILogger logger)
    {
        _http = http;
        _redactedUrls = redactedUrls;
        _endpoint = endpoint;
        _oauth = oauth;
        _options = options;
        _logger = logger;
    }

    public PortalEndpoint Endpoint => _endpoint;

    /// <summary>
    /// A handler that keeps the webhook code out of every URL above the socket and leaves
    /// redirects to the transport (HttpClient's own turns a POST into a body-less GET).
    /// </summary>
    public static SocketsHttpHandler CreateHandler(PortalEndpoint endpoint, bool acceptAnyServerCertificate = false)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
        };
        if (endpoint.WebhookCode is { } code)
        {
            handler.PlaintextStreamFilter = SecretInjectingStream.Filter(code, endpoint);
        }

        if (acceptAnyServerCertificate)
        {
            // Asked for explicitly (BitrixClientOptions.DangerousAcceptAnyServerCertificate); the client logs a warning.
            handler.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        }

        return handler;
    }

    /// <summary>One call: one HTTP exchange, plus a resend after a 302 move or an OAuth renewal.</summary>
    public async Task<BitrixResponse> SendAsync(string method, JsonNode? parameters, CancellationToken cancellationToken)
    {
        var token = _oauth?.AccessToken;
        try
        {
            return await SendFollowingMovesAsync(method, parameters, token, cancellationToken).ConfigureAwait(false);
        }
        catch (BitrixException e) when (_oauth is not null && token is not null && e.ErrorCode is BitrixErrorCodes.ExpiredToken or BitrixErrorCodes.InvalidToken)
        {
            // The server refused the call before running it, so resending after renewal is safe.
            await _oauth.RefreshAsync(_http(), token, _options.RequestTimeout, cancellationToken).ConfigureAwait(false);
            return await SendFollowingMovesAsync(method, parameters, _oauth.AccessToken, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<BitrixResponse> SendFollowingMovesAsync(string method, JsonNode? parameters, string? accessToken, CancellationToken cancellationToken)
    {
        var body = Serialize(parameters, accessToken);
        for (var redirects = 0; ; redirects++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint.MethodUri(method, _redactedUrls))
            {
                Content = new ByteArrayContent(body) { Headers = { ContentType = JsonContentType } },
            };
            Log.Request(_logger, method, _endpoint.Display(method));
            if (_logger.IsEnabled(LogLevel.Trace))
            {
                Log.RequestBody(_logger, method, Encoding.UTF8.GetString(Serialize(parameters, accessToken: null)));
            }

            var started = Stopwatch.GetTimestamp();
            var sentTo = request.RequestUri!;

            // One deadline for the whole exchange: an answer whose headers came in time but whose
            // body never ends fails within the request timeout too.
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(_options.RequestTimeout);
            using var response = await SendHttpAsync(request, method, deadline.Token, cancellationToken).ConfigureAwait(false);
            Log.Response(_logger, method, (int)response.StatusCode, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (IsMove(response.StatusCode) && response.Headers.Location is { } location)
            {
                var target = location.IsAbsoluteUri ? location : new Uri(sentTo, location);
                if (redirects >= _options.MaxRedirects)
                {
                    throw RedirectPolicy.TooMany(_options.MaxRedirects, target, _endpoint, response.StatusCode, method);
                }

                RedirectPolicy.Check(sentTo, target, _endpoint, _options, response.StatusCode, method);
                Moved(target);
                continue;
            }

            // A handler that follows redirects itself (HttpClientHandler's default) rewrites the
            // request: it goes to the new portal, and after a 301/302 as a GET without its body, so
            // the answer is to a call without parameters. Move there, and send the call again — but
            // only to a host the credentials may go to.
            if (request.RequestUri is { } reached && Uri.Compare(reached, sentTo, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0)
            {
                RedirectPolicy.Check(sentTo, reached, _endpoint, _options, response.StatusCode, method);
                Moved(reached);
            }

            if (request.Method != HttpMethod.Post)
            {
                if (redirects >= _options.MaxRedirects)
                {
                    throw RedirectPolicy.TooMany(_options.MaxRedirects, request.RequestUri ?? sentTo, _endpoint, response.StatusCode, method);
                }

                continue;
            }

            var bytes = await ReadBodyAsync(response, method, deadline.Token, cancellationToken).ConfigureAwait(false);
            if (_logger.IsEnabled(LogLevel.Trace))
            {
                Log.ResponseBody(_logger, method, _endpoint.Scrub(Encoding.UTF8.GetString(bytes)));
            }

            return EnvelopeParser.Parse(bytes, response.StatusCode, response.Content.Headers.ContentType?.MediaType, method, _endpoint);
        }
    }

    /// <summary>Moves the endpoint; the first call to see a move logs it, with the new address.</summary>
    private void Moved(Uri to)
    {
        if (_endpoint.MoveTo(to))
        {
            Log.Moved(_logger, _endpoint.Portal.ToString());
        }
    }

    private static bool IsMove(HttpStatusCode status) => status is HttpStatusCode.Moved or HttpStatusCode.Found or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private async Task<HttpResponseMessage> SendHttpAsync(HttpRequestMessage request, string method, CancellationToken deadline, CancellationToken cancellationToken)
    {
        try
        {
            // A call cancelled while it waited for its turn is not started.
            cancellationToken.ThrowIfCancellationRequested();
            var response = await _http().SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline).ConfigureAwait(false);
            return response;
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new BitrixException(BitrixErrorCodes.TransportFailure, $"No answer within {_options.RequestTimeout.TotalSeconds:0.#} s; whether the call ran is unknown.", null, method, innerException: e);
        }
        catch (HttpRequestException e)
        {
            throw new BitrixException(BitrixErrorCodes.TransportFailure, $"The request failed before an answer arrived ({e.HttpRequestError}): {_endpoint.Scrub(e.Message)}", null, method, innerException: e);
        }
    }

    /// <summary>Reads the body within the exchange's deadline and never more than <see cref="BitrixClientOptions.MaxResponseBytes"/>.</summary>
    private async Task<byte[]> ReadBodyAsync(HttpResponseMessage response, string method, CancellationToken deadline, CancellationToken cancellationToken)
    {
        var limit = _options.MaxResponseBytes;
        var announced = response.Content.Headers.ContentLength;
        if (announced > limit)
        {
            throw TooLarge(response.StatusCode, method, $"announces {announced} bytes");
        }

        var chunk = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            using var body = new MemoryStream(announced is { } n ? (int)n : 0);
            var stream = await response.Content.ReadAsStreamAsync(deadline).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                int read;
                while ((read = await stream.ReadAsync(chunk, deadline).ConfigureAwait(false)) > 0)
                {
                    if (body.Length + read > limit)
                    {
                        throw TooLarge(response.StatusCode, method, "goes on past it");
                    }

                    body.Write(chunk, 0, read);
                }
            }

            return body.ToArray();
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new BitrixException(BitrixErrorCodes.TransportFailure, $"The answer did not end within {_options.RequestTimeout.TotalSeconds:0.#} s; whether the call ran is unknown.", response.StatusCode, method, innerException: e);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw new BitrixException(BitrixErrorCodes.TransportFailure, "The answer was cut off; whether the call ran is unknown.", response.StatusCode, method, innerException: e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private BitrixException TooLarge(HttpStatusCode status, string method, string how)
    {
        var message = $"The answer {how}, over the limit of {_options.MaxResponseBytes} bytes (BitrixClientOptions.MaxResponseBytes); whether the call ran is unknown.";
        return new BitrixException(BitrixErrorCodes.InvalidResponse, message, status, method, innerException: new AnswerOverLimitException(message));
    }

    private static byte[] Serialize(JsonNode? parameters, string? accessToken)
    {
        JsonNode? body = parameters;
        if (accessToken is not null)
        {
            // OAuth: the token travels in the body, never in a URL.
            var withAuth = parameters is JsonObject obj ? (JsonObject)obj.DeepClone() : parameters is JsonArray list ? Positional(list) : [];
            withAuth["auth"] = accessToken;
            body = withAuth;
        }

        return body is null ? "{}"u8.ToArray() : JsonSerializer.SerializeToUtf8Bytes(body, RuntimeJsonContext.Default.JsonNode);
    }

    /// <summary>A list of positional parameters as keys 0..n-1, so that <c>auth</c> can join them.</summary>
    private static JsonObject Positional(JsonArray list)
    {
        var obj = new JsonObject();
        for (var i = 0; i < list.Count; i++)
        {
            obj[i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = list[i]?.DeepClone();
        }

        return obj;
    }

    public void Dispose()
    {
        _owned?.Dispose();
    }
}
