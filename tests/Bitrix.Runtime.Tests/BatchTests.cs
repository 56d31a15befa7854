using Bitrix.Emulator.Protocol;

namespace Bitrix.Runtime.Tests;

/// <summary>Explicit batches: named and listed commands, halt, references, per-command facts, client-side limits.</summary>
public sealed class BatchTests
{
    [Fact]
    public async Task Named_commands_give_results_by_name_with_their_totals_nexts_and_times()
    {
        await using var portal = TestPortal.Create(TestPortal.Options(deals: 120));
        var id = await portal.IdAsync("crm.deal", 2);
        var batch = new BitrixBatch()
            .Add("deal", "crm.deal.get", new { ID = id })
            .Add("page", "crm.deal.list", new { select = new[] { "ID" }, order = new { ID = "ASC" } })
            .Add("tail", "crm.deal.list", new { select = new[] { "ID" }, start = 100 })
            .Add("fields", "crm.deal.fields");

        var result = await portal.Client.BatchAsync(batch);

        Assert.Equal(["deal", "page", "tail", "fields"], result.Commands.Select(c => c.Name));
        Assert.Equal(["crm.deal.get", "crm.deal.list", "crm.deal.list", "crm.deal.fields"], result.Commands.Select(c => c.Method));
        Assert.All(result.Commands, c => Assert.True(c.IsSuccess));
        Assert.Equal(Text(id), result["deal"].Result!.Value.GetProperty("ID").GetString());
        Assert.Null(result["deal"].Total);
        Assert.Null(result["deal"].Next);
        Assert.Equal(50, result["page"].Result!.Value.GetArrayLength());
        Assert.Equal(120, result["page"].Total);
        Assert.Equal(50, result["page"].Next);
        Assert.Equal(20, result["tail"].Result!.Value.GetArrayLength());
        Assert.Equal(120, result["tail"].Total);
        Assert.Null(result["tail"].Next);
        Assert.Equal(JsonValueKind.Object, result["fields"].Result!.Value.ValueKind);
        Assert.All(result.Commands, c =>
        {
            Assert.NotNull(c.Time);
            Assert.NotNull(c.Time.Start);
            Assert.NotNull(c.Time.Duration);
            Assert.NotNull(c.Time.DateStart);
        });
        Assert.NotNull(result.Time?.Processing);
        Assert.Equal(1, await portal.RequestsAsync());
        Assert.True(result.TryGet("page", out var page) && page!.Total == 120);
        Assert.False(result.TryGet("nope", out _));
        Assert.Throws<KeyNotFoundException>(() => result["nope"]);
    }

    [Fact]
    public async Task Listed_commands_are_named_by_position_and_come_back_in_order()
    {
        await using var portal = TestPortal.Create();
        var seeded = await portal.IdsAsync();
        var ids = new[] { seeded[8], seeded[3], seeded[6] };
        var batch = new BitrixBatch();
        foreach (var id in ids)
        {
            batch.Add("crm.deal.get", new { ID = id });
        }

        var result = await portal.Client.BatchAsync(batch);

        Assert.Equal(["0", "1", "2"], result.Commands.Select(c => c.Name));
        Assert.Equal(ids.Select(Text), result.Commands.Select(c => c.Result!.Value.GetProperty("ID").GetString()));
    }

    [Fact]
    public async Task The_request_carries_halt_and_the_commands_as_php_query_strings_only()
    {
        await using var portal = TestPortal.Create();
        var batch = new BitrixBatch { Halt = true }
            .Add("a", "crm.deal.list", new { filter = new Dictionary<string, object> { [">=ID"] = 5, ["%TITLE"] = "a b" }, select = new[] { "ID" } })
            .Add("b", "crm.deal.fields");

        await portal.Client.BatchAsync(batch);

        var body = portal.Recorder.RestRequests.Single();
        Assert.Equal("batch", body.RestMethod);
        var json = body.Json!.AsObject();
        Assert.Equal(["halt", "cmd"], json.Select(p => p.Key));
        Assert.Equal(1, (int)json["halt"]!);
        Assert.Equal("crm.deal.list?filter%5B%3E%3DID%5D=5&filter%5B%25TITLE%5D=a+b&select%5B0%5D=ID", (string?)json["cmd"]!["a"]);
        Assert.Equal("crm.deal.fields", (string?)json["cmd"]!["b"]);
    }

