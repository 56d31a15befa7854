namespace Bitrix.Reliability.Tests.Infrastructure;

/// <summary>
/// The soak mode: <c>BITRIX_SOAK=1</c> multiplies sizes and durations by ten, <c>BITRIX_SOAK=N</c>
/// (N &gt; 1) by N. Unset or 0: the CI sizes.
/// </summary>
public static class Soak
{
    public static int Factor { get; } = Read(Environment.GetEnvironmentVariable("BITRIX_SOAK"));

    public static int Scale(int size) => checked(size * Factor);

    public static TimeSpan Scale(TimeSpan duration) => duration * Factor;

    private static int Read(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || !int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n <= 0)
        {
            return 1;
        }

        return n == 1 ? 10 : n;
    }
}
