namespace Bitrix.Listing;

/// <summary>
/// What a change feed needs to learn from a list read that the rows do not carry: the portal's
/// own clock when the read began (the <c>date_start</c> of the probes), so that its next
/// checkpoint is taken on the clock that stamps modification times, not on the client's.
/// </summary>
internal sealed class ListObserver
{
    /// <summary>The earliest start the portal reported for the probes, to the whole second; null when it sent no time.</summary>
    public DateTimeOffset? PortalStart { get; private set; }

    public void Probed(IEnumerable<BitrixTime?> times)
    {
        foreach (var time in times)
        {
            var at = time?.DateStart ?? (time?.Start is { } unix ? DateTimeOffset.FromUnixTimeMilliseconds((long)(unix * 1000)) : null);
            if (at is { } t)
            {
                var second = t.AddTicks(-(t.Ticks % TimeSpan.TicksPerSecond));
                if (PortalStart is null || second < PortalStart)
                {
                    PortalStart = second;
                }
            }
        }
    }
}
