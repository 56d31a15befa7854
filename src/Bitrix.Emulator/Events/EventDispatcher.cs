using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Bitrix.Emulator.Protocol;

namespace Bitrix.Emulator.Events;

/// <summary>One handler registered with <c>event.bind</c>.</summary>
internal sealed record EventBinding(long Id, string Event, string Handler, long AuthType);

/// <summary>
/// Outbound events: the handlers bound with <c>event.bind</c> and a queue that POSTs each CRM write's
/// event to them as the portal does — <c>application/x-www-form-urlencoded</c> with PHP keys
/// (<c>event</c>, <c>event_handler_id</c>, <c>data[FIELDS][ID]</c>, <c>ts</c>, <c>auth[...]</c>),
/// after the write has answered, in no guaranteed order, once: a handler that fails or is down loses the event.
/// Bindings are changed under the portal's lock; delivery runs on its own workers.
/// </summary>
internal sealed class EventDispatcher : IDisposable
{
    /// <summary>The events a CRM write raises, and the entity each belongs to.</summary>
    private static readonly Dictionary<string, string> EntityEvents = new(StringComparer.Ordinal)
    {
        ["crm.deal"] = "ONCRMDEAL",
        ["crm.lead"] = "ONCRMLEAD",
        ["crm.contact"] = "ONCRMCONTACT",
        ["crm.company"] = "ONCRMCOMPANY",
    };

    private static readonly string[] ItemEventsByType = ["", "ONCRMLEAD", "ONCRMDEAL", "ONCRMCONTACT", "ONCRMCOMPANY"];

    /// <summary>Events <c>event.bind</c> accepts; any other name is ERROR_EVENT_NOT_FOUND.</summary>
    public static readonly HashSet<string> Known = new(
        new[] { "ONCRMDEAL", "ONCRMLEAD", "ONCRMCONTACT", "ONCRMCOMPANY", "ONCRMDYNAMICITEM" }
            .SelectMany(p => new[] { p + "ADD", p + "UPDATE", p + "DELETE" })
            .Concat(["ONCRMTYPEADD", "ONCRMTYPEUPDATE", "ONCRMTYPEDELETE", "ONAPPINSTALL", "ONAPPUNINSTALL", "ONAPPUPDATE", "ONUSERADD"]),
        StringComparer.Ordinal);

    private readonly Portal _portal;
    private readonly List<EventBinding> _bindings = [];
    private readonly Channel<Delivery> _queue = Channel.CreateUnbounded<Delivery>(new UnboundedChannelOptions { SingleWriter = false, SingleReader = false });
    private readonly HttpClient _http;
    private readonly Task[] _workers;
    private readonly CancellationTokenSource _stop = new();
    private long _nextId = 1;
    private long _queued;
    private long _delivered;
    private long _failed;