    [Fact]
    public async Task Without_halt_every_command_runs_and_failures_are_per_command()
    {
        await using var portal = TestPortal.Create();
        var ids = await portal.IdsAsync();
        var batch = new BitrixBatch()
            .Add("ok1", "crm.deal.get", new { ID = ids[0] })
            .Add("missing", "crm.deal.get", new { ID = 999999 })
            .Add("invalid", "crm.deal.get", new { ID = 0 })
            .Add("unknown", "crm.nothing.here")
            .Add("ok2", "crm.deal.get", new { ID = ids[1] });

        var result = await portal.Client.BatchAsync(batch);

        Assert.Equal(["ok1", "missing", "invalid", "unknown", "ok2"], result.Commands.Select(c => c.Name));
        Assert.Equal([true, false, false, false, true], result.Commands.Select(c => c.IsSuccess));
        Assert.Equal(new BitrixError(string.Empty, "Not found"), result["missing"].Error);
        Assert.Equal(new BitrixError(string.Empty, "ID is not defined or invalid."), result["invalid"].Error);
        Assert.Equal("ERROR_METHOD_NOT_FOUND", result["unknown"].Error!.Code);
        Assert.Null(result["missing"].Result);
        Assert.Equal(Text(ids[1]), result["ok2"].Result!.Value.GetProperty("ID").GetString());

        var e = result["missing"].Error!.ToException("crm.deal.get", "missing");
        Assert.Equal(string.Empty, e.ErrorCode);
        Assert.Equal("Not found", e.Description);
        Assert.Equal("crm.deal.get", e.Method);
        Assert.Equal("missing", e.CommandName);
        Assert.Null(e.StatusCode);
        Assert.Contains("crm.deal.get", e.Message, StringComparison.Ordinal);
        Assert.Contains("'missing'", e.Message, StringComparison.Ordinal);
        Assert.Contains("Not found", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_halt_the_batch_stops_at_the_first_failure()
    {
        await using var portal = TestPortal.Create();
        var batch = new BitrixBatch { Halt = true }
            .Add("first", "crm.deal.get", new { ID = await portal.IdAsync("crm.deal", 0) })
            .Add("broken", "crm.deal.get", new { ID = 999999 })
            .Add("never", "crm.deal.add", new { fields = new { TITLE = "must not be created" } });
        var before = (await portal.StatsAsync()).EntityCounts["crm.deal"];

        var result = await portal.Client.BatchAsync(batch);

        Assert.Equal(["first", "broken"], result.Commands.Select(c => c.Name));
        Assert.True(result["first"].IsSuccess);
        Assert.Equal("Not found", result["broken"].Error!.Description);
        Assert.False(result.TryGet("never", out _));
        Assert.Equal(before, (await portal.StatsAsync()).EntityCounts["crm.deal"]);
    }

    [Fact]
    public async Task Result_references_chain_commands_inside_one_request()
    {
        await using var portal = TestPortal.Create(TestPortal.Options(deals: 120));
        var ids = await portal.IdsAsync();
        var batch = new BitrixBatch()
            .Add("newest", "crm.deal.list", new { order = new { ID = "DESC" }, select = new[] { "ID" } })
            .Add("deal", "crm.deal.get", new { ID = "$result[newest][0][ID]" })
            .Add("p0", "crm.deal.list", new { order = new { ID = "ASC" }, filter = new Dictionary<string, object> { [">ID"] = 0 }, select = new[] { "ID" }, start = -1 })
            .Add("p1", "crm.deal.list", new { order = new { ID = "ASC" }, filter = new Dictionary<string, object> { [">ID"] = "$result[p0][49][ID]" }, select = new[] { "ID" }, start = -1 })
            .Add("p2", "crm.deal.list", new { order = new { ID = "ASC" }, filter = new Dictionary<string, object> { [">ID"] = "$result[p1][49][ID]" }, select = new[] { "ID" }, start = -1 })
            .Add("created", "crm.deal.add", new { fields = new { TITLE = "Follow-up of deal $result[newest][0][ID]" } })
            .Add("check", "crm.deal.get", new { ID = "$result[created]" });

        var result = await portal.Client.BatchAsync(batch);

        Assert.All(result.Commands, c => Assert.True(c.IsSuccess, c.Name + ": " + c.Error));
        Assert.Equal(Text(ids[^1]), result["deal"].Result!.Value.GetProperty("ID").GetString());
        Assert.Equal(Text(ids[50]), result["p1"].Result!.Value[0].GetProperty("ID").GetString());
        Assert.Equal(Text(ids[100]), result["p2"].Result!.Value[0].GetProperty("ID").GetString());
        Assert.Equal(20, result["p2"].Result!.Value.GetArrayLength());
        Assert.Equal($"Follow-up of deal {ids[^1]}", result["check"].Result!.Value.GetProperty("TITLE").GetString());
        Assert.Equal(1, await portal.RequestsAsync());
    }

    [Fact]
    public async Task A_batch_of_exactly_fifty_is_one_request()
    {
        await using var portal = TestPortal.Create();
        var ids = await portal.IdsAsync();
        var batch = new BitrixBatch();
        for (var i = 0; i < BitrixBatch.MaxCommands; i++)
        {
            batch.Add("crm.deal.get", new { ID = ids[i] });
        }

        var result = await portal.Client.BatchAsync(batch);

        Assert.Equal(50, result.Commands.Count);
        Assert.Equal(ids.Take(50).Select(Text), result.Commands.Select(c => c.Result!.Value.GetProperty("ID").GetString()));
        Assert.Equal(1, await portal.RequestsAsync());
    }

    [Fact]
    public async Task More_than_fifty_commands_are_rejected_before_anything_is_sent()
    {
        await using var portal = TestPortal.Create();
        var batch = new BitrixBatch();
        for (var i = 1; i <= 51; i++)
        {
            batch.Add("crm.deal.get", new { ID = i });
        }

        var e = await Assert.ThrowsAsync<ArgumentException>(() => portal.Client.BatchAsync(batch));

        Assert.Contains("50", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, await portal.RequestsAsync());
        Assert.Empty(portal.Recorder.Requests);
    }

    [Fact]
    public async Task A_null_inside_a_command_is_rejected_before_anything_is_sent()
    {
        await using var portal = TestPortal.Create();
        var batch = new BitrixBatch()
            .Add("fine", "crm.deal.get", new { ID = 1 })
            .Add("erase", "crm.deal.update", new { ID = 1, fields = new { COMMENTS = (string?)null } });

        var e = await Assert.ThrowsAsync<ArgumentException>(() => portal.Client.BatchAsync(batch));

        Assert.Contains("'erase'", e.Message, StringComparison.Ordinal);
        Assert.Contains("CallRawAsync", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, await portal.RequestsAsync());
    }

    [Fact]
    public async Task A_null_deep_inside_a_list_is_rejected_too()
    {
        await using var portal = TestPortal.Create();
        var batch = new BitrixBatch().Add("x", "crm.deal.list", new JsonObject { ["filter"] = new JsonObject { ["@ID"] = new JsonArray(1, null) } });

        await Assert.ThrowsAsync<ArgumentException>(() => portal.Client.BatchAsync(batch));

        Assert.Equal(0, await portal.RequestsAsync());
    }

    [Fact]
    public async Task An_empty_list_or_object_inside_a_command_is_rejected_before_anything_is_sent()
    {
        await using var portal = TestPortal.Create();
        var emptyFields = new BitrixBatch().Add("noop", "crm.deal.update", new { ID = 1, fields = new { } });
        var emptyIn = new BitrixBatch().Add("in", "crm.deal.list", new { filter = new Dictionary<string, object> { ["@ID"] = Array.Empty<int>() } });

        var e = await Assert.ThrowsAsync<ArgumentException>(() => portal.Client.BatchAsync(emptyFields));
        await Assert.ThrowsAsync<ArgumentException>(() => portal.Client.BatchAsync(emptyIn));

        Assert.Contains("'noop'", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, await portal.RequestsAsync());
    }

    [Theory]
    [InlineData("batch")]
    [InlineData("BATCH")]
    [InlineData("Batch")]
    public async Task A_batch_inside_a_batch_is_rejected_before_anything_is_sent(string method)
    {
        await using var portal = TestPortal.Create();
        var batch = new BitrixBatch()
            .Add("fine", "crm.deal.get", new { ID = 1 })
            .Add("inner", method, new { halt = 0, cmd = new { a = "crm.deal.get?ID=1" } });

        var e = await Assert.ThrowsAsync<ArgumentException>(() => portal.Client.BatchAsync(batch));

        Assert.Contains("'inner'", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, await portal.RequestsAsync());
    }

    [Fact]
    public async Task An_empty_batch_and_duplicate_or_invalid_names_are_rejected()
    {
        await using var portal = TestPortal.Create();

        await Assert.ThrowsAsync<ArgumentException>(() => portal.Client.BatchAsync(new BitrixBatch()));
        await Assert.ThrowsAsync<ArgumentNullException>(() => portal.Client.BatchAsync(null!));
        var batch = new BitrixBatch().Add("a", "crm.deal.get", new { ID = 1 });
        Assert.Throws<ArgumentException>(() => batch.Add("a", "crm.deal.get", new { ID = 2 }));
        Assert.Throws<ArgumentException>(() => batch.Add(" ", "crm.deal.get", new { ID = 2 }));
        Assert.Throws<ArgumentException>(() => batch.Add("b", "crm deal get", new { ID = 2 }));
        Assert.Throws<ArgumentException>(() => batch.Add("c", string.Empty));

        Assert.Equal(0, await portal.RequestsAsync());
    }

    [Fact]
    public async Task A_batch_whose_commands_all_fail_still_returns_each_error()
    {
        await using var portal = TestPortal.Create();
        var batch = new BitrixBatch()
            .Add("crm.deal.get", new { ID = 999998 })
            .Add("crm.deal.get", new { ID = 999999 });

        var result = await portal.Client.BatchAsync(batch);

        Assert.Equal(["0", "1"], result.Commands.Select(c => c.Name));
        Assert.All(result.Commands, c => Assert.Equal("Not found", c.Error!.Description));
    }

    [Fact]
    public async Task A_failed_batch_request_throws_with_the_http_status()
    {
        var options = TestPortal.Options();
        options.FaultRate = 1;
        options.FaultKinds = [Bitrix.Emulator.FaultKind.InternalError];
        await using var portal = TestPortal.Create(options);

        var e = await Assert.ThrowsAsync<BitrixException>(() => portal.Client.BatchAsync(new BitrixBatch().Add("crm.deal.get", new { ID = 1 })));

        Assert.Equal("INTERNAL_SERVER_ERROR", e.ErrorCode);
        Assert.Equal(HttpStatusCode.InternalServerError, e.StatusCode);
        Assert.Equal("batch", e.Method);
    }

    [Fact]
    public async Task Command_parameters_reach_the_server_exactly()
    {
        await using var portal = TestPortal.Create();
        var parameters = new JsonObject
        {
            ["filter"] = new JsonObject { [">=ID"] = 5, ["%TITLE"] = "«Ёлка» & co", ["@ID"] = new JsonArray(5, 6, 7) },
            ["select"] = new JsonArray("ID", "TITLE"),
            ["order"] = new JsonObject { ["ID"] = "DESC" },
        };

        await portal.Client.BatchAsync(new BitrixBatch().Add("q", "crm.deal.list", parameters));

        var command = (string)portal.Recorder.RestRequests.Single().Json!["cmd"]!["q"]!;
        var query = command[(command.IndexOf('?', StringComparison.Ordinal) + 1)..];
        var expected = JsonNode.Parse("""{"filter":{">=ID":"5","%TITLE":"«Ёлка» & co","@ID":["5","6","7"]},"select":["ID","TITLE"],"order":{"ID":"DESC"}}""")!;
        Assert.True(JsonNode.DeepEquals(expected, PhpQueryParser.Parse(query)), PhpQueryParser.Parse(query).ToJsonString());
    }

    [Fact]
    public async Task A_command_sent_in_a_batch_and_alone_gives_the_same_rows()
    {
        await using var portal = TestPortal.Create();
        var parameters = new JsonObject
        {
            ["filter"] = new JsonObject { [">=ID"] = 20, ["<=ID"] = 80, ["!@STAGE_ID"] = new JsonArray("WON", "LOSE") },
            ["select"] = new JsonArray("ID", "STAGE_ID", "TITLE"),
            ["order"] = new JsonObject { ["ID"] = "DESC" },
        };

        var alone = await portal.Client.CallRawAsync("crm.deal.list", parameters);
        var batched = await portal.Client.BatchAsync(new BitrixBatch().Add("q", "crm.deal.list", parameters));

        Assert.Equal(alone.Result.GetRawText(), batched["q"].Result!.Value.GetRawText());
        Assert.Equal(alone.Total, batched["q"].Total);
        Assert.Equal(alone.Next, batched["q"].Next);
    }

    private static string Text(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>An explicit batch teaches the throttle what its commands' answers say, as listing and bulk batches do.</summary>
public sealed class BatchRefusalTests
{
    [Fact]
    public async Task A_command_refused_for_its_operating_time_inside_an_explicit_batch_blocks_its_method_until_the_reset()
    {
        const string batchAnswer = """
            {"result":{"result":{"lead":{"ID":"7"}},
                       "result_error":{"deal":{"error":"OPERATION_TIME_LIMIT","error_description":"Method is blocked due to operation time limit."}},
                       "result_total":[],"result_next":[],"result_time":[]},
             "time":{"start":1,"finish":1.1,"duration":0.1,"processing":0.1}}
            """;
        const string singleAnswer = """{"result":{"ID":"7"},"time":{"start":1,"finish":1.01,"duration":0.01,"processing":0.01}}""";
        var paths = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var stub = new StubHandler(request =>
        {
            var path = request.RequestUri!.AbsolutePath;
            paths.Enqueue(path[(path.LastIndexOf('/') + 1)..]);
            return StubHandler.Answer(HttpStatusCode.OK, path.EndsWith("/batch.json", StringComparison.Ordinal) ? batchAnswer : singleAnswer);
        });
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        using var http = new HttpClient(stub);
        await using var bx = new BitrixClient(http, "https://example.bitrix24.com/rest/1/abc123/", Fast.Options(o => o.TimeProvider = clock));
        var batch = new BitrixBatch().Add("deal", "crm.deal.get", new JsonObject { ["ID"] = 7 }).Add("lead", "crm.lead.get", new JsonObject { ["ID"] = 7 });

        var result = await bx.BatchAsync(batch);

        // The answer is handed back as it came; what it says about crm.deal.get is learnt.
        Assert.Equal(BitrixErrorCodes.OperationTimeLimit, result["deal"].Error!.Code);
        Assert.True(result["lead"].IsSuccess);
        var deal = bx.CallAsync("crm.deal.get", new JsonObject { ["ID"] = 7 });
        var lead = await bx.CallAsync("crm.lead.get", new JsonObject { ["ID"] = 7 }).WaitAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(200);
        var dealWaited = !deal.IsCompleted;
        var reasonWhileBlocked = bx.CurrentWaitReason;
        var sentWhileBlocked = paths.ToArray();

        clock.Advance(TimeSpan.FromSeconds(12));
        await deal.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("7", lead.GetProperty("ID").GetString());
        Assert.True(dealWaited, "crm.deal.get went out although the portal had just refused it for its operating time");
        Assert.Equal("operating budget", reasonWhileBlocked);
        Assert.Equal(["batch.json", "crm.lead.get.json"], sentWhileBlocked);
        Assert.Equal(["batch.json", "crm.lead.get.json", "crm.deal.get.json"], paths.ToArray());
    }
}
