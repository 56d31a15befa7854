using System.Globalization;
using Bitrix.Emulator.Protocol;

namespace Bitrix.Runtime.Tests;

/// <summary>Bulk calls: one command per item, packed 50 to a batch, results in input order.</summary>
public sealed class CallManyTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(49, 1)]
    [InlineData(50, 1)]
    [InlineData(51, 2)]
    [InlineData(1000, 20)]
    public async Task Gets_come_back_in_input_order(int count, int requests)
    {
        await using var portal = TestPortal.Create(TestPortal.Options(deals: 1000));
        // A shuffled order, so that "sorted by ID" cannot pass for "in input order".
        var seeded = await portal.IdsAsync();
        var ids = Enumerable.Range(1, count).OrderBy(i => (i * 7919) % 1009).Select(i => seeded[i - 1]).ToList();

        var results = await portal.Client.CallManyAsync("crm.deal.get", ids.Select(id => (object?)new { ID = id }));

        Assert.Equal(count, results.Count);
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(i, results[i].Index);
            Assert.True(results[i].IsSuccess, results[i].ToString());
            Assert.Equal(ids[i].ToString(CultureInfo.InvariantCulture), results[i].Result!.Value.GetProperty("ID").GetString());
        }

        Assert.Equal(requests, await portal.RequestsAsync());
        Assert.Equal(count, (await portal.StatsAsync()).CallsByMethod.GetValueOrDefault("crm.deal.get"));
    }

    [Fact]
    public async Task Adds_return_each_new_id_at_the_position_of_its_item()
    {
        await using var portal = TestPortal.Create();
        var items = Enumerable.Range(0, 120).Select(i => (object?)new { fields = new { TITLE = $"Bulk deal {i}", OPPORTUNITY = i * 10 } }).ToList();

        var results = await portal.Client.CallManyAsync("crm.deal.add", items);

        Assert.Equal(120, results.Count);
        Assert.All(results, r => Assert.True(r.IsSuccess));
        var newIds = results.Select(r => r.Result!.Value.GetInt64()).ToList();
        Assert.Equal(120, newIds.Distinct().Count());
        var deals = await portal.Client.GetByIdAsync("crm.deal.get", newIds);
        for (var i = 0; i < 120; i++)
        {
            Assert.Equal($"Bulk deal {i}", deals[i].Value.Result!.Value.GetProperty("TITLE").GetString());
        }

        Assert.Equal(3 + 3, await portal.RequestsAsync());
    }

    [Fact]
    public async Task Per_item_errors_do_not_lose_their_siblings()
    {
        await using var portal = TestPortal.Create();
        var ids = await portal.IdsAsync();
        object?[] items = [new { ID = ids[0] }, new { ID = 999999 }, new { ID = ids[1] }, new { ID = 0 }, new { ID = ids[2] }, new { ID = "abc" }, new { ID = ids[3] }];

        var results = await portal.Client.CallManyAsync("crm.deal.get", items);

        Assert.Equal([true, false, true, false, true, false, true], results.Select(r => r.IsSuccess));
        Assert.Equal(ids.Take(4).Select(i => i.ToString(CultureInfo.InvariantCulture)), results.Where(r => r.IsSuccess).Select(r => r.Result!.Value.GetProperty("ID").GetString()));
        Assert.Equal(new BitrixError(string.Empty, "Not found"), results[1].Error);
        Assert.Equal(new BitrixError(string.Empty, "ID is not defined or invalid."), results[3].Error);
        Assert.Equal("ID is not defined or invalid.", results[5].Error!.Description);
        var e = Assert.Throws<BitrixException>(() => results[1].GetResultOrThrow());
        Assert.Equal("Not found", e.Description);
        Assert.Equal(JsonValueKind.Object, results[0].GetResultOrThrow().ValueKind);
        Assert.NotNull(results[0].Time);
        Assert.Equal(1, await portal.RequestsAsync());
    }

    [Fact]
    public async Task Errors_spread_over_many_batches_stay_on_their_items()
    {
        await using var portal = TestPortal.Create(TestPortal.Options(deals: 300));
        var seeded = await portal.IdsAsync();
        Assert.True(seeded[^1] < 900000);
        var ids = Enumerable.Range(1, 260).Select(i => i % 13 == 0 ? 900000 + i : seeded[i - 1]).ToList();

        var results = await portal.Client.CallManyAsync("crm.deal.get", ids.Select(id => (object?)new { ID = id }));

        for (var i = 0; i < ids.Count; i++)
        {
            if (ids[i] > 900000)
            {
                Assert.Equal("Not found", results[i].Error!.Description);
            }
            else
            {
                Assert.Equal(ids[i].ToString(CultureInfo.InvariantCulture), results[i].Result!.Value.GetProperty("ID").GetString());
            }
        }

        Assert.Equal(6, await portal.RequestsAsync());
    }

    [Fact]
    public async Task Items_holding_null_go_alone_as_json_and_the_others_are_batched()
    {
        await using var portal = TestPortal.Create();
        var ids = (await portal.IdsAsync()).Take(6).ToArray();
        foreach (var id in ids)
        {
            await portal.Client.CallAsync("crm.deal.update", new { id, fields = new { COMMENTS = "before" } });
        }

        var before = await portal.RequestsAsync();
        object?[] items =
        [
            new { id = ids[0], fields = new { COMMENTS = "after 1" } },
            new { id = ids[1], fields = new { COMMENTS = (string?)null } },
            new { id = ids[2], fields = new { COMMENTS = "after 3" } },
            new { id = ids[3], fields = new { COMMENTS = (string?)null, TITLE = "Erased" } },
            new { id = ids[4], fields = new { COMMENTS = "after 5" } },
            new { id = ids[5], fields = new { COMMENTS = "after 6" } },
        ];

        var results = await portal.Client.CallManyAsync("crm.deal.update", items);

        Assert.All(results, r => Assert.True(r.GetResultOrThrow().GetBoolean()));
        Assert.Equal(before + 3, await portal.RequestsAsync());
        var sent = portal.Recorder.RestRequests.Skip((int)before).ToList();
        Assert.Single(sent, r => r.RestMethod == "batch");
        Assert.Equal(4, sent.Single(r => r.RestMethod == "batch").Json!["cmd"]!.AsObject().Count);
        var alone = sent.Where(r => r.RestMethod == "crm.deal.update").Select(r => r.BodyText).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(new[] { $$$"""{"id":{{{ids[1]}}},"fields":{"COMMENTS":null}}""", $$$"""{"id":{{{ids[3]}}},"fields":{"COMMENTS":null,"TITLE":"Erased"}}""" }.Order(StringComparer.Ordinal), alone);

        var deals = await portal.Client.GetByIdAsync("crm.deal.get", ids);
        Assert.Equal(["after 1", null, "after 3", null, "after 5", "after 6"], deals.Select(d => d.Value.Result!.Value.GetProperty("COMMENTS").GetString()));
        Assert.Equal("Erased", deals[3].Value.Result!.Value.GetProperty("TITLE").GetString());
    }

    [Fact]
    public async Task Items_holding_an_empty_list_or_object_go_alone_as_json_so_their_meaning_is_kept()
    {
        await using var portal = TestPortal.Create();
        var ids = await portal.IdsAsync();
        object?[] updates = [new { id = ids[0], fields = new { } }, new { id = ids[1], fields = new { TITLE = "Batched" } }];
        object?[] lists =
        [
            new { filter = new Dictionary<string, object> { ["@ID"] = Array.Empty<int>() }, select = new[] { "ID" } },
            new { filter = new Dictionary<string, object> { ["@ID"] = new[] { ids[2], ids[3] } }, select = new[] { "ID" } },
        ];

        var updated = await portal.Client.CallManyAsync("crm.deal.update", updates);
        var listed = await portal.Client.CallManyAsync("crm.deal.list", lists);
        var direct = await portal.Client.CallRawAsync("crm.deal.list", lists[0]);

        // An update with nothing to change is a no-op, as when called alone: not "fields must be array".
        Assert.True(updated[0].GetResultOrThrow().GetBoolean());
        Assert.True(updated[1].GetResultOrThrow().GetBoolean());
        // IN () matches what it matches alone, not every row (which dropping the key would give).
        Assert.Equal(direct.Result.GetRawText(), listed[0].GetResultOrThrow().GetRawText());
        Assert.True(listed[0].Result!.Value.GetArrayLength() < 50);
        Assert.Equal(ids.Skip(2).Take(2).Select(i => i.ToString(CultureInfo.InvariantCulture)), listed[1].GetResultOrThrow().EnumerateArray().Select(r => r.GetProperty("ID").GetString()));
        var sent = portal.Recorder.RestRequests;
        Assert.Equal($$$"""{"id":{{{ids[0]}}},"fields":{}}""", sent.Single(r => r.RestMethod == "crm.deal.update").BodyText);
        Assert.Equal(2, sent.Count(r => r.RestMethod == "batch"));
    }

    [Fact]
    public async Task A_null_item_is_a_command_without_parameters()
    {
        await using var portal = TestPortal.Create();

        var results = await portal.Client.CallManyAsync("crm.deal.fields", [null, null, new JsonObject()]);

        Assert.All(results, r => Assert.Equal("integer", r.Result!.Value.GetProperty("ID").GetProperty("type").GetString()));
        Assert.Equal(["crm.deal.fields", "crm.deal.fields", "crm.deal.fields"], portal.Recorder.RestRequests.Single().Json!["cmd"]!.AsObject().Select(p => (string?)p.Value));
    }

    [Theory]
    [InlineData("batch")]
    [InlineData("BATCH")]
    public async Task Batch_as_the_method_is_rejected(string method)
    {
        await using var portal = TestPortal.Create();

        var e = await Assert.ThrowsAsync<ArgumentException>(() => portal.Client.CallManyAsync(method, [new { halt = 0 }]));

        Assert.Equal("method", e.ParamName);
        Assert.Equal(0, await portal.RequestsAsync());
    }

    [Fact]
    public async Task Invalid_arguments_are_rejected_before_sending()
    {
        await using var portal = TestPortal.Create();

        await Assert.ThrowsAsync<ArgumentException>(() => portal.Client.CallManyAsync("crm deal get", [new { ID = 1 }]));
        await Assert.ThrowsAsync<ArgumentNullException>(() => portal.Client.CallManyAsync("crm.deal.get", (IEnumerable<object?>)null!));
        await Assert.ThrowsAsync<ArgumentException>(() => portal.Client.CallManyAsync("crm.deal.get", [new { ID = 1 }, new object[] { 1, 2 }]));

        Assert.Equal(0, await portal.RequestsAsync());
    }

    [Fact]
    public async Task No_parameter_the_caller_did_not_give_reaches_the_server()
    {
        await using var portal = TestPortal.Create();
        var ids = await portal.IdsAsync();
        var items = new List<JsonObject?>();
        for (var i = 0; i < 75; i++)
        {
            items.Add(i % 10 == 3
                ? new JsonObject { ["id"] = ids[i], ["fields"] = new JsonObject { ["COMMENTS"] = null } }
                : new JsonObject
                {
                    ["id"] = ids[i],
                    ["fields"] = new JsonObject
                    {
                        ["TITLE"] = $"Item {i} «ü» & = ?",
                        ["OPPORTUNITY"] = i * 1.5,
                        ["OPENED"] = i % 2 == 0,
                        ["PHONE"] = new JsonArray(new JsonObject { ["VALUE"] = "+7 900 000-00-" + i.ToString("00", CultureInfo.InvariantCulture), ["VALUE_TYPE"] = "WORK" }),
                    },
                });
        }

        var results = await portal.Client.CallManyAsync("crm.deal.update", items);

        Assert.All(results, r => Assert.True(r.IsSuccess, r.ToString()));
        var received = new List<string>();
        foreach (var request in portal.Recorder.RestRequests)
        {
            Assert.DoesNotContain("?", request.Uri.Query, StringComparison.Ordinal);
            var body = request.Json!.AsObject();
            if (request.RestMethod == "batch")
            {
                Assert.Equal(["halt", "cmd"], body.Select(p => p.Key));
                Assert.Equal(0, (int)body["halt"]!);
                var cmd = body["cmd"]!.AsObject();
                Assert.Equal(Enumerable.Range(0, cmd.Count).Select(i => i.ToString(CultureInfo.InvariantCulture)), cmd.Select(p => p.Key));
                foreach (var (_, command) in cmd)
                {
                    var text = (string)command!;
                    Assert.StartsWith("crm.deal.update?", text, StringComparison.Ordinal);
                    received.Add(PhpQueryParser.Parse(text["crm.deal.update?".Length..]).ToJsonString());
                }
            }
            else
            {
                Assert.Equal("crm.deal.update", request.RestMethod);
                received.Add(body.ToJsonString());
            }
        }

        var expected = items.Select(item => PhpQueryEncoder.FitsQueryString(item) ? PhpView.Of(item).ToJsonString() : item!.ToJsonString());
        Assert.Equal(expected.Order(StringComparer.Ordinal), received.Order(StringComparer.Ordinal));
        Assert.Equal(8 + 2, portal.Recorder.RestRequests.Count);
    }

    [Fact]
    public async Task A_whole_batch_failure_becomes_the_error_of_each_of_its_items()
    {
        var options = TestPortal.Options();
        options.FaultRate = 1;
        options.FaultKinds = [FaultKind.ServiceUnavailable];
        await using var portal = TestPortal.Create(options);

        var results = await portal.Client.CallManyAsync("crm.deal.get", Enumerable.Range(1, 60).Select(i => (object?)new { ID = i }));

        Assert.Equal(60, results.Count);
        Assert.All(results, r =>
        {
            Assert.False(r.IsSuccess);
            Assert.Equal(BitrixErrorCodes.InvalidResponse, r.Error!.Code);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, r.Error.StatusCode);
        });
        Assert.Equal(Enumerable.Range(0, 60), results.Select(r => r.Index));
    }

    [Fact]
    public async Task An_unknown_method_fails_each_item()
    {
        await using var portal = TestPortal.Create();

        var results = await portal.Client.CallManyAsync("crm.nothing.get", [new { ID = 1 }, new { ID = 2 }]);

        Assert.All(results, r => Assert.Equal("ERROR_METHOD_NOT_FOUND", r.Error!.Code));
    }
}

