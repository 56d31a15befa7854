namespace Bitrix;

/// <summary>
/// A portal's leaky bucket (docs/protocol.md §5): each request adds one, the counter drains continuously,
/// and a request arriving at capacity is refused with 503.
/// </summary>
/// <param name="Capacity">The bucket size X (standard 50, enterprise 250).</param>
/// <param name="DrainPerSecond">The drain Y per second (standard 2, enterprise 5).</param>
public sealed record RateLimitPlan(double Capacity, double DrainPerSecond)
{
    /// <summary>Standard plans: 50 requests, then 2 per second.</summary>
    public static RateLimitPlan Standard { get; } = new(50, 2);

    /// <summary>Enterprise plans: 250 requests, then 5 per second.</summary>
    public static RateLimitPlan Enterprise { get; } = new(250, 5);

    internal RateLimitPlan Validate()
    {
        if (Capacity < 2 || DrainPerSecond <= 0 || double.IsNaN(Capacity) || double.IsNaN(DrainPerSecond))
        {
            throw new ArgumentOutOfRangeException(nameof(Capacity), "A rate limit plan needs a capacity of at least 2 and a positive drain rate.");
        }

        return this;
    }
}
