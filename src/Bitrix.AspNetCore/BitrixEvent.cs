using System.Text.Json;

namespace Bitrix.AspNetCore;

/// <summary>
/// An event the portal POSTed: its name, handler, time, the portal it came from and its <c>data</c>.
/// CRM entity events arrive as <see cref="BitrixCrmEvent"/>; any other event is this type.
/// </summary>
public class BitrixEvent
{
    /// <summary>Creates an event; the endpoint does this from the POSTed form.</summary>
    /// <param name="name">The event's code in upper case, e.g. <c>ONCRMDEALADD</c>.</param>
    /// <param name="handlerId">The <c>event_handler_id</c>, when it was sent as a number.</param>
    /// <param name="timestamp">When the portal's queue sent the event (<c>ts</c>), when sent.</param>
    /// <param name="auth">The <c>auth[...]</c> values other than the application token.</param>
    /// <param name="data">The <c>data[...]</c> values as a JSON object (PHP keys nested: <c>data[FIELDS][ID]</c> is <c>{"FIELDS":{"ID":"..."}}</c>).</param>
    public BitrixEvent(string name, long? handlerId, DateTimeOffset? timestamp, BitrixEventAuth auth, JsonElement data)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(auth);
        Name = name;
        HandlerId = handlerId;
        Timestamp = timestamp;
        Auth = auth;
        Data = data;
    }

    /// <summary>The event's code in upper case, e.g. <c>ONCRMDEALADD</c>.</summary>
    public string Name { get; }

    /// <summary>The <c>event_handler_id</c> of the binding that delivered it.</summary>
    public long? HandlerId { get; }

    /// <summary>When the portal's queue sent it (<c>ts</c>, seconds): delivery is queued and may lag the change.</summary>
    public DateTimeOffset? Timestamp { get; }

    /// <summary>The portal the event came from and the tokens it carried (the application token is not kept).</summary>
    public BitrixEventAuth Auth { get; }

    /// <summary>The <c>data</c> object as sent (values are strings, as PHP forms carry them).</summary>
    public JsonElement Data { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{GetType().Name} {{ Name = {Name}, HandlerId = {HandlerId}, Domain = {Auth.Domain} }}";
}

/// <summary>A CRM entity was added, updated or deleted: <c>ONCRMDEALADD</c>, <c>ONCRMLEADUPDATE</c>, <c>ONCRMDYNAMICITEMDELETE</c>, ...</summary>
public sealed class BitrixCrmEvent : BitrixEvent
{
    /// <summary>Creates a CRM event; the endpoint does this from the POSTed form.</summary>
    /// <param name="name">The event's code in upper case.</param>
    /// <param name="handlerId">The <c>event_handler_id</c>.</param>
    /// <param name="timestamp">When the queue sent it.</param>
    /// <param name="auth">The portal and tokens.</param>
    /// <param name="data">The <c>data</c> object.</param>
    /// <param name="entity">Which entity.</param>
    /// <param name="action">What happened to it.</param>
    /// <param name="id">The entity's ID (<c>data[FIELDS][ID]</c>).</param>
    /// <param name="entityTypeId">The smart process's entityTypeId (<c>data[FIELDS][ENTITY_TYPE_ID]</c>); null for the other entities.</param>
    public BitrixCrmEvent(string name, long? handlerId, DateTimeOffset? timestamp, BitrixEventAuth auth, JsonElement data, BitrixCrmEntity entity, BitrixCrmAction action, long id, long? entityTypeId)
        : base(name, handlerId, timestamp, auth, data)
    {
        Entity = entity;
        Action = action;
        Id = id;
        EntityTypeId = entityTypeId;
    }

    /// <summary>Which entity the event is about.</summary>
    public BitrixCrmEntity Entity { get; }

    /// <summary>What happened to it.</summary>
    public BitrixCrmAction Action { get; }

    /// <summary>The entity's ID; read it back (<c>bx.Crm.Deal.GetAsync(e.Id)</c>) for its current values — the event carries none.</summary>
    public long Id { get; }

    /// <summary>The smart process's entityTypeId for <see cref="BitrixCrmEntity.SmartProcessItem"/>; the entity's own (1–4) otherwise.</summary>
    public long? EntityTypeId { get; }
}

/// <summary>The CRM entities whose events are typed.</summary>
public enum BitrixCrmEntity
{
    /// <summary>A lead (<c>ONCRMLEAD*</c>, entityTypeId 1).</summary>
    Lead = 1,

    /// <summary>A deal (<c>ONCRMDEAL*</c>, entityTypeId 2).</summary>
    Deal = 2,

    /// <summary>A contact (<c>ONCRMCONTACT*</c>, entityTypeId 3).</summary>
    Contact = 3,

    /// <summary>A company (<c>ONCRMCOMPANY*</c>, entityTypeId 4).</summary>
    Company = 4,

    /// <summary>An item of a smart process (<c>ONCRMDYNAMICITEM*</c>), whose type is in <see cref="BitrixCrmEvent.EntityTypeId"/>.</summary>
    SmartProcessItem = 128,
}

/// <summary>What happened to a CRM entity.</summary>
public enum BitrixCrmAction
{
    /// <summary>It was created (<c>...ADD</c>).</summary>
    Add,

    /// <summary>It was changed (<c>...UPDATE</c>).</summary>
    Update,

    /// <summary>It was deleted (<c>...DELETE</c>).</summary>
    Delete,
}
