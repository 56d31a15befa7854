namespace Bitrix.Emulator.Data;

/// <summary>
/// The seeded IDs of one table for an <see cref="IdLayout"/>: deterministic for a seed and an
/// entity, strictly increasing, starting at 1 or above.
/// </summary>
internal static class IdLayouts
{
    /// <summary>Where the adversarial layout puts its last row: far above every other.</summary>
    public const long AdversarialOutlier = 1_000_000_000;

    /// <summary>Reads a layout by its name (any case); numbers are not names.</summary>
    public static bool TryParse(string? text, out IdLayout layout)
    {
        layout = default;
        return text is not null && !text.Any(char.IsDigit) && Enum.TryParse(text.Trim(), ignoreCase: true, out layout) && Enum.IsDefined(layout);
    }

    public static long[] Generate(IdLayout layout, int count, int seed, string entity)
    {
        var ids = new long[Math.Max(0, count)];
        if (ids.Length == 0)
        {
            return ids;
        }

        // HashCode is randomised per process; the layout must not be.
        var random = new Random(unchecked((seed * 486_187_739) ^ Fnv(entity) ^ ((int)layout * 16_777_619)));
        switch (layout)
        {
            case IdLayout.Dense:
                for (var i = 0; i < ids.Length; i++)
                {
                    ids[i] = i + 1;
                }

                break;
            case IdLayout.Gaps:
                Gaps(ids, random);
                break;
            case IdLayout.Blocks:
                Blocks(ids, random);
                break;
            case IdLayout.Adversarial:
                Adversarial(ids, random);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(layout), layout, "unknown ID layout");
        }

        return ids;
    }

    /// <summary>
    /// Years of ordinary use: most neighbours one apart, small holes of a few deleted rows, and
    /// now and then a hole of tens to hundreds (a clean-up). About 1.7 IDs per row.
    /// </summary>
    private static void Gaps(long[] ids, Random random)
    {
        var id = 0L;
        for (var i = 0; i < ids.Length; i++)
        {
            id += 1 + Geometric(random, 0.55);
            if (random.Next(600) == 0)
            {
                id += random.Next(10, 400);
            }

            ids[i] = id;
        }
    }

    /// <summary>
    /// Dense stretches of 300 to 8,000 rows between long deleted runs (2,000 to 100,000 IDs: a
    /// mass clean-up, a rolled-back import), the stretches sparser in the oldest rows (about
    /// 3 IDs per row) and denser towards the newest (about 1.1).
    /// </summary>
    private static void Blocks(long[] ids, Random random)
    {
        var id = 0L;
        var stretchLeft = random.Next(300, 8_000);
        for (var i = 0; i < ids.Length; i++)
        {
            if (stretchLeft-- == 0)
            {
                id += random.Next(2_000, 100_000);
                stretchLeft = random.Next(300, 8_000);
            }

            var age = 1 - ((double)i / ids.Length);
            id += 1 + Geometric(random, (2 * age) + 0.1);
            ids[i] = id;
        }
    }

    /// <summary>
    /// Hostile to any split by ID width: a quarter of the rows sparse (about 38 IDs per row), half
    /// packed into a twentieth of the span, a quarter sparse again, and the last row alone near
    /// <see cref="AdversarialOutlier"/>.
    /// </summary>
    private static void Adversarial(long[] ids, Random random)
    {
        var n = ids.Length;
        var quarter = n / 4;
        var clusterEnd = quarter + (n / 2);
        var id = 0L;
        for (var i = 0; i < n - 1; i++)
        {
            var inCluster = i >= quarter && i < clusterEnd;
            id += 1 + Geometric(random, inCluster ? 1.0 : 37.0);
            ids[i] = id;
        }

        ids[n - 1] = Math.Max(id + 1, AdversarialOutlier - random.Next(1_000));
    }

    /// <summary>A count of extra IDs skipped with the given mean (geometric; 0 when the mean is 0).</summary>
    private static long Geometric(Random random, double mean)
    {
        if (mean <= 0)
        {
            return 0;
        }

        // P(k) = (1 - p) p^k has mean p / (1 - p).
        var p = mean / (1 + mean);
        return (long)Math.Floor(Math.Log(1 - random.NextDouble()) / Math.Log(p));
    }

    private static int Fnv(string s)
    {
        var h = 2166136261u;
        foreach (var c in s)
        {
            h = (h ^ c) * 16777619u;
        }

        return (int)h;
    }
}
