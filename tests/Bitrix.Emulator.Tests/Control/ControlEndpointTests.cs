namespace Bitrix.Emulator.Tests.Control;

/// <summary>The control endpoints (<c>/_emulator/*</c>) and their C# equivalents on <see cref="BitrixEmulator"/>.</summary>
public sealed class ControlEndpointTests : PortalTestBase
{
    [Fact]
    public async Task Stats_over_http_equal_the_csharp_snapshot()
    {
        var options = Small();
        options.TimeProvider = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var portal = InProcess(options);
        var lastSeeded = (await portal.IdsAsync("crm.deal"))[^1];
        await portal.GetAsync($"crm.deal.get?id={await portal.IdAsync("crm.deal", 0)}");
        await portal.GetAsync("crm.deal.get?id=999999");
        await portal.GetAsync("no.such.method");
        await portal.PostJsonAsync("crm.deal.add", new { fields = new { TITLE = "x" } });

        var http = (await portal.RawAsync(HttpMethod.Get, "/_emulator/stats")).Json!;
        var stats = await portal.Emulator.GetStatsAsync();

        Assert.Equal(
            ["requests", "answersByStatus", "rejected503", "rejected429", "faults", "callsByMethod", "operatingSecondsByMethod", "bucketLevel", "entityCounts", "maxIds", "mutationInserts", "mutationDeletes", "mutationModifies", "tokenRefreshes", "internalFailures", "lastInternalFailure"],
            http.AsObject().Select(p => p.Key));
        Assert.Equal(4, stats.Requests);
        Assert.Equal(stats.Requests, (long)http["requests"]!);
        Assert.Equal(2, stats.AnswersByStatus[200]);
        Assert.Equal(1, stats.AnswersByStatus[400]);
        Assert.Equal(1, stats.AnswersByStatus[404]);
        Assert.Equal(2, (long)http["answersByStatus"]!["200"]!);
        Assert.Equal(2, stats.CallsByMethod["crm.deal.get"]);
        Assert.Equal(1, (long)http["callsByMethod"]!["crm.deal.add"]!);
        Assert.Equal(121, stats.EntityCounts["crm.deal"]);
        Assert.Equal(121, (long)http["entityCounts"]!["crm.deal"]!);
        Assert.Equal(lastSeeded + 1, stats.MaxIds["crm.deal"]);
        Assert.InRange(stats.BucketLevel, 3, 4);
        Assert.Equal(stats.BucketLevel, (double)http["bucketLevel"]!, 6);
        Assert.Equal(0, (long)http["internalFailures"]!);
    }

    [Fact]
    public async Task Ids_over_http_equal_the_csharp_list_and_follow_writes()
    {
        var portal = InProcess();
        var deleted = await portal.IdAsync("crm.deal", 4);
        await portal.PostJsonAsync("crm.deal.delete", new { id = deleted });
        var added = (long)(await portal.PostJsonAsync("crm.deal.add", new { fields = new { TITLE = "x" } })).Result!;

        var http = (await portal.RawAsync(HttpMethod.Get, "/_emulator/ids?entity=crm.deal")).Json!;
        var ids = await portal.Emulator.GetIdsAsync("crm.deal");

        Assert.Equal("crm.deal", (string)http["entity"]!);
        Assert.Equal(ids.Count, (int)http["count"]!);
        Assert.Equal(ids, http["ids"]!.AsArray().Select(i => (long)i!));
        Assert.DoesNotContain(deleted, ids);
        Assert.Equal(120, ids.Count); // one deleted, one added
        Assert.Equal(added, ids[^1]);
        Assert.Equal(ids.Order(), ids);
    }

    [Theory]
    [InlineData("crm.lead", 60)]
    [InlineData("crm.contact", 30)]
    [InlineData("crm.company", 20)]
    [InlineData("crm.activity", 30)]
    [InlineData("tasks.task", 10)]
    [InlineData("user", 5)]
    public async Task Ids_are_served_for_every_seeded_entity(string entity, int count)
    {
        var portal = InProcess();
        var options = portal.Emulator.Options;

        var http = (await portal.RawAsync(HttpMethod.Get, "/_emulator/ids?entity=" + entity)).Json!;
        var ids = await portal.Emulator.GetIdsAsync(entity);

        Assert.Equal(count, (int)http["count"]!);
        Assert.Equal(ids, http["ids"]!.AsArray().Select(i => (long)i!));
        // Users are numbered 1..N; every other table has the layout's IDs, holes included.
        var expected = entity == "user"
            ? Enumerable.Range(1, count).Select(i => (long)i).ToArray()
            : Bitrix.Emulator.Data.IdLayouts.Generate(options.IdLayout, count, options.Seed, entity);
        Assert.Equal(expected, ids);
    }

