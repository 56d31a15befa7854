using System.Globalization;
using System.Text.Json.Nodes;

namespace Bitrix.Bench.Harness;

/// <summary>
/// What the limits scenarios share: an emulator that enforces a plan's bucket and models server
/// time, and a warm-up that JIT-compiles the client's paths before anything is measured.
/// </summary>
internal static class LimitsSetup
{
    public const string Usage = """
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
    /// Runs a few calls of every kind the scenario will make — single, auto-batched, bulk — through
    /// clients on <paramref name="store"/> (a private one: the measured clients' store must start
    /// empty). The caller resets the emulator afterwards.
    /// </summary>
    public static async Task WarmUpAsync(string webhookUrl, RateLimitPlan plan, IRateLimitStore store, CancellationToken cancellationToken)
    {
        foreach (var autoBatch in new[] { false, true })
        {
            await using var client = BitrixClient.FromWebhook(webhookUrl, new BitrixClientOptions { RateLimit = plan, RateLimitStore = store, AutoBatch = autoBatch });
            for (var i = 1; i <= 2; i++)
            {
                await client.CallAsync(CallBurst.Method, CallBurst.Parameters(i), cancellationToken).ConfigureAwait(false);
            }

            await Task.WhenAll(Enumerable.Range(1, 4).Select(i => client.CallAsync(CallBurst.Method, CallBurst.Parameters(i), cancellationToken))).ConfigureAwait(false);
        }

        await using var bulk = BitrixClient.FromWebhook(webhookUrl, new BitrixClientOptions { RateLimit = plan, RateLimitStore = store });
        var results = await bulk.CallManyAsync("crm.deal.add", Enumerable.Range(1, 3).Select(i => (JsonObject?)DealFields(i)), cancellationToken).ConfigureAwait(false);
        if (results.FirstOrDefault(r => r.Error is not null) is { Error: { } error })
        {
            throw new InvalidOperationException($"warm-up crm.deal.add failed: {error.Code} {error.Description}");
        }
    }

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

    /// <summary>The client's portal key (host:port, as the in-memory store keys its buckets).</summary>
    public static string PortalKey(Uri webhookUrl) => webhookUrl.Authority.ToLowerInvariant();
}
