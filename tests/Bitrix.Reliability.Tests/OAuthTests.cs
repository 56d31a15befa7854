using System.Collections.Concurrent;

namespace Bitrix.Reliability.Tests;

/// <summary>
/// Access tokens that live two seconds, during a long export, a bulk write and sixteen callers
/// calling all the time: nothing fails, and each expiry costs exactly one renewal.
/// </summary>
public sealed class OAuthTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Short_lived_tokens_expire_many_times_during_an_export_and_a_bulk_write_and_each_expiry_costs_one_renewal()
    {
        var deals = Soak.Scale(50_000);
        var adds = Soak.Scale(2_000);
        await using var lab = new Lab(Lab.Open(o =>
        {
            o.Deals = deals;
            o.AccessTokenLifetime = Lifetime;
            o.LatencyScale = 4;
        }));
        var renewals = new ConcurrentQueue<long>();
        var client = await lab.OAuthClientAsync(
            (_, _) =>
            {
                renewals.Enqueue(Stopwatch.GetTimestamp());
                return Task.CompletedTask;
            },
            o => o.MaxConcurrency = 16);

        // The token endpoint answers slowly, so that every call in flight meets the expired token
        // while the renewal is under way: they all ask for a renewal at once.
        lab.Wire.Hold = (request, ct) => request.RequestUri!.AbsolutePath.StartsWith("/oauth/token", StringComparison.Ordinal) ? Task.Delay(TimeSpan.FromMilliseconds(300), ct) : Task.CompletedTask;
        var seeded = await lab.Emulator.GetIdsAsync("crm.deal");
        var clock = Stopwatch.StartNew();

        // The export and the bulk write run while sixteen callers keep sixteen calls in flight,
        // until the tokens have expired several times.
        using var stop = new CancellationTokenSource();
        var export = ExportAsync(client);
        var write = client.CallManyAsync("crm.deal.add", Enumerable.Range(0, adds).Select(i => (JsonObject?)new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = $"o {i}", ["ORIGIN_ID"] = $"o-{i}" } }));
        var callers = Enumerable.Range(0, 16).Select(c => CallerAsync(client, seeded, c, stop.Token)).ToList();
        var exported = await export;
        var written = await write;
        var minimum = Soak.Scale(Lifetime * 4);
        if (clock.Elapsed < minimum)
        {
            await Task.Delay(minimum - clock.Elapsed);
        }

        await stop.CancelAsync();
        var calls = (await Task.WhenAll(callers)).Sum();
        var elapsed = clock.Elapsed;

        var stats = await lab.Emulator.GetStatsAsync();
        var times = renewals.Select(t => Stopwatch.GetElapsedTime(renewals.First(), t).TotalSeconds).ToList();
        var gaps = times.Zip(times.Skip(1), (a, b) => b - a).ToList();
        var expired = stats.AnswersByStatus.GetValueOrDefault(401);
        output.WriteLine($"{elapsed.TotalSeconds:F1} s: {exported.Count} rows exported, {adds} adds, {calls} single calls by 16 callers; {stats.Requests} requests, {expired} refused as expired; {stats.TokenRefreshes} renewals at the emulator, {renewals.Count} handed to OnTokensRenewed, gaps {string.Join(", ", gaps.Select(g => g.ToString("F2", CultureInfo.InvariantCulture)))} s");

        // Every seeded deal once; deals added before the export's snapshot may come along too.
        var added = await lab.OriginsAsync("o-");
        Assert.Equal(exported.Count, exported.Distinct().Count());
        Assert.Equal(seeded, exported.Where(id => id <= seeded[^1]));
        Assert.Empty(exported.Where(id => id > seeded[^1]).Except(added.Select(a => a.Id)));
        Assert.All(written, r => Assert.True(r.IsSuccess, r.ToString()));
        Assert.Equal(adds, added.Count);
        Assert.True(renewals.Count >= 3, $"the tokens expired only {renewals.Count} times: the scenario proves little");
        Assert.Equal(stats.TokenRefreshes, renewals.Count);

        // A renewal happens only when the current token has expired, so two renewals are at
        // least a lifetime apart; two renewals for one expiry would be milliseconds apart.
        Assert.All(gaps, gap => Assert.True(gap >= Lifetime.TotalSeconds * 0.8, $"two renewals {gap:F3} s apart: one expiry was renewed more than once"));
        Assert.True(renewals.Count <= (elapsed / Lifetime) + 1, $"{renewals.Count} renewals in {elapsed.TotalSeconds:F1} s of {Lifetime.TotalSeconds} s tokens");
        Assert.True(expired >= renewals.Count * 8, $"only {expired} calls met an expired token in {renewals.Count} expiries: the renewals were hardly concurrent");
    }

    private static async Task<List<long>> ExportAsync(BitrixClient client)
    {
        var ids = new List<long>();
        await foreach (var row in client.ListAllAsync("crm.deal.list", new JsonObject { ["select"] = new JsonArray("ID") }, new ListOptions { Strategy = ListStrategy.ParallelCursor }))
        {
            ids.Add(Lab.IdOf(row));
        }

        return ids;
    }

    /// <summary>Calls until stopped; every call must succeed.</summary>
    private static async Task<int> CallerAsync(BitrixClient client, IReadOnlyList<long> seeded, int caller, CancellationToken stop)
    {
        await Task.Yield();
        var calls = 0;
        while (!stop.IsCancellationRequested)
        {
            var id = seeded[(caller * 97 + calls) % Math.Min(1000, seeded.Count)];
            var deal = await client.CallAsync("crm.deal.get", new JsonObject { ["id"] = id });
            Assert.Equal(id.ToString(CultureInfo.InvariantCulture), deal.GetProperty("ID").GetString());
            calls++;
        }

        return calls;
    }
}
