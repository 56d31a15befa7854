namespace Bitrix.Emulator;

/// <summary>What the portal's event queue has done: events queued for bound handlers, delivered (HTTP 2xx) and failed (any other answer, a refused connection or a timeout; never resent).</summary>
/// <param name="Queued">Events queued since the portal started.</param>
/// <param name="Delivered">Events a handler answered with 2xx.</param>
/// <param name="Failed">Events lost: the handler failed, refused or did not answer in time.</param>
public sealed record EmulatorEventStats(long Queued, long Delivered, long Failed);
