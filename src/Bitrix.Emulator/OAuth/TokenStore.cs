using System.Security.Cryptography;

namespace Bitrix.Emulator.OAuth;

/// <summary>An access/refresh token pair issued by the emulated portal.</summary>
/// <param name="AccessToken">The access token sent as <c>auth</c>.</param>
/// <param name="RefreshToken">The refresh token for <c>/oauth/token/</c>.</param>
/// <param name="ExpiresAt">When the access token expires.</param>
public sealed record OAuthTokens(string AccessToken, string RefreshToken, DateTimeOffset ExpiresAt)
{
    /// <inheritdoc/>
    public override string ToString() => $"OAuthTokens {{ AccessToken = ***, RefreshToken = ***, ExpiresAt = {ExpiresAt:O} }}";
}

/// <summary>Issues, checks and rotates OAuth tokens. Thread-safe.</summary>
internal sealed class TokenStore
{
    private readonly object _gate = new();
    private readonly Dictionary<string, DateTimeOffset> _access = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _refresh = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly TimeSpan _accessLifetime;
    private readonly TimeSpan _refreshLifetime;

    public TokenStore(TimeProvider time, TimeSpan accessLifetime, TimeSpan refreshLifetime)
    {
        _time = time;
        _accessLifetime = accessLifetime;
        _refreshLifetime = refreshLifetime;
    }

    public OAuthTokens Issue()
    {
        var now = _time.GetUtcNow();
        var tokens = new OAuthTokens(NewToken(), NewToken(), now + _accessLifetime);
        lock (_gate)
        {
            _access[tokens.AccessToken] = tokens.ExpiresAt;
            _refresh[tokens.RefreshToken] = now + _refreshLifetime;
        }

        return tokens;
    }

    /// <summary>Rotates a refresh token: the old one is spent, a new pair is issued. Null: unknown or expired.</summary>
    public OAuthTokens? Refresh(string refreshToken)
    {
        lock (_gate)
        {
            if (!_refresh.Remove(refreshToken, out var expires) || expires <= _time.GetUtcNow())
            {
                return null;
            }
        }

        return Issue();
    }

    public AccessCheck Check(string accessToken)
    {
        lock (_gate)
        {
            if (!_access.TryGetValue(accessToken, out var expires))
            {
                return AccessCheck.Unknown;
            }

            return expires <= _time.GetUtcNow() ? AccessCheck.Expired : AccessCheck.Valid;
        }
    }

    /// <summary>Makes every issued access token expire now (tests of mid-run expiry).</summary>
    public void ExpireAll()
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            foreach (var key in _access.Keys.ToList())
            {
                _access[key] = now;
            }
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            _access.Clear();
            _refresh.Clear();
        }
    }

    private static string NewToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(36));
}

/// <summary>The state of a presented access token.</summary>
internal enum AccessCheck
{
    Valid,
    Expired,
    Unknown,
}
