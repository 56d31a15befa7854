namespace Bitrix.AspNetCore;

/// <summary>How <see cref="BitrixEventEndpoints.MapBitrixEvents"/> checks and reads events.</summary>
public sealed class BitrixEventOptions
{
    /// <summary>
    /// The application tokens to accept (<c>auth[application_token]</c>): the one your application received
    /// at installation (several while you rotate, or for several portals). An event with any other token, or
    /// none, is answered 401 and never reaches the handler. At least one is required.
    /// </summary>
    public IList<string> ApplicationTokens { get; } = new List<string>();

    /// <summary>The largest body read, in bytes (default 64 KiB; an event is well under 4 KiB). A larger one is answered 413 unread.</summary>
    public long MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// Off (null) by default. When set, a body identical to one accepted within this window (the same
    /// <c>ts</c>, handler and payload: a replay) is answered 200 and not handed to the handler again. The portal
    /// itself never resends an event, so what this catches is a captured request played back; it keeps one
    /// 32-byte hash per event for the window.
    /// </summary>
    public TimeSpan? ReplayWindow { get; set; }

    /// <summary>The clock of the replay window.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
