namespace Bitrix;

public partial class BitrixClient
{
    private BitrixEventsApi? _events;

    /// <summary>Event handlers: <c>event.bind</c>, <c>event.unbind</c>, <c>event.get</c> (applications only, not webhooks).</summary>
    public virtual BitrixEventsApi Events => _events ??= new BitrixEventsApi(this);
}
