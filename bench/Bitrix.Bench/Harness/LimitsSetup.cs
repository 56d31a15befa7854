using System.Globalization;
using System.Runtime;
using System.Text.Json.Nodes;

namespace Bitrix.Bench.Harness;

/// <summary>
/// What the limits scenarios share: an emulator that enforces a plan's bucket and models server
/// time, and a warm-up that JIT-compiles the client's paths before anything is measured.
/// </summary>
internal static class LimitsSetup
{
    public const string Usage = """
          --warmup N         concurrent calls per warm-up round against an open emulator (default 100; 0: none)
          --warmup-rounds R  at most R warm-up rounds; they stop earlier once the JIT has settled (default 40)
          --latency-scale S  multiplier of the emulator's modelled server time really waited (default 1)
          --deals N          seeded deals (default 1000)
          --emulator PATH    Bitrix.Emulator.dll (default: the one built beside this harness)
          --out DIR          where the JSON and Markdown results go (default bench/results)
        """;

    /// <summary>Emulator flags: the plan's bucket, the default operating budget, real waiting of modelled server time.</summary>
    public static IEnumerable<string> EmulatorArguments(LimitPlanChoice plan, double latencyScale, int deals) =>
    [
        .. plan.EmulatorArguments(),
        "--latency-scale", latencyScale.ToString("R", CultureInfo.InvariantCulture),
        "--deals", deals.ToString(CultureInfo.InvariantCulture),
        "--seed", "1",
    ];

    /// <summary>
    /// An emulator of its own for one measured run. A fresh port is a fresh portal for the
    /// in-memory store as well (its buckets are keyed by host and port), so runs cannot inherit a level.
    /// </summary>
    public static Task<EmulatorProcess> StartEmulatorAsync(string emulatorDll, LimitPlanChoice plan, double latencyScale, int deals, CancellationToken cancellationToken)
        => EmulatorProcess.StartAsync(emulatorDll, EmulatorArguments(plan, latencyScale, deals), cancellationToken);

    /// <summary>
    /// An emulator for the warm-up only: limits open and no modelled waiting (<see cref="EmulatorSetup"/>),
    /// so that the warm-up can make hundreds of calls in a second without touching a measured bucket.
    /// </summary>
    public static Task<EmulatorProcess> StartWarmUpEmulatorAsync(string emulatorDll, int deals, CancellationToken cancellationToken)
        => EmulatorProcess.StartAsync(emulatorDll, new EmulatorSetup(deals).ToArguments(), cancellationToken);

    /// <summary>
    /// JIT-compiles the client's paths before anything is measured. A round is <paramref name="calls"/>
    /// concurrent calls single and auto-batched, and as many bulk adds, against the open warm-up
    /// emulator on a private store, followed by a 250 ms pause; rounds repeat until two in a row
    /// compile fewer than <see cref="SettledMethods"/> methods, at most <paramref name="maxRounds"/>.
    /// Tiered compilation (tier 0, instrumented, tier 1) needs many rounds: on this machine about 22
    /// (~8 s) before a round compiled next to nothing. Without them the measured CPU is mostly the JIT's:
    /// after 10 rounds a 50-call run still compiled 1,141 methods (0.9 s of JIT in 0.73 s of CPU).
    /// </summary>
    /// <returns>The rounds run.</returns>
    public static async Task<int> WarmUpAsync(string warmUpWebhookUrl, int calls, int maxRounds, Func<IRateLimitStore>? store, CancellationToken cancellationToken)
    {
        if (calls <= 0)
        {
            return 0;
        }

        // The emulator's bucket is open; the clients' is small and drains fast, so that the
        // bucket-wait path (delays, wait tickets, the wait histogram) is compiled too, in milliseconds.
        var open = new RateLimitPlan(10, 2000);
        var ids = await EmulatorControl.DealIdsAsync(new Uri(warmUpWebhookUrl), cancellationToken).ConfigureAwait(false);
        var round = 0;
        var quiet = 0;
        while (round < maxRounds && quiet < 2)
        {
            round++;
            var compiledBefore = JitInfo.GetCompiledMethodCount();
            foreach (var autoBatch in new[] { false, true })
            {
                await using var client = BitrixClient.FromWebhook(warmUpWebhookUrl, new BitrixClientOptions { RateLimit = open, RateLimitStore = store?.Invoke() ?? new InMemoryRateLimitStore(), AutoBatch = autoBatch });
                await Task.WhenAll(Enumerable.Range(0, calls).Select(async i =>
                {
                    await Task.Yield();
                    await client.CallAsync(CallBurst.Method, CallBurst.Parameters(ids[i % ids.Length]), cancellationToken).ConfigureAwait(false);
                })).ConfigureAwait(false);
            }

            await using var bulk = BitrixClient.FromWebhook(warmUpWebhookUrl, new BitrixClientOptions { RateLimit = open, RateLimitStore = store?.Invoke() ?? new InMemoryRateLimitStore() });
            var results = await bulk.CallManyAsync("crm.deal.add", Enumerable.Range(1, calls).Select(i => (JsonObject?)DealFields(i)), cancellationToken).ConfigureAwait(false);
            if (results.FirstOrDefault(r => r.Error is not null) is { Error: { } error })
            {
                throw new InvalidOperationException($"warm-up crm.deal.add failed: {error.Code} {error.Description}");
            }

            await Task.Delay(250, cancellationToken).ConfigureAwait(false);
            quiet = JitInfo.GetCompiledMethodCount() - compiledBefore < SettledMethods ? quiet + 1 : 0;
        }

        return round;
    }

    /// <summary>A warm-up round that compiles fewer methods than this counts as settled.</summary>
    public const int SettledMethods = 10;

    /// <summary>The parameters of one <c>crm.deal.add</c>: <c>{ fields: { TITLE, OPPORTUNITY, CURRENCY_ID } }</c>.</summary>
    public static JsonObject DealFields(int i) => new()
    {
        ["fields"] = new JsonObject
        {
            ["TITLE"] = "Bench deal " + i.ToString(CultureInfo.InvariantCulture),
            ["OPPORTUNITY"] = (i % 1000 * 10).ToString(CultureInfo.InvariantCulture),
            ["CURRENCY_ID"] = "EUR",
        },
    };

    /// <summary>
    /// The options every limits scenario reads (<see cref="Usage"/>): <c>--latency-scale</c>, <c>--deals</c>,
    /// <c>--warmup</c>, <c>--warmup-rounds</c>, <c>--out</c> and <c>--emulator</c>; <c>--quick</c> lowers the warm-up.
    /// </summary>
    public static LimitsOptions ReadOptions(BenchArguments arguments, bool quick) => new(
        arguments.Double("latency-scale", 1, min: 0),
        arguments.Int("deals", 1000, min: 1),
        arguments.Int("warmup", quick ? 50 : 100, min: 0),
        arguments.Int("warmup-rounds", quick ? 1 : 40, min: 1),
        arguments.String("out", Path.Combine("bench", "results")),
        EmulatorProcess.Locate(arguments.String("emulator")));

    /// <summary>The client's portal key (host:port, as the in-memory store keys its buckets).</summary>
    public static string PortalKey(Uri webhookUrl) => webhookUrl.Authority.ToLowerInvariant();
}

/// <summary>What <see cref="LimitsSetup.ReadOptions"/> read.</summary>
internal sealed record LimitsOptions(double LatencyScale, int Deals, int Warmup, int WarmupRounds, string Output, string EmulatorDll);