/// <summary>A bulk call cancelled while a batch's refused commands wait for their resend.</summary>
public sealed class CancelledResendTests
{
    [Fact]
    public async Task Commands_that_answered_before_the_cancellation_keep_their_results()
    {
        const string answer = """
            {"result":{"result":{"0":101,"1":102},
                       "result_error":{"2":{"error":"OPERATION_TIME_LIMIT","error_description":"Method is blocked due to operation time limit."}},
                       "result_total":[],"result_next":[],"result_time":[]},
             "time":{"start":1,"finish":1.1,"duration":0.1,"processing":0.1}}
            """;
        var stub = new StubHandler(_ => StubHandler.Answer(System.Net.HttpStatusCode.OK, answer));
        using var http = new HttpClient(stub);
        await using var bx = new BitrixClient(http, "https://example.bitrix24.com/rest/1/abc123/", Fast.Options());
        using var cancel = new CancellationTokenSource();
        var items = new[] { "a", "b", "c" }.Select(t => (System.Text.Json.Nodes.JsonObject?)new System.Text.Json.Nodes.JsonObject { ["fields"] = new System.Text.Json.Nodes.JsonObject { ["TITLE"] = t } });

        // The refused command waits for its method's reset (no operating_reset_at: a long pause); cancel meanwhile.
        var call = bx.CallManyAsync("crm.deal.add", items, cancel.Token);
        while (stub.Calls == 0)
        {
            await Task.Delay(10);
        }

        await Task.Delay(100);
        await cancel.CancelAsync();
        var e = await Assert.ThrowsAsync<BitrixBulkCanceledException>(() => call);

        Assert.Equal(1, stub.Calls);
        Assert.Equal(101, e.Results[0].Result!.Value.GetInt64());
        Assert.Equal(102, e.Results[1].Result!.Value.GetInt64());
        Assert.Equal(BitrixErrorCodes.UnknownOutcome, e.Results[2].Error!.Code);
    }
}
