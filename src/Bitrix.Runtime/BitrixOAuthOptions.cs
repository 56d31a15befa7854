namespace Bitrix;

/// <summary>An OAuth application's access to one portal.</summary>
public sealed class BitrixOAuthOptions
{
    /// <summary>The default token endpoint of Bitrix24 cloud portals.</summary>
    public static readonly Uri DefaultTokenEndpoint = new("https://oauth.bitrix.info/oauth/token/");

    /// <summary>The portal, e.g. <c>https://example.bitrix24.com/</c>.</summary>
    public required Uri PortalUrl { get; set; }

    /// <summary>The application's client id.</summary>
    public required string ClientId { get; set; }

    /// <summary>The application's client secret.</summary>
    public required string ClientSecret { get; set; }

    /// <summary>The current access token.</summary>
    public required string AccessToken { get; set; }

    /// <summary>The current refresh token.</summary>
    public required string RefreshToken { get; set; }

    /// <summary>Where tokens are refreshed.</summary>
    public Uri TokenEndpoint { get; set; } = DefaultTokenEndpoint;

    /// <summary>Called with each renewed token pair, to persist it.</summary>
    public Func<BitrixTokens, CancellationToken, Task>? OnTokensRenewed { get; set; }

    /// <inheritdoc/>
    public override string ToString() => $"BitrixOAuthOptions {{ PortalUrl = {PortalUrl}, ClientId = {ClientId}, ClientSecret = ***, AccessToken = ***, RefreshToken = ***, TokenEndpoint = {TokenEndpoint} }}";
}

/// <summary>An OAuth token pair.</summary>
/// <param name="AccessToken">The access token.</param>
/// <param name="RefreshToken">The refresh token.</param>
/// <param name="ExpiresAt">When the access token expires, when known.</param>
public sealed record BitrixTokens(string AccessToken, string RefreshToken, DateTimeOffset? ExpiresAt)
{
    /// <inheritdoc/>
    public override string ToString() => $"BitrixTokens {{ AccessToken = ***, RefreshToken = ***, ExpiresAt = {ExpiresAt:O} }}";
}
