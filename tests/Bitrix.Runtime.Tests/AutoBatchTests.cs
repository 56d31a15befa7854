using System.Globalization;
using Microsoft.Extensions.Time.Testing;

namespace Bitrix.Runtime.Tests;

/// <summary>AutoBatch: concurrent independent calls are packed into batches, transparently to each caller.</summary>
public sealed class AutoBatchTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(5);

    [Fact]
    public async Task Five_hundred_concurrent_gets_take_at_most_twelve_requests_and_each_caller_gets_its_own_deal()
    {
        await using var portal = TestPortal.Create(TestPortal.Options(deals: 600), Fast.Options(o => { o.AutoBatch = true; }));
        var seeded = await portal.IdsAsync();
        var ids = Enumerable.Range(1, 500).OrderBy(i => (i * 31) % 503).Select(i => seeded[i - 1]).ToList();

        var deals = await Task.WhenAll(ids.Select(id => portal.Client.CallAsync("crm.deal.get", new { ID = id })));

        for (var i = 0; i < ids.Count; i++)
        {
            Assert.Equal(ids[i].ToString(CultureInfo.InvariantCulture), deals[i].GetProperty("ID").GetString());
        }

        var stats = await portal.StatsAsync();
        Assert.True(stats.Requests <= 12, $"{stats.Requests} requests");
        Assert.Equal(500, stats.CallsByMethod["crm.deal.get"]);
        Assert.Equal(0, stats.InternalFailures);
    }

    [Fact]
    public async Task A_per_call_error_surfaces_only_on_that_call()
    {
        await using var portal = TestPortal.Create(TestPortal.Options(deals: 200), Fast.Options(o => { o.AutoBatch = true; }));
        var seeded = await portal.IdsAsync();
        Assert.True(seeded[^1] < 900000);
        var ids = Enumerable.Range(1, 120).Select(i => i is 37 or 71 ? 900000 + i : seeded[i - 1]).ToList();

        var calls = ids.Select(id => portal.Client.CallAsync("crm.deal.get", new { ID = id })).ToList();
        await Task.WhenAll(calls.Select(c => c.ContinueWith(_ => { }, TaskScheduler.Default)));

        for (var i = 0; i < ids.Count; i++)
        {
            if (ids[i] > 900000)
            {
                var e = await Assert.ThrowsAsync<BitrixException>(() => calls[i]);
                Assert.Equal("Not found", e.Description);
                Assert.Equal(string.Empty, e.ErrorCode);
                Assert.Equal("crm.deal.get", e.Method);
            }
            else
            {
                Assert.Equal(ids[i].ToString(CultureInfo.InvariantCulture), (await calls[i]).GetProperty("ID").GetString());
            }
        }

        Assert.True(await portal.RequestsAsync() <= 4);
    }

    [Fact]
    public async Task Full_batches_leave_at_once_and_the_rest_waits_for_the_window()
    {
        var clock = new FakeTimeProvider();
        await using var portal = TestPortal.Create(TestPortal.Options(), Fast.Options(o => { o.AutoBatch = true; o.AutoBatchWindow = Window; o.TimeProvider = clock; }));

        var seeded = await portal.IdsAsync();
        var calls = seeded.Take(120).Select(id => portal.Client.CallAsync("crm.deal.get", new { ID = id })).ToList();
        await Task.WhenAll(calls.Take(100));

        Assert.Equal(2, await portal.RequestsAsync());
        Assert.All(calls.Skip(100), c => Assert.False(c.IsCompleted));

        clock.Advance(Window);
        var deals = await Task.WhenAll(calls);

        Assert.Equal(3, await portal.RequestsAsync());
        Assert.Equal(seeded.Take(120).Select(i => i.ToString(CultureInfo.InvariantCulture)), deals.Select(d => d.GetProperty("ID").GetString()));
        Assert.Equal([50, 50, 20], portal.Recorder.RestRequests.Select(r => r.Json!["cmd"]!.AsObject().Count));
    }

    [Fact]
    public async Task A_lone_call_goes_out_as_itself()
    {
        var clock = new FakeTimeProvider();
        await using var portal = TestPortal.Create(TestPortal.Options(), Fast.Options(o => { o.AutoBatch = true; o.AutoBatchWindow = Window; o.TimeProvider = clock; }));

        var id = await portal.IdAsync("crm.deal", 3);
        var call = portal.Client.CallAsync("crm.deal.get", new { ID = id });
        Assert.Equal(0, await portal.RequestsAsync());
        clock.Advance(Window);
        var deal = await call;

        Assert.Equal(id.ToString(CultureInfo.InvariantCulture), deal.GetProperty("ID").GetString());
        var sent = portal.Recorder.RestRequests.Single();
        Assert.Equal("crm.deal.get", sent.RestMethod);
        Assert.Equal($$"""{"ID":{{id}}}""", sent.BodyText);
    }

    [Fact]
    public async Task Different_methods_share_a_batch_and_each_caller_gets_its_own_result()
    {
        var clock = new FakeTimeProvider();
        await using var portal = TestPortal.Create(TestPortal.Options(deals: 120), Fast.Options(o => { o.AutoBatch = true; o.AutoBatchWindow = Window; o.TimeProvider = clock; }));

        var id = await portal.IdAsync("crm.deal", 8);
        var get = portal.Client.CallAsync("crm.deal.get", new { ID = id });
        var list = portal.Client.CallAsync("crm.deal.list", new { select = new[] { "ID" }, start = 100 });
        var fields = portal.Client.CallAsync("crm.deal.fields");
        var added = portal.Client.CallAsync<long>("crm.deal.add", new { fields = new { TITLE = "Auto-batched" } });
        clock.Advance(Window);

        Assert.Equal(id.ToString(CultureInfo.InvariantCulture), (await get).GetProperty("ID").GetString());
        Assert.Equal(20, (await list).GetArrayLength());
        Assert.Equal("integer", (await fields).GetProperty("ID").GetProperty("type").GetString());
        Assert.Equal((await portal.Emulator.GetIdsAsync("crm.deal"))[^1], await added);
        Assert.Equal("batch", portal.Recorder.RestRequests.Single().RestMethod);
    }

    [Fact]
    public async Task Calls_holding_null_are_not_queued_but_sent_as_json_at_once()
    {
        var clock = new FakeTimeProvider();
        await using var portal = TestPortal.Create(TestPortal.Options(), Fast.Options(o => { o.AutoBatch = true; o.AutoBatchWindow = Window; o.TimeProvider = clock; }));
        var id = await portal.IdAsync("crm.deal", 2);
        var update = portal.Client.CallAsync("crm.deal.update", new { id, fields = new { COMMENTS = "set" } });
        clock.Advance(Window);
        await update;

        // No clock advance: a call with null never waits for a window (the guard turns a hang into a failure).
        var erased = await portal.Client.CallAsync("crm.deal.update", new { id, fields = new { COMMENTS = (string?)null } }).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(erased.GetBoolean());
        Assert.Equal($$$"""{"id":{{{id}}},"fields":{"COMMENTS":null}}""", portal.Recorder.RestRequests[^1].BodyText);
        var get = portal.Client.CallAsync("crm.deal.get", new { id });
        clock.Advance(Window);
        Assert.Equal(JsonValueKind.Null, (await get).GetProperty("COMMENTS").ValueKind);
    }

    [Fact]
    public async Task Calls_holding_an_empty_list_or_object_are_not_queued_but_sent_as_json_at_once()
    {
        var clock = new FakeTimeProvider();
        await using var portal = TestPortal.Create(TestPortal.Options(), Fast.Options(o => { o.AutoBatch = true; o.AutoBatchWindow = Window; o.TimeProvider = clock; }));

        var id = await portal.IdAsync("crm.deal", 2);

        // No clock advance: neither call waits for a window (the guard turns a hang into a failure).
        var noop = await portal.Client.CallAsync("crm.deal.update", new { id, fields = new { } }).WaitAsync(TimeSpan.FromSeconds(30));
        var none = await portal.Client.CallAsync("crm.deal.list", new { filter = new Dictionary<string, object> { ["@ID"] = Array.Empty<int>() } }).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(noop.GetBoolean());
        Assert.True(none.GetArrayLength() < 50);
        Assert.Equal(["crm.deal.update", "crm.deal.list"], portal.Recorder.RestRequests.Select(r => r.RestMethod));
    }

    [Fact]
    public async Task A_failed_batch_request_fails_every_caller_in_it()
    {
        var options = TestPortal.Options();
        options.FaultRate = 1;
        options.FaultKinds = [FaultKind.BadGatewayHtml];
        var clock = new FakeTimeProvider();

        // Without retries: what is under test is that one failed request fails all its callers.
        await using var portal = TestPortal.Create(options, Fast.Options(o => { o.AutoBatch = true; o.AutoBatchWindow = Window; o.TimeProvider = clock; o.MaxRetries = 0; }));

        var calls = Enumerable.Range(1, 10).Select(id => portal.Client.CallAsync("crm.deal.get", new { ID = id })).ToList();
        clock.Advance(Window);

        foreach (var call in calls)
        {
            var e = await Assert.ThrowsAsync<BitrixException>(() => call);
            Assert.Equal(BitrixErrorCodes.InvalidResponse, e.ErrorCode);
            Assert.Equal(HttpStatusCode.BadGateway, e.StatusCode);
        }

        Assert.Equal(1, await portal.RequestsAsync());
    }

    [Fact]
    public async Task A_call_cancelled_while_queued_is_cancelled_and_not_sent()
    {
        var clock = new FakeTimeProvider();
        await using var portal = TestPortal.Create(TestPortal.Options(), Fast.Options(o => { o.AutoBatch = true; o.AutoBatchWindow = Window; o.TimeProvider = clock; }));
        using var cancel = new CancellationTokenSource();
        var ids = await portal.IdsAsync();

        var kept1 = portal.Client.CallAsync("crm.deal.get", new { ID = ids[0] });
        var dropped = portal.Client.CallAsync("crm.deal.get", new { ID = ids[1] }, cancel.Token);
        var kept2 = portal.Client.CallAsync("crm.deal.get", new { ID = ids[2] });
        await cancel.CancelAsync();

        // The cancelled caller is released without waiting for the window (the fake clock has
        // not moved); the guard only turns a hang into a failure.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => dropped).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(kept1.IsCompleted);
        clock.Advance(Window);
        Assert.Equal(ids[0].ToString(CultureInfo.InvariantCulture), (await kept1).GetProperty("ID").GetString());
        Assert.Equal(ids[2].ToString(CultureInfo.InvariantCulture), (await kept2).GetProperty("ID").GetString());
        Assert.Equal([$"crm.deal.get?ID={ids[0]}", $"crm.deal.get?ID={ids[2]}"], portal.Recorder.RestRequests.Single().Json!["cmd"]!.AsObject().Select(p => (string?)p.Value));
    }

    [Fact]
    public async Task Explicit_batches_and_bulk_calls_are_not_queued()
    {
        var clock = new FakeTimeProvider();
        await using var portal = TestPortal.Create(TestPortal.Options(), Fast.Options(o => { o.AutoBatch = true; o.AutoBatchWindow = Window; o.TimeProvider = clock; }));

        var ids = await portal.IdsAsync();

        var batch = await portal.Client.BatchAsync(new BitrixBatch().Add("crm.deal.get", new { ID = ids[0] }));
        var many = await portal.Client.CallManyAsync("crm.deal.get", [new { ID = ids[1] }]);
        var raw = await portal.Client.CallRawAsync("crm.deal.get", new { ID = ids[2] });

        Assert.True(batch["0"].IsSuccess);
        Assert.True(many[0].IsSuccess);
        Assert.Equal(ids[2].ToString(CultureInfo.InvariantCulture), raw.Result.GetProperty("ID").GetString());
        Assert.Equal(3, await portal.RequestsAsync());
    }
}
