namespace Bitrix.Throttling;

/// <summary>
/// The bucket arithmetic every store shares. A request is sent only once the mirrored counter,
/// which already holds every earlier reservation, has drained below capacity − headroom. The portal counts a request when it arrives, which is later than the
/// mirror counts it, so the portal's counter can run ahead of the mirror by the requests still in
/// transit: the headroom is one request plus what drains during the measured transit time.
/// </summary>
internal static class LeakyBucketMath
{
    /// <summary>The headroom for a transit time: two requests, plus three times what drains in transit; one request always fits.</summary>
    public static double Headroom(RateLimitPlan plan, TimeSpan transit)
        => Math.Min(plan.Capacity - 1, 2 + 3 * plan.DrainPerSecond * transit.TotalSeconds);

    /// <summary>Drains <paramref name="level"/> over <paramref name="elapsedSeconds"/>.</summary>
    public static double Drain(double level, double elapsedSeconds, RateLimitPlan plan)
        => Math.Max(0, level - Math.Max(0, elapsedSeconds) * plan.DrainPerSecond);

    /// <summary>How long until a request can be taken at <paramref name="level"/> (zero: now).</summary>
    public static TimeSpan WaitFor(double level, RateLimitPlan plan, double headroom)
    {
        var threshold = plan.Capacity - Math.Clamp(headroom, 1, plan.Capacity - 1);
        return level < threshold ? TimeSpan.Zero : TimeSpan.FromSeconds((level - threshold) / plan.DrainPerSecond + 0.001);
    }

    /// <summary>
    /// The headroom every sharer of a bucket uses: the largest any of them asked for lately. One
    /// threshold for all keeps reservations in order; the old value fades by half every ten
    /// seconds, so a spike does not slow the bucket for long.
    /// </summary>
    public static double SharedHeadroom(double stored, double requested, double elapsedSeconds)
        => Math.Max(requested, stored * Math.Pow(0.5, Math.Max(0, elapsedSeconds) / 10));
}
