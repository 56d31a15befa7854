namespace Bitrix.Emulator.Methods;

/// <summary>The REST methods the emulated portal knows, by lower-case name.</summary>
internal sealed class MethodRegistry
{
    private readonly Dictionary<string, MethodHandler> _handlers = new(StringComparer.OrdinalIgnoreCase);

    public IEnumerable<string> Names => _handlers.Keys;

    public void Add(string name, MethodHandler handler) => _handlers[name] = handler;

    public bool Contains(string name) => _handlers.ContainsKey(name);

    public bool TryGet(string name, out MethodHandler handler) => _handlers.TryGetValue(name, out handler!);

    public static MethodRegistry CreateDefault()
    {
        var registry = new MethodRegistry();
        CrmLegacyMethods.Register(registry);
        TaskCommentMethods.Register(registry);
        CrmItemMethods.Register(registry);
        TaskMethods.Register(registry);
        UserMethods.Register(registry);
        CrmDirectoryMethods.Register(registry);
        DealContactMethods.Register(registry);
        UserFieldMethods.Register(registry);
        CrmTypeMethods.Register(registry);
        EventMethods.Register(registry);
        SystemMethods.Register(registry);
        return registry;
    }
}