    public EventDispatcher(Portal portal)
    {
        _portal = portal;
        var seed = portal.Options.Seed.ToString(CultureInfo.InvariantCulture);
        ApplicationToken = Hex(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("application:" + seed)))[..32];
        MemberId = Hex(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("member:" + seed)))[..32];
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = TimeSpan.FromSeconds(10),
        };
        _workers = [.. Enumerable.Range(0, 4).Select(_ => Task.Run(DeliverAsync))];
    }

    /// <summary>The application token every event carries in <c>auth[application_token]</c>.</summary>
    public string ApplicationToken { get; }

    /// <summary>The portal's address as events name it (<c>auth[domain]</c>): the host the emulator is served on.</summary>
    public string Domain { get; set; } = "portal.emulator";

    /// <summary>The portal's <c>member_id</c>.</summary>
    public string MemberId { get; }

    public IReadOnlyList<EventBinding> Bindings => _bindings;

    public EmulatorEventStats Stats => new(Interlocked.Read(ref _queued), Interlocked.Read(ref _delivered), Interlocked.Read(ref _failed));

    public EventBinding Bind(string eventName, string handler, long authType)
    {
        var binding = new EventBinding(_nextId++, eventName, handler, authType);
        _bindings.Add(binding);
        return binding;
    }

    public int Unbind(string? eventName, string? handler, long? authType)
        => _bindings.RemoveAll(b => (eventName is null || b.Event == eventName) && (handler is null || b.Handler == handler) && (authType is null || b.AuthType == authType));

    public void Reset() => _bindings.Clear();

    /// <summary>Called under the portal's lock after a method succeeded: queues the events its write raises.</summary>
    public void Written(string method, RequestParams parameters, JsonNode? result, DateTimeOffset now)
    {
        if (_bindings.Count == 0)
        {
            return;
        }

        var dot = method.LastIndexOf('.');
        if (dot < 0)
        {
            return;
        }

        var verb = method[(dot + 1)..];
        if (verb is not ("add" or "update" or "delete"))
        {
            return;
        }

        var entity = method[..dot];
        string prefix;
        long? id;
        long? entityTypeId = null;
        if (EntityEvents.TryGetValue(entity, out var legacy))
        {
            prefix = legacy;
            id = verb == "add" ? JsonValues.AsLong(result) : parameters.GetLong("id");
        }
        else if (entity == "crm.item" && parameters.GetLong("entityTypeId") is { } type)
        {
            prefix = type is >= 1 and <= 4 ? ItemEventsByType[type] : "ONCRMDYNAMICITEM";
            entityTypeId = type is >= 1 and <= 4 ? null : type;
            id = verb == "add" ? JsonValues.AsLong(result?["item"]?["id"]) : parameters.GetLong("id");
        }
        else
        {
            return;
        }

        if (id is null)
        {
            return;
        }

        var name = prefix + verb.ToUpperInvariant();
        foreach (var binding in _bindings.Where(b => b.Event == name))
        {
            var form = new List<KeyValuePair<string, string>>
            {
                new("event", name),
                new("event_handler_id", binding.Id.ToString(CultureInfo.InvariantCulture)),
                new("data[FIELDS][ID]", id.Value.ToString(CultureInfo.InvariantCulture)),
            };
            if (entityTypeId is { } t)
            {
                form.Add(new("data[FIELDS][ENTITY_TYPE_ID]", t.ToString(CultureInfo.InvariantCulture)));
            }

            var tokens = _portal.Tokens.Issue();
            var domain = Domain;
            form.AddRange(
            [
                new("auth[access_token]", tokens.AccessToken),
                new("auth[expires]", tokens.ExpiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
                new("auth[expires_in]", ((long)(tokens.ExpiresAt - now).TotalSeconds).ToString(CultureInfo.InvariantCulture)),
                new("auth[scope]", "crm"),
                new("auth[domain]", domain),
                new("auth[server_endpoint]", "https://oauth.bitrix.info/rest/"),
                new("auth[status]", "L"),
                new("auth[client_endpoint]", $"https://{domain}/rest/"),
                new("auth[member_id]", MemberId),
                new("auth[user_id]", _portal.WebhookUserId.ToString(CultureInfo.InvariantCulture)),
                new("auth[refresh_token]", tokens.RefreshToken),
                new("auth[application_token]", ApplicationToken),
            ]);
            Interlocked.Increment(ref _queued);
            _queue.Writer.TryWrite(new Delivery(binding.Handler, form));
        }
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _stop.Cancel();

        // The workers end at the cancellation (a delivery in flight is abandoned); the HTTP client
        // and the token source go only after them, or at the latest after a second.
        Task.WaitAll(_workers, TimeSpan.FromSeconds(1));
        _http.Dispose();
        _stop.Dispose();
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    private sealed record Delivery(string Url, List<KeyValuePair<string, string>> Form);

    private async Task DeliverAsync()
    {
        try
        {
            await foreach (var delivery in _queue.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                try
                {
                    var form = new List<KeyValuePair<string, string>>(delivery.Form)
                    {
                        // ts is the moment the queue sends the event, not the moment of the write.
                        new("ts", _portal.Time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
                    };
                    using var content = new FormUrlEncodedContent(form);
                    using var response = await _http.PostAsync(new Uri(delivery.Url), content, _stop.Token).ConfigureAwait(false);
                    Interlocked.Increment(ref response.IsSuccessStatusCode ? ref _delivered : ref _failed);
                }
                catch (Exception e) when ((e is HttpRequestException or TaskCanceledException or UriFormatException or InvalidOperationException) && !_stop.IsCancellationRequested)
                {
                    Interlocked.Increment(ref _failed);
                }
            }
        }
        catch (Exception e) when (_stop.IsCancellationRequested && e is OperationCanceledException or ObjectDisposedException or HttpRequestException)
        {
            // The portal is shutting down: what is still queued is lost, as on a portal that stops.
        }
    }
}
