using System.Globalization;

namespace Bitrix.Bench.Harness;

/// <summary>
/// The leaky bucket a limits scenario runs against, the same on both sides: the emulator is started
/// with it and the client is told it. <c>--plan standard|enterprise|custom</c>; custom takes
/// <c>--capacity X --drain Y</c> (a scaled plan, so that a smoke run finishes in seconds).
/// </summary>
internal sealed record LimitPlanChoice(string Name, RateLimitPlan Plan)
{
    public const string Standard = "standard";
    public const string Enterprise = "enterprise";
    public const string Custom = "custom";

    public const string Usage = """
          --plan NAME        standard (50 + 2/s), enterprise (250 + 5/s) or custom
          --capacity X       bucket capacity of --plan custom
          --drain Y          drain per second of --plan custom
        """;

    /// <summary>Reads <c>--plan</c>, <c>--capacity</c> and <c>--drain</c>; the fallback applies when <c>--plan</c> is absent.</summary>
    public static LimitPlanChoice Read(BenchArguments arguments, LimitPlanChoice fallback)
    {
        var name = arguments.String("plan")?.ToLowerInvariant();
        var capacity = arguments.String("capacity");
        var drain = arguments.String("drain");
        if (name is null && capacity is null && drain is null)
        {
            return fallback;
        }

        name ??= Custom;
        if (name != Custom && (capacity is not null || drain is not null))
        {
            throw new ArgumentException("--capacity and --drain go with --plan custom");
        }

        switch (name)
        {
            case Standard:
                return new(Standard, RateLimitPlan.Standard);
            case Enterprise:
                return new(Enterprise, RateLimitPlan.Enterprise);
            case Custom:
                var fallbackCustom = fallback.Name == Custom;
                var x = arguments.Double("capacity", fallbackCustom ? fallback.Plan.Capacity : double.NaN, min: 2);
                var y = arguments.Double("drain", fallbackCustom ? fallback.Plan.DrainPerSecond : double.NaN, min: 1e-3);
                if (double.IsNaN(x) || double.IsNaN(y))
                {
                    throw new ArgumentException("--plan custom needs --capacity and --drain");
                }

                return new(Custom, new RateLimitPlan(x, y));
            default:
                throw new ArgumentException($"--plan takes standard, enterprise or custom; got '{name}'");
        }
    }

    /// <summary>The emulator flags that set this bucket; the operating budget stays at its default.</summary>
    public IEnumerable<string> EmulatorArguments() => Name == Custom
        ?
        [
            "--bucket-capacity", Plan.Capacity.ToString("R", CultureInfo.InvariantCulture),
            "--drain-rate", Plan.DrainPerSecond.ToString("R", CultureInfo.InvariantCulture),
        ]
        : ["--plan", Name];

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name} ({Plan.Capacity:G} + {Plan.DrainPerSecond:G}/s)");
}
