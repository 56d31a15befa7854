using System.Globalization;
using System.Text.Json.Nodes;
using Bitrix.Emulator.Events;
using Bitrix.Emulator.Protocol;

namespace Bitrix.Emulator.Methods;

/// <summary>
/// <c>event.bind</c>, <c>event.unbind</c>, <c>event.get</c> (docs: api-reference/events). They work only with
/// an application's OAuth token: a webhook is refused, as on a portal. Offline events are not emulated.
/// </summary>
internal static class EventMethods
{
    public static void Register(MethodRegistry registry)
    {
        registry.Add("event.bind", Bind);
        registry.Add("event.unbind", Unbind);
        registry.Add("event.get", Get);
    }

    private static void RequireApplication(CallContext context)
    {
        if (!context.Portal.CurrentCallIsApplication)
        {
            throw new PortalError("WRONG_AUTH_TYPE", "Current authorization type is denied for this method", 403);
        }

        if (string.Equals(context.Params.GetString("event_type"), "offline", StringComparison.OrdinalIgnoreCase))
        {
            throw PortalError.Core("Offline events are not supported by this portal emulator");
        }
    }

    private static JsonNode Bind(CallContext context)
    {
        RequireApplication(context);
        var name = context.Params.GetString("event")?.ToUpperInvariant();
        if (string.IsNullOrEmpty(name) || !EventDispatcher.Known.Contains(name))
        {
            throw new PortalError("ERROR_EVENT_NOT_FOUND", "Event not found", 400);
        }

        var handler = context.Params.GetString("handler");
        if (string.IsNullOrEmpty(handler) || !Uri.TryCreate(handler, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw PortalError.Core("Wrong handler URL");
        }

        var authType = context.Params.GetLong("auth_type") ?? 0;
        if (context.Portal.Events.Bindings.Any(b => b.Event == name && b.Handler == handler && b.AuthType == authType))
        {
            throw PortalError.Core("Handler already binded");
        }

        context.Portal.Events.Bind(name, handler, authType);
        return true;
    }

    private static JsonNode Unbind(CallContext context)
    {
        RequireApplication(context);
        var name = context.Params.GetString("event")?.ToUpperInvariant();
        var handler = context.Params.GetString("handler");
        long? authType = context.Params.Has("auth_type") ? context.Params.GetLong("auth_type") ?? 0 : null;
        var count = context.Portal.Events.Unbind(string.IsNullOrEmpty(name) ? null : name, string.IsNullOrEmpty(handler) ? null : handler, authType);
        return new JsonObject { ["count"] = count };
    }

    private static JsonNode Get(CallContext context)
    {
        RequireApplication(context);
        var list = new JsonArray();
        foreach (var binding in context.Portal.Events.Bindings)
        {
            list.Add((JsonNode)new JsonObject
            {
                ["event"] = binding.Event,
                ["handler"] = binding.Handler,
                ["auth_type"] = binding.AuthType.ToString(CultureInfo.InvariantCulture),
                ["offline"] = 0,
            });
        }

        return list;
    }
}
