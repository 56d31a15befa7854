using System.Net;

namespace Bitrix.Transport;

/// <summary>
/// Decides whether a redirect may be followed with the credentials. A redirect on the portal's
/// own host (another path, or http upgraded to https) is followed; one to another host only when
/// that host is a Bitrix24 cloud portal (<see cref="BitrixClientOptions.CloudPortalDomains"/>) or
/// one the caller allowed (<see cref="BitrixClientOptions.AllowPortalMoveTo"/>). Anything else
/// would hand the webhook code or token to whoever answered one request — a captive proxy, a
/// misconfigured balancer, an attacker — so it ends the call with an error naming the address.
/// </summary>
internal static class RedirectPolicy
{
    /// <summary>Throws <see cref="BitrixErrorCodes.RedirectRefused"/> unless the move from <paramref name="from"/> to <paramref name="to"/> may be followed.</summary>
    public static void Check(Uri from, Uri to, PortalEndpoint endpoint, BitrixClientOptions options, HttpStatusCode? status, string method)
    {
        if (to.Scheme != Uri.UriSchemeHttps && to.Scheme != Uri.UriSchemeHttp)
        {
            throw Refused($"The portal redirected to a {to.Scheme}: address, which is not a portal.", status, method);
        }

        if (from.Scheme == Uri.UriSchemeHttps && to.Scheme == Uri.UriSchemeHttp)
        {
            throw Refused($"The portal redirected from https to plain http ({Display(to, endpoint)}): the credentials would travel unencrypted, so the redirect was not followed.", status, method);
        }

        if (SameHost(from, to) || endpoint.Trusts(to) || IsCloudPortal(to.Host, options.CloudPortalDomains) || IsAllowed(to, options.AllowPortalMoveTo))
        {
            return;
        }

        throw Refused(
            $"The portal redirected to another host, {Display(to, endpoint)}, which is not a Bitrix24 cloud portal: the redirect was not followed, so the credentials were not sent there. If the portal has moved, use its new address (or allow the host with BitrixClientOptions.AllowPortalMoveTo).",
            status,
            method);
    }

    /// <summary>The error of a redirect loop or chain longer than allowed.</summary>
    public static BitrixException TooMany(int max, Uri to, PortalEndpoint endpoint, HttpStatusCode? status, string method)
        => Refused($"Too many redirects (more than {max}; the last to {Display(to, endpoint)}): the portal's address keeps changing or loops.", status, method);

    /// <summary>The address as it may be shown: scheme, host, port and path, the code masked, no query (it may hold a token).</summary>
    public static string Display(Uri uri, PortalEndpoint endpoint)
        => endpoint.Scrub(uri.GetLeftPart(UriPartial.Path));

    /// <summary>The same host: the same name and port, or the default http port upgraded to the default https one.</summary>
    private static bool SameHost(Uri from, Uri to)
        => string.Equals(from.IdnHost, to.IdnHost, StringComparison.OrdinalIgnoreCase)
           && (from.Port == to.Port || (from.Scheme == Uri.UriSchemeHttp && from.IsDefaultPort && to.Scheme == Uri.UriSchemeHttps && to.IsDefaultPort));

    /// <summary>True for a host under one of the cloud domains (<c>name.bitrix24.de</c>; the bare domain is no portal).</summary>
    internal static bool IsCloudPortal(string host, IEnumerable<string> domains)
    {
        host = host.TrimEnd('.');
        foreach (var domain in domains)
        {
            var d = domain.Trim().TrimStart('.').TrimEnd('.');
            if (d.Length > 0 && host.Length > d.Length + 1 && host.EndsWith(d, StringComparison.OrdinalIgnoreCase) && host[host.Length - d.Length - 1] == '.')
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsAllowed(Uri to, IEnumerable<string> allowed)
    {
        foreach (var entry in allowed)
        {
            var e = entry.Trim().TrimEnd('/');
            if (string.Equals(e, to.Host, StringComparison.OrdinalIgnoreCase) || string.Equals(e, to.Authority, StringComparison.OrdinalIgnoreCase)
                || string.Equals(e, $"{to.Host}:{to.Port}", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static BitrixException Refused(string description, HttpStatusCode? status, string method)
        => new(BitrixErrorCodes.RedirectRefused, description, status, method);
}
