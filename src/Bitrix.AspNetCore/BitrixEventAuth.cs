namespace Bitrix.AspNetCore;

/// <summary>
/// The <c>auth[...]</c> part of an event: the portal it came from and, when the action that raised it was a
/// user's, OAuth tokens the handler may call back with. The tokens never appear in <see cref="ToString"/>.
/// </summary>
public sealed class BitrixEventAuth
{
    /// <summary>The portal's address, e.g. <c>example.bitrix24.com</c> (<c>auth[domain]</c>).</summary>
    public string? Domain { get; init; }

    /// <summary>The portal's identifier (<c>auth[member_id]</c>).</summary>
    public string? MemberId { get; init; }

    /// <summary>The REST address for calls back to the portal (<c>auth[client_endpoint]</c>).</summary>
    public string? ClientEndpoint { get; init; }

    /// <summary>The OAuth server that renews the tokens (<c>auth[server_endpoint]</c>).</summary>
    public string? ServerEndpoint { get; init; }

    /// <summary>The scope the event was raised under (<c>auth[scope]</c>).</summary>
    public string? Scope { get; init; }

    /// <summary>The application's status: L local, F free, D demo, T trial, P paid (<c>auth[status]</c>).</summary>
    public string? Status { get; init; }

    /// <summary>The user the tokens belong to (<c>auth[user_id]</c>), when sent.</summary>
    public long? UserId { get; init; }

    /// <summary>An access token (<c>auth[access_token]</c>); absent when the action was not a user's.</summary>
    public string? AccessToken { get; init; }

    /// <summary>A refresh token (<c>auth[refresh_token]</c>), when sent.</summary>
    public string? RefreshToken { get; init; }

    /// <summary>Seconds until <see cref="AccessToken"/> expires (<c>auth[expires_in]</c>).</summary>
    public long? ExpiresIn { get; init; }

    /// <inheritdoc/>
    public override string ToString() => $"BitrixEventAuth {{ Domain = {Domain}, MemberId = {MemberId}, UserId = {UserId}, AccessToken = {(AccessToken is null ? "none" : "***")} }}";
}
