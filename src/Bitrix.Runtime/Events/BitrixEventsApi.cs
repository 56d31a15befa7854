using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bitrix;

/// <summary>
/// <c>event.bind</c>, <c>event.unbind</c> and <c>event.get</c>: the handlers the portal POSTs its events to.
/// The portal accepts them only from an application (OAuth), not from a webhook. Bad input is refused before
/// anything is sent. Binding and unbinding are writes: not resent unless the portal proved they did not run.
/// </summary>
public class BitrixEventsApi
{
    /// <summary>Creates the API over a client; <c>bx.Events</c> is the usual way in.</summary>
    /// <param name="client">The client that sends the calls.</param>
    public BitrixEventsApi(BitrixClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        Client = client;
    }

    /// <summary>The client that sends the calls.</summary>
    protected BitrixClient Client { get; }

    /// <summary>Registers <paramref name="handler"/> for <paramref name="eventName"/> (<c>event.bind</c>).</summary>
    /// <param name="eventName">The event, e.g. <c>ONCRMDEALADD</c> (case does not matter).</param>
    /// <param name="handler">The absolute http(s) URL the portal will POST the event to.</param>
    /// <param name="authType">The user the handler's tokens are issued for; the user whose action raised the event when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ArgumentException">The event name is empty or the handler is not an absolute http(s) URL.</exception>
    /// <exception cref="BitrixException">The portal refused, e.g. <c>ERROR_EVENT_NOT_FOUND</c> or <c>WRONG_AUTH_TYPE</c> over a webhook.</exception>
    public virtual async Task BindAsync(string eventName, Uri handler, long? authType = null, CancellationToken cancellationToken = default)
    {
        var parameters = new JsonObject { ["event"] = EventName(eventName), ["handler"] = Handler(handler) };
        if (authType is { } user)
        {
            parameters["auth_type"] = user;
        }

        await Client.CallAsync("event.bind", parameters, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes handlers (<c>event.unbind</c>); returns how many the portal removed.</summary>
    /// <param name="eventName">The event, e.g. <c>ONCRMDEALADD</c>.</param>
    /// <param name="handler">The handler URL it was bound with.</param>
    /// <param name="authType">Only the handler bound for this user (0: those bound without one); every one when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ArgumentException">The event name is empty or the handler is not an absolute http(s) URL.</exception>
    public virtual async Task<int> UnbindAsync(string eventName, Uri handler, long? authType = null, CancellationToken cancellationToken = default)
    {
        var parameters = new JsonObject { ["event"] = EventName(eventName), ["handler"] = Handler(handler) };
        if (authType is { } user)
        {
            parameters["auth_type"] = user;
        }

        var result = await Client.CallAsync("event.unbind", parameters, cancellationToken).ConfigureAwait(false);
        return result.ValueKind == JsonValueKind.Object && result.TryGetProperty("count", out var count) && count.TryGetInt32(out var n) ? n : 0;
    }

    /// <summary>The handlers bound by this application (<c>event.get</c>). A read: safe to retry.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual async Task<IReadOnlyList<BitrixEventBinding>> GetAsync(CancellationToken cancellationToken = default)
    {
        var result = await Client.CallAsync("event.get", new JsonObject(), cancellationToken).ConfigureAwait(false);
        var bindings = new List<BitrixEventBinding>();
        if (result.ValueKind != JsonValueKind.Array)
        {
            return bindings;
        }

        foreach (var row in result.EnumerateArray())
        {
            if (row.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var authType = Text(row, "auth_type") is { } text && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var user) && user != 0 ? user : (long?)null;
            var offline = Text(row, "offline") is "1" or "true";
            bindings.Add(new BitrixEventBinding(Text(row, "event") ?? string.Empty, Text(row, "handler") ?? string.Empty, authType, offline));
        }

        return bindings;
    }

    private static string EventName(string eventName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        if (!eventName.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            throw new ArgumentException("An event name has only letters, digits and underscores, e.g. ONCRMDEALADD.", nameof(eventName));
        }

        return eventName.ToUpperInvariant();
    }

    private static string Handler(Uri handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (!handler.IsAbsoluteUri || handler.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException("The handler must be an absolute http or https URL the portal can reach.", nameof(handler));
        }

        return handler.AbsoluteUri;
    }

    private static string? Text(JsonElement row, string key)
        => row.TryGetProperty(key, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        } : null;
}

/// <summary>A handler the portal POSTs an event to, as <c>event.get</c> lists it.</summary>
/// <param name="Event">The event, e.g. <c>ONCRMDEALADD</c>.</param>
/// <param name="Handler">The handler's URL.</param>
/// <param name="AuthType">The user its tokens are issued for; null: the user whose action raised the event.</param>
/// <param name="IsOffline">Whether it is an offline event (kept for <c>event.offline.get</c>, not POSTed).</param>
public sealed record BitrixEventBinding(string Event, string Handler, long? AuthType, bool IsOffline);
