namespace Bitrix.Transport;

/// <summary>
/// Where calls go and how they authenticate. A webhook's code sits in the URL path; it is kept
/// out of every URL that code outside the socket sees (see <see cref="SecretInjectingStream"/>).
/// </summary>
internal sealed class PortalEndpoint
{
    /// <summary>What stands in the path instead of the webhook code until the bytes hit the socket.</summary>
    public const string Placeholder = "bx-webhook-code-redacted";

    private readonly HashSet<string> _trusted = new(StringComparer.OrdinalIgnoreCase);
    private Uri _portal;
    private string _limitKey;

    private PortalEndpoint(Uri portal, string? webhookUser, string? webhookCode)
    {
        _portal = portal;
        _limitKey = LimitKeyOf(portal);
        _trusted.Add(portal.Authority);
        WebhookUser = webhookUser;
        WebhookCode = webhookCode;
    }

    /// <summary>Scheme, host and port of the portal; changes when the portal moves (302).</summary>
    public Uri Portal => Volatile.Read(ref _portal);

    /// <summary>
    /// The name the portal's limits are shared under in a rate-limit store: its current host (and
    /// port) in lower case, so that after a move calls count against the new host's limits, as
    /// every other client of that host counts them.
    /// </summary>
    public string LimitKey => Volatile.Read(ref _limitKey);

    public string? WebhookUser { get; }

    public string? WebhookCode { get; }

    public bool IsWebhook => WebhookCode is not null;

    public static PortalEndpoint ForOAuth(Uri portal) => new(new Uri(portal.GetLeftPart(UriPartial.Authority) + "/"), null, null);

    /// <summary>Parses <c>https://PORTAL/rest/USER_ID/CODE/</c>; errors never show the code.</summary>
    public static PortalEndpoint ParseWebhook(string webhookUrl)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(webhookUrl);
        if (!Uri.TryCreate(webhookUrl.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException($"'{Mask(webhookUrl)}' is not a webhook URL: expected https://PORTAL/rest/USER_ID/CODE/.", nameof(webhookUrl));
        }

        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length < 3 || !segments[0].Equals("rest", StringComparison.OrdinalIgnoreCase)
            || segments.Length > 4 || !string.IsNullOrEmpty(uri.Query))
        {
            throw new ArgumentException($"'{Mask(webhookUrl)}' is not a webhook URL: expected https://PORTAL/rest/USER_ID/CODE/.", nameof(webhookUrl));
        }

        // The URL has the right shape: say which part a portal would never have issued (the code itself is never shown).
        if (!segments[1].All(char.IsAsciiDigit))
        {
            throw new ArgumentException($"'{Mask(webhookUrl)}' is not a webhook URL: the user ID after /rest/ must be a number (https://PORTAL/rest/USER_ID/CODE/).", nameof(webhookUrl));
        }

        if (!segments[2].All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            throw new ArgumentException(
                $"'{Mask(webhookUrl)}' is not a webhook URL: its code has characters a portal never issues (a code is Latin letters and digits) — "
                + "is it still a placeholder? Copy the whole URL of the portal's incoming webhook.",
                nameof(webhookUrl));
        }

        return new PortalEndpoint(new Uri(uri.GetLeftPart(UriPartial.Authority) + "/"), segments[1], segments[2]);
    }

    /// <summary>The URL of a method call; the code is the placeholder when <paramref name="redacted"/>.</summary>
    public Uri MethodUri(string method, bool redacted)
    {
        var path = IsWebhook
            ? $"rest/{WebhookUser}/{(redacted ? Placeholder : WebhookCode)}/{method}.json"
            : $"rest/{method}.json";
        return new Uri(Portal, path);
    }

    /// <summary>The URL as it may be logged.</summary>
    public string Display(string method) => IsWebhook ? $"{Portal}rest/{WebhookUser}/***/{method}.json" : $"{Portal}rest/{method}.json";

    /// <summary>Whose operating budget calls draw on: the server keeps one per webhook or application.</summary>
    public string Identity(string? oauthClientId) => IsWebhook ? "webhook:" + WebhookUser : "app:" + oauthClientId;

    /// <summary>
    /// Moves to the portal at <paramref name="location"/> (a move the redirect rules allowed) and
    /// trusts its host with the credentials from then on; false when the portal was already there.
    /// </summary>
    public bool MoveTo(Uri location)
    {
        var moved = new Uri(location.GetLeftPart(UriPartial.Authority) + "/");
        lock (_trusted)
        {
            _trusted.Add(moved.Authority);
            if (Uri.Compare(moved, _portal, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0)
            {
                return false;
            }

            Volatile.Write(ref _portal, moved);
            Volatile.Write(ref _limitKey, LimitKeyOf(moved));
            return true;
        }
    }

    private static string LimitKeyOf(Uri portal) => portal.Authority.ToLowerInvariant();

    /// <summary>True when requests to <paramref name="uri"/> may carry the credentials: the portal's own address, or one it moved to.</summary>
    public bool Trusts(Uri uri)
    {
        lock (_trusted)
        {
            return _trusted.Contains(uri.Authority);
        }
    }

    /// <summary>Replaces the code in anything that might echo it (error bodies, Location headers).</summary>
    public string Scrub(string text) => WebhookCode is { Length: > 0 } code ? text.Replace(code, "***", StringComparison.Ordinal) : text;

    /// <summary>A webhook URL with its code hidden, for messages.</summary>
    public static string Mask(string webhookUrl)
    {
        var rest = webhookUrl.IndexOf("/rest/", StringComparison.OrdinalIgnoreCase);
        if (rest < 0)
        {
            return webhookUrl.Length > 12 ? webhookUrl[..12] + "***" : "***";
        }

        // Only a numeric user ID is shown: when it is missing, the first segment may be the code.
        var parts = webhookUrl[(rest + 6)..].Split('/');
        return parts.Length >= 2 && parts[0].Length > 0 && parts[0].All(char.IsAsciiDigit)
            ? $"{webhookUrl[..(rest + 6)]}{parts[0]}/***/"
            : webhookUrl[..(rest + 6)] + "***";
    }

    public override string ToString() => IsWebhook ? $"{Portal} (webhook of user {WebhookUser})" : $"{Portal} (OAuth)";
}
