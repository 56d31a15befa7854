namespace Bitrix;

/// <summary>
/// What <c>services.AddBitrix(...)</c> builds a <see cref="BitrixClient"/> from: the portal's
/// credentials (a webhook URL or an OAuth application) and the client's settings.
/// </summary>
public sealed class BitrixServiceOptions
{
    /// <summary>An inbound webhook <c>https://PORTAL/rest/USER_ID/CODE/</c>. Secret: keep it in user secrets or a vault.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>An OAuth application's access, when there is no webhook.</summary>
    public BitrixOAuthOptions? OAuth { get; set; }

    /// <summary>
    /// The client's settings. Without a <see cref="BitrixClientOptions.LoggerFactory"/>, the client
    /// logs through the container's <c>ILoggerFactory</c> (these options are left as they are).
    /// </summary>
    public BitrixClientOptions Client { get; } = new();

    /// <inheritdoc/>
    public override string ToString()
        => $"BitrixServiceOptions {{ WebhookUrl = {(WebhookUrl is null ? "null" : Transport.PortalEndpoint.Mask(WebhookUrl))}, OAuth = {OAuth?.ToString() ?? "null"} }}";

    /// <summary>Which credentials are set; a clear error when neither or both are.</summary>
    internal void Check(string name)
    {
        var which = string.IsNullOrEmpty(name) ? "the Bitrix client" : $"the Bitrix client '{name}'";
        if (string.IsNullOrWhiteSpace(WebhookUrl) == (OAuth is null))
        {
            throw new InvalidOperationException(
                $"Set either a webhook URL (configuration key WebhookUrl) or an OAuth application (section OAuth) for {which}, not {(OAuth is null ? "neither" : "both")}.");
        }
    }
}
