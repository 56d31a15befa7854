using System.Text.Json.Nodes;
using Bitrix.Emulator.Protocol;

namespace Bitrix.Emulator.Methods;

/// <summary>
/// The global methods <c>scope</c> (the scopes the webhook was given) and <c>methods</c> (the methods
/// it may call, optionally those of one scope). Both belong to the basic scope every webhook has.
/// </summary>
internal static class SystemMethods
{
    private const string Basic = "basic";

    public static void Register(MethodRegistry registry)
    {
        registry.Add("scope", _ => new JsonArray([.. registry.Names.Select(ScopeOf).Where(s => s != Basic).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(s => (JsonNode)s)]));
        registry.Add("methods", c => Methods(c, registry));
    }

    /// <summary>The scope a method belongs to, by its name.</summary>
    public static string ScopeOf(string method)
    {
        var prefix = method.IndexOf('.', StringComparison.Ordinal) is var dot and > 0 ? method[..dot] : method;
        return prefix switch
        {
            "crm" => "crm",
            "tasks" or "task" => "task",
            "user" => "user",
            "department" => "department",
            _ => Basic,
        };
    }

    private static JsonNode Methods(CallContext context, MethodRegistry registry)
    {
        var names = registry.Names.Append("batch");

        // scope=X narrows the list to that scope's methods; an empty scope= to the common (basic) ones.
        if (context.Params.Has("scope") && !JsonValues.IsYes(context.Params["full"]))
        {
            var scope = (context.Params.GetString("scope") ?? string.Empty).Trim().ToLowerInvariant();
            var wanted = scope.Length == 0 ? Basic : scope;
            names = names.Where(n => ScopeOf(n) == wanted);
        }

        return new JsonArray([.. names.Select(n => n.ToLowerInvariant()).Order(StringComparer.Ordinal).Select(n => (JsonNode)n)]);
    }
}