    [Fact]
    public async Task Ids_default_to_deals_and_refuse_an_unknown_entity()
    {
        var portal = InProcess();

        var deals = (await portal.RawAsync(HttpMethod.Get, "/_emulator/ids")).Json!;
        var unknown = await portal.RawAsync(HttpMethod.Get, "/_emulator/ids?entity=crm.nothing");

        Assert.Equal("crm.deal", (string)deals["entity"]!);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
        Assert.Equal("UNKNOWN_ENTITY", unknown.Error);
        await Assert.ThrowsAsync<ArgumentException>(() => portal.Emulator.GetIdsAsync("crm.nothing"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Reset_reseeds_the_data_and_clears_limits_tokens_and_statistics(bool overHttp)
    {
        var portal = InProcess();
        var seeded = await portal.IdsAsync("crm.deal");
        var lead = await portal.IdAsync("crm.lead", 7);
        var tokens = await portal.Emulator.IssueOAuthTokensAsync();
        await portal.PostJsonAsync("crm.deal.delete", new { id = seeded[6] });
        await portal.PostJsonAsync("crm.deal.add", new { fields = new { TITLE = "gone after reset" } });
        await portal.PostJsonAsync("crm.deal.update", new { id = seeded[7], fields = new { TITLE = "changed" } });
        var seededTitle = (string)(await portal.PostJsonAsync("crm.lead.get", new { id = lead })).Result!["TITLE"]!;

        if (overHttp)
        {
            var answer = await portal.RawAsync(HttpMethod.Post, "/_emulator/reset", []);
            Assert.Equal("""{"result":true}""", answer.Text);
        }
        else
        {
            await portal.Emulator.ResetAsync();
        }

        var stats = await portal.Emulator.GetStatsAsync();
        Assert.Equal(0, stats.Requests);
        Assert.Equal(0, stats.BucketLevel, 9);
        Assert.Empty(stats.CallsByMethod);
        Assert.Equal(120, seeded.Count);
        Assert.Equal(seeded, await portal.Emulator.GetIdsAsync("crm.deal"));
        Assert.Equal(seeded[^1], stats.MaxIds["crm.deal"]);
        Assert.NotEqual("changed", (string)(await portal.PostJsonAsync("crm.deal.get", new { id = seeded[7] })).Result!["TITLE"]!);
        Assert.Equal(seededTitle, (string)(await portal.PostJsonAsync("crm.lead.get", new { id = lead })).Result!["TITLE"]!);
        Assert.Equal("invalid_token", (await portal.RawAsync(HttpMethod.Get, $"/rest/crm.deal.get?id={seeded[0]}&auth=" + tokens.AccessToken)).Error);
    }

    [Fact]
    public async Task Reset_must_be_posted()
    {
        var portal = InProcess();
        var deleted = await portal.IdAsync("crm.deal", 6);
        await portal.PostJsonAsync("crm.deal.delete", new { id = deleted });

        var answer = await portal.RawAsync(HttpMethod.Get, "/_emulator/reset");

        Assert.Equal(HttpStatusCode.NotFound, answer.Status);
        Assert.DoesNotContain(deleted, await portal.Emulator.GetIdsAsync("crm.deal"));
    }

    [Fact]
    public async Task Control_calls_are_not_rest_requests()
    {
        var portal = InProcess();

        await portal.RawAsync(HttpMethod.Get, "/_emulator/stats");
        await portal.RawAsync(HttpMethod.Get, "/_emulator/ids");

        var stats = await portal.Emulator.GetStatsAsync();
        Assert.Equal(0, stats.Requests);
        Assert.Equal(0, stats.BucketLevel, 9);
    }

    [Fact]
    public async Task An_unknown_control_endpoint_is_404()
    {
        var portal = InProcess();

        var answer = await portal.RawAsync(HttpMethod.Get, "/_emulator/nothing");

        Assert.Equal(HttpStatusCode.NotFound, answer.Status);
        Assert.Equal("NOT_FOUND", answer.Error);
    }

    [Fact]
    public async Task A_user_field_can_be_declared_over_http()
    {
        var portal = InProcess();

        var answer = await portal.RawAsync(HttpMethod.Post, "/_emulator/userfield", """{"entity": "crm.contact", "FIELD_NAME": "SHOE_SIZE", "USER_TYPE_ID": "double", "LABEL": "Shoe size"}""", "application/json");
        var bad = await portal.RawAsync(HttpMethod.Post, "/_emulator/userfield", """{"entity": "crm.contact", "FIELD_NAME": "X", "USER_TYPE_ID": "spaceship"}""", "application/json");
        var fields = (await portal.PostJsonAsync("crm.contact.fields", null)).Result!;

        Assert.Equal("UF_CRM_SHOE_SIZE", (string)answer.Json!["result"]!);
        Assert.Equal("double", (string)fields["UF_CRM_SHOE_SIZE"]!["type"]!);
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Equal("INVALID_USERFIELD", bad.Error);
    }
}
