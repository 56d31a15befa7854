using System.Net;
using System.Text.Json;
using Bitrix.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Bitrix.Auth;

/// <summary>
/// The current OAuth tokens and their renewal: when calls fail with expired_token/invalid_token,
/// one refresh runs for all of them (single flight), and the renewed pair goes to the callback.
/// The application's settings are copied when the session opens, as the client's are.
/// </summary>
internal sealed class OAuthSession : IDisposable
{
    private readonly string _clientId;
    private readonly string _clientSecret;
    private readonly Uri _tokenEndpoint;
    private readonly Func<BitrixTokens, CancellationToken, Task>? _onTokensRenewed;
    private readonly SemaphoreSlim _refreshGate = new(1, 1);
    private readonly ILogger _logger;
    private BitrixTokens _tokens;

    public OAuthSession(BitrixOAuthOptions options, ILogger logger)
    {
        _clientId = options.ClientId;
        _clientSecret = options.ClientSecret;
        _tokenEndpoint = options.TokenEndpoint;
        _onTokensRenewed = options.OnTokensRenewed;
        _logger = logger;
        _tokens = new BitrixTokens(options.AccessToken, options.RefreshToken, null);
    }

    public string AccessToken => Volatile.Read(ref _tokens).AccessToken;

    public int Refreshes { get; private set; }

    /// <summary>Renews the tokens unless another caller already replaced <paramref name="failedAccessToken"/>.</summary>
    public async Task RefreshAsync(HttpClient http, string failedAccessToken, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await _refreshGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (AccessToken != failedAccessToken)
            {
                return;
            }

            var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "refresh_token",
                ["client_id"] = _clientId,
                ["client_secret"] = _clientSecret,
                ["refresh_token"] = Volatile.Read(ref _tokens).RefreshToken,
            });
            var (status, body) = await PostAsync(http, form, timeout, cancellationToken).ConfigureAwait(false);
            var tokens = ParseTokens(body, status);
            Volatile.Write(ref _tokens, tokens);
            Refreshes++;
            Log.TokensRenewed(_logger);
            if (_onTokensRenewed is { } persist)
            {
                await persist(tokens, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _refreshGate.Release();
        }
    }

    /// <summary>Posts the refresh form; a network failure or timeout is a <see cref="BitrixException"/>, as on any call.</summary>
    private async Task<(HttpStatusCode Status, byte[] Body)> PostAsync(HttpClient http, HttpContent form, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            using var response = await http.PostAsync(_tokenEndpoint, form, limit.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(limit.Token).ConfigureAwait(false);
            return (response.StatusCode, body);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new BitrixException(BitrixErrorCodes.TransportFailure, $"The token endpoint did not answer within {timeout.TotalSeconds:0.#} s.", null, "oauth/token", innerException: e);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw new BitrixException(BitrixErrorCodes.TransportFailure, $"The token endpoint could not be reached: {e.Message}", null, "oauth/token", innerException: e);
        }
    }

    private static BitrixTokens ParseTokens(byte[] body, HttpStatusCode status)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            throw new BitrixException(BitrixErrorCodes.InvalidResponse, "The token endpoint did not answer with JSON.", status, "oauth/token");
        }

        using (document)
        {
            var root = document.RootElement;
            if (Json.String(root, "error") is { } error)
            {
                throw new BitrixException(error, Json.String(root, "error_description") ?? string.Empty, status, "oauth/token");
            }

            var access = Json.String(root, "access_token");
            var refresh = Json.String(root, "refresh_token");
            if (string.IsNullOrEmpty(access) || string.IsNullOrEmpty(refresh))
            {
                throw new BitrixException(BitrixErrorCodes.InvalidResponse, "The token endpoint answered without access_token or refresh_token.", status, "oauth/token");
            }

            var expires = Json.Long(root, "expires");
            return new BitrixTokens(access, refresh, expires is { } e ? DateTimeOffset.FromUnixTimeSeconds(e) : null);
        }
    }

    public void Dispose() => _refreshGate.Dispose();
}
