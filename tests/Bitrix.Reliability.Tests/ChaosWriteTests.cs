using System.Text.Json;

namespace Bitrix.Reliability.Tests;

/// <summary>
/// 2,000 adds and 2,000 updates under a tenth of requests faulted (every kind): no deal is created
/// twice, every item ends as a success, an error or an unknown outcome — and with an origin check
/// (<see cref="BulkCallOptions.FindExisting"/>) no unknown outcome remains.
/// </summary>
public sealed class ChaosWriteTests(ITestOutputHelper output)
{
    private static readonly int Items = Soak.Scale(2_000);

    private static Lab Faulty(int seed) => new(Lab.Open(o =>
    {
        o.Deals = Items;
        o.FaultRate = 0.10;
        o.FaultKinds = Lab.AllFaults;
        o.SlowDelay = TimeSpan.FromSeconds(3);
        o.Seed = seed;
    }));

    private static void Quick(BitrixClientOptions o)
    {
        o.RequestTimeout = TimeSpan.FromSeconds(1);
        o.MaxRetries = 10;
    }

    private static List<JsonObject?> Adds(string prefix) => [.. Enumerable.Range(0, Items).Select(i => (JsonObject?)new JsonObject
    {
        ["fields"] = new JsonObject { ["TITLE"] = $"{prefix} {i}", ["ORIGIN_ID"] = $"{prefix}-{i}" },
    })];

    /// <summary>Updates of the first N seeded deals (whatever their IDs), the i-th setting the comment prefix-i.</summary>
    private static List<JsonObject?> Updates(string prefix, IReadOnlyList<long> seeded) => [.. seeded.Take(Items).Select((id, i) => (JsonObject?)new JsonObject
    {
        ["id"] = id,
        ["fields"] = new JsonObject { ["COMMENTS"] = $"{prefix}-{i + 1}" },
    })];

    /// <summary>The IDs of the first N seeded deals: the portal's IDs have holes, so they are asked for.</summary>
    private static async Task<IReadOnlyList<long>> SeededAsync(Lab lab) => [.. (await lab.Emulator.GetIdsAsync("crm.deal")).Take(Items)];

    [Fact]
    public async Task Every_add_and_update_is_accounted_for_and_no_deal_is_created_twice()
    {
        await using var lab = Faulty(seed: 21);
        var client = lab.Client(Quick);
        var seeded = await SeededAsync(lab);

        var addsTask = client.CallManyAsync("crm.deal.add", Adds("a"));
        var updatesTask = client.CallManyAsync("crm.deal.update", Updates("u", seeded));
        var adds = await addsTask;
        var updates = await updatesTask;

        var stats = await lab.Emulator.GetStatsAsync();
        var created = await lab.OriginsAsync("a-");
        var rows = await lab.Emulator.GetRowsAsync("crm.deal", seeded);
        var (addOk, addUnknown, addErrors) = Tally(adds);
        var (updateOk, updateUnknown, updateErrors) = Tally(updates);
        output.WriteLine($"{stats.Requests} requests, faults {string.Join(", ", stats.Faults.Select(f => $"{f.Key} {f.Value}"))}; adds: {addOk} ok, {addUnknown} unknown, {addErrors} errors, {created.Count} created; updates: {updateOk} ok, {updateUnknown} unknown, {updateErrors} errors");

        // No deal twice; every item accounted for; every reported success is the deal created for that item.
        Assert.Equal(created.Count, created.Select(c => c.Origin).Distinct().Count());
        Assert.True(stats.Faults.Values.Sum() > 0, "no fault was injected");
        Assert.Equal(Items, addOk + addUnknown + addErrors);
        Assert.Equal(Items, updateOk + updateUnknown + updateErrors);
        Assert.True(addUnknown + updateUnknown > 0, "with answers lost after the writes ran, some outcomes must be unknown");
        var byOrigin = created.ToDictionary(c => c.Origin, c => c.Id);
        foreach (var r in adds.Where(r => r.IsSuccess))
        {
            Assert.Equal(byOrigin[$"a-{r.Index}"], r.Result!.Value.GetInt64());
        }

        // Deals nobody was told about can only come from unknown outcomes; errors created nothing.
        Assert.True(created.Count - addOk <= addUnknown, $"{created.Count} deals for {addOk} successes and {addUnknown} unknown outcomes");
        foreach (var r in adds.Where(r => !r.IsSuccess && r.Error!.Code != BitrixErrorCodes.UnknownOutcome))
        {
            Assert.DoesNotContain($"a-{r.Index}", byOrigin.Keys);
        }

        // Every successful update landed, and updates created no deal.
        foreach (var r in updates.Where(r => r.IsSuccess))
        {
            Assert.Equal($"u-{r.Index + 1}", (string?)rows[r.Index]["COMMENTS"]);
        }

        Assert.Equal(Items + created.Count, (await lab.Emulator.GetIdsAsync("crm.deal")).Count);
    }

    [Fact]
    public async Task With_an_origin_check_no_unknown_outcome_remains_and_nothing_is_doubled()
    {
        await using var lab = Faulty(seed: 22);
        var client = lab.Client(Quick);
        var checker = lab.Client(Quick);
        var looked = 0;
        var addCheck = new BulkCallOptions
        {
            FindExisting = async (item, ct) =>
            {
                Interlocked.Increment(ref looked);
                var origin = (string)item["fields"]!["ORIGIN_ID"]!;
                var found = await checker.CallAsync("crm.deal.list", new JsonObject { ["filter"] = new JsonObject { ["=ORIGIN_ID"] = origin }, ["select"] = new JsonArray("ID") }, ct);
                return found.GetArrayLength() == 0 ? null : JsonSerializer.SerializeToElement(Lab.IdOf(found[0]));
            },
        };
        var updateCheck = new BulkCallOptions
        {
            FindExisting = async (item, ct) =>
            {
                Interlocked.Increment(ref looked);
                var deal = await checker.CallAsync("crm.deal.get", new JsonObject { ["id"] = (long)item["id"]! }, ct);
                return deal.GetProperty("COMMENTS").GetString() == (string)item["fields"]!["COMMENTS"]! ? JsonSerializer.SerializeToElement(true) : null;
            },
        };

        var seeded = await SeededAsync(lab);
        var addsTask = client.CallManyAsync("crm.deal.add", Adds("c"), addCheck);
        var updatesTask = client.CallManyAsync("crm.deal.update", Updates("v", seeded), updateCheck);
        var adds = await addsTask;
        var updates = await updatesTask;

        var stats = await lab.Emulator.GetStatsAsync();
        var created = await lab.OriginsAsync("c-");
        var rows = await lab.Emulator.GetRowsAsync("crm.deal", seeded);
        output.WriteLine($"{stats.Requests} requests, faults {string.Join(", ", stats.Faults.Select(f => $"{f.Key} {f.Value}"))}; {looked} items looked up after a lost answer; {created.Count} deals created");

        Assert.DoesNotContain(adds.Concat(updates), r => r.Error?.Code == BitrixErrorCodes.UnknownOutcome);
        Assert.All(adds, r => Assert.True(r.IsSuccess, r.ToString()));
        Assert.All(updates, r => Assert.True(r.IsSuccess, r.ToString()));
        Assert.True(looked > 0, "no answer was lost: the check was never exercised");
        Assert.Equal(Items, created.Count);
        Assert.Equal(Items, created.Select(c => c.Origin).Distinct().Count());
        var byOrigin = created.ToDictionary(c => c.Origin, c => c.Id);
        Assert.All(adds, r => Assert.Equal(byOrigin[$"c-{r.Index}"], r.Result!.Value.GetInt64()));
        Assert.Equal(seeded, rows.Select(row => long.Parse((string)row["ID"]!, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.All(rows.Select((row, i) => (Row: row, Ordinal: i + 1)), x => Assert.Equal($"v-{x.Ordinal}", (string?)x.Row["COMMENTS"]));
    }

    [Fact]
    public async Task Lookups_that_fail_themselves_leave_their_items_unknown_and_lose_no_other_result()
    {
        // The check goes through a client with no retries against the same faulty portal, and one
        // lookup in three throws on its own: a failed check must leave its item unknown (never
        // resent blindly) and must not cost the bulk call its other results.
        await using var lab = Faulty(seed: 23);
        var client = lab.Client(Quick);
        var checker = lab.Client(o =>
        {
            Quick(o);
            o.MaxRetries = 0;
        });
        var looked = 0;
        var failed = 0;
        var addCheck = new BulkCallOptions
        {
            FindExisting = async (item, ct) =>
            {
                if (Interlocked.Increment(ref looked) % 3 == 0)
                {
                    Interlocked.Increment(ref failed);
                    throw new InvalidOperationException("the lookup store is unreachable");
                }

                var origin = (string)item["fields"]!["ORIGIN_ID"]!;
                try
                {
                    var found = await checker.CallAsync("crm.deal.list", new JsonObject { ["filter"] = new JsonObject { ["=ORIGIN_ID"] = origin }, ["select"] = new JsonArray("ID") }, ct);
                    return found.GetArrayLength() == 0 ? null : JsonSerializer.SerializeToElement(Lab.IdOf(found[0]));
                }
                catch (BitrixException)
                {
                    Interlocked.Increment(ref failed);
                    throw;
                }
            },
        };

        var adds = await client.CallManyAsync("crm.deal.add", Adds("f"), addCheck);

        var stats = await lab.Emulator.GetStatsAsync();
        var created = await lab.OriginsAsync("f-");
        var (ok, unknown, errors) = Tally(adds);
        output.WriteLine($"{stats.Requests} requests, faults {string.Join(", ", stats.Faults.Select(f => $"{f.Key} {f.Value}"))}; {looked} lookups, {failed} failed; adds: {ok} ok, {unknown} unknown, {errors} errors, {created.Count} created");

        Assert.Equal(Items, adds.Count);
        Assert.Equal(Items, ok + unknown + errors);
        Assert.True(looked > 0, "no answer was lost: the check was never exercised");
        Assert.True(failed > 0, "no lookup failed");
        Assert.Equal(created.Count, created.Select(c => c.Origin).Distinct().Count());
        var byOrigin = created.ToDictionary(c => c.Origin, c => c.Id);
        Assert.All(adds.Where(r => r.IsSuccess), r => Assert.Equal(byOrigin[$"f-{r.Index}"], r.Result!.Value.GetInt64()));
        Assert.True(created.Count - ok <= unknown, $"{created.Count} deals for {ok} successes and {unknown} unknown outcomes");
        foreach (var r in adds.Where(r => !r.IsSuccess && r.Error!.Code != BitrixErrorCodes.UnknownOutcome))
        {
            Assert.DoesNotContain($"f-{r.Index}", byOrigin.Keys);
        }
    }

    /// <summary>The answers that are not a whole envelope, one kind at a time and more often, so that each surely strikes.</summary>
    [Theory]
    [InlineData(FaultKind.CutMatchingLength)]
    [InlineData(FaultKind.CutShortLength)]
    [InlineData(FaultKind.EmptyOk)]
    [InlineData(FaultKind.HtmlOk)]
    public async Task Under_each_kind_of_answer_that_is_not_an_envelope_every_write_is_accounted_for_and_an_origin_check_leaves_none_unknown(FaultKind kind)
    {
        await using var lab = new Lab(Lab.Open(o =>
        {
            o.Deals = 0;
            o.FaultRate = 0.2;
            o.FaultKinds = [kind];
            o.Seed = 23;
        }));
        var client = lab.Client(Quick);
        var checker = lab.Client(Quick);
        using var meter = new ClientMeter();

        var plain = await client.CallManyAsync("crm.deal.add", Adds("p"));
        var plainFaults = (await lab.Emulator.GetStatsAsync()).Faults.GetValueOrDefault(kind);
        var created = await lab.OriginsAsync("p-");
        var (ok, unknown, errors) = Tally(plain);

        Assert.True(plainFaults > 0, $"no {kind} was injected");
        Assert.Equal(Items, ok + unknown + errors);
        Assert.Equal(0, errors);
        Assert.True(unknown > 0, "a lost answer must leave outcomes unknown");
        Assert.Equal(created.Count, created.Select(c => c.Origin).Distinct().Count());
        Assert.True(created.Count - ok <= unknown, $"{created.Count} deals for {ok} successes and {unknown} unknown outcomes");
        var byOrigin = created.ToDictionary(c => c.Origin, c => c.Id);
        foreach (var r in plain.Where(r => r.IsSuccess))
        {
            Assert.Equal(byOrigin[$"p-{r.Index}"], r.Result!.Value.GetInt64());
        }

        var check = new BulkCallOptions
        {
            MaxResends = 8,
            FindExisting = async (item, ct) =>
            {
                var origin = (string)item["fields"]!["ORIGIN_ID"]!;
                var found = await checker.CallAsync("crm.deal.list", new JsonObject { ["filter"] = new JsonObject { ["=ORIGIN_ID"] = origin }, ["select"] = new JsonArray("ID") }, ct);
                return found.GetArrayLength() == 0 ? null : JsonSerializer.SerializeToElement(Lab.IdOf(found[0]));
            },
        };
        var settled = await client.CallManyAsync("crm.deal.add", Adds("s"), check);
        var stats = await lab.Emulator.GetStatsAsync();
        var settledCreated = await lab.OriginsAsync("s-");
        output.WriteLine($"{kind}: plain run {plainFaults} faults, {ok} ok, {unknown} unknown, {errors} errors, {created.Count} created; with the origin check {stats.Faults.GetValueOrDefault(kind) - plainFaults} faults, {settled.Count(r => r.IsSuccess)} ok, {settled.Count(r => !r.IsSuccess)} not, {settledCreated.Count} created; {stats.Requests} requests, {meter.Retries} retries");

        Assert.All(settled, r => Assert.True(r.IsSuccess, r.ToString()));
        Assert.Equal(Items, settledCreated.Count);
        Assert.Equal(Items, settledCreated.Select(c => c.Origin).Distinct().Count());
    }

    private static (int Ok, int Unknown, int Errors) Tally(IReadOnlyList<BitrixItemResult> results)
        => (results.Count(r => r.IsSuccess),
            results.Count(r => r.Error?.Code == BitrixErrorCodes.UnknownOutcome),
            results.Count(r => !r.IsSuccess && r.Error?.Code != BitrixErrorCodes.UnknownOutcome));
}
