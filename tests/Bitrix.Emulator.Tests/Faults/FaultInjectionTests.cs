using Microsoft.Extensions.Time.Testing;

namespace Bitrix.Emulator.Tests.Faults;

/// <summary>
/// Injected faults, one kind at a time with FaultRate 1, in memory and over real sockets: what
/// the client sees, whether the write ran (checked through <c>/_emulator/ids</c>), and the counts.
/// </summary>
public sealed class FaultInjectionTests : PortalTestBase
{
    public static TheoryData<FaultKind, bool> KindsAndHosts()
    {
        var data = new TheoryData<FaultKind, bool>();
        foreach (var kind in Enum.GetValues<FaultKind>())
        {
            data.Add(kind, false);
            data.Add(kind, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(KindsAndHosts))]
    public async Task Each_fault_kind_shows_the_client_its_symptom_and_runs_the_write_or_not(FaultKind kind, bool overLoopback)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = Small();
        options.FaultRate = 1;
        options.FaultKinds = [kind];
        options.SlowDelay = TimeSpan.FromMinutes(5);
        options.TimeProvider = clock;
        var (emulator, http) = await StartAsync(options, overLoopback, TimeSpan.FromSeconds(2));
        var before = await IdsOverHttpAsync(emulator);

        var outcome = await SendAddAsync(emulator, http);

        var after = await IdsOverHttpAsync(emulator);
        var ran = after.Count == before.Count + 1;
        switch (kind)
        {
            case FaultKind.InternalError:
                Assert.Equal(500, outcome.Status);
                Assert.Equal("application/json", outcome.MediaType);
                Assert.Equal("INTERNAL_SERVER_ERROR", (string?)JsonNode.Parse(outcome.Body!)!["error"]);
                Assert.False(ran);
                break;
            case FaultKind.BadGatewayHtml:
                Assert.Equal(502, outcome.Status);
                Assert.Equal("text/html", outcome.MediaType);
                Assert.Contains("502 Bad Gateway", outcome.Body, StringComparison.Ordinal);
                Assert.True(ran);
                break;
            case FaultKind.ServiceUnavailable:
                Assert.Equal(503, outcome.Status);
                Assert.Equal("text/html", outcome.MediaType);
                Assert.Contains("503 Service Temporarily Unavailable", outcome.Body, StringComparison.Ordinal);
                Assert.False(ran);
                break;
            case FaultKind.Reset:
                Assert.IsAssignableFrom<HttpRequestException>(outcome.Exception);
                Assert.False(ran);
                break;
            case FaultKind.Truncate:
                Assert.True(outcome.Exception is HttpRequestException or IOException, $"a broken body, not {outcome}");
                Assert.True(ran);
                break;
            case FaultKind.Slow:
                Assert.IsAssignableFrom<TaskCanceledException>(outcome.Exception);
                Assert.True(ran);
                break;
            case FaultKind.CutMatchingLength:
            case FaultKind.CutShortLength:
                // A whole HTTP answer (no transport error) whose JSON stops part way.
                Assert.Null(outcome.Exception);
                Assert.Equal(200, outcome.Status);
                Assert.Equal("application/json", outcome.MediaType);
                Assert.StartsWith("{", outcome.Body, StringComparison.Ordinal);
                Assert.ThrowsAny<System.Text.Json.JsonException>(() => JsonNode.Parse(outcome.Body!));
                Assert.True(ran);
                break;
            case FaultKind.EmptyOk:
                Assert.Null(outcome.Exception);
                Assert.Equal(200, outcome.Status);
                Assert.Equal(string.Empty, outcome.Body);
                Assert.True(ran);
                break;
            case FaultKind.HtmlOk:
                Assert.Equal(200, outcome.Status);
                Assert.Equal("text/html", outcome.MediaType);
                Assert.Contains("Sign in", outcome.Body, StringComparison.Ordinal);
                Assert.False(ran);
                break;
            default:
                Assert.Fail($"no expectation for {kind}");
                break;
        }

        var stats = await emulator.GetStatsAsync();
        Assert.Equal(1, stats.Faults[kind]);
        Assert.Equal(1, stats.Faults.Values.Sum());
        Assert.Equal(0, stats.InternalFailures);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_slow_answer_arrives_whole_once_the_delay_has_passed(bool overLoopback)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = Small();
        options.FaultRate = 1;
        options.FaultKinds = [FaultKind.Slow];
        options.SlowDelay = TimeSpan.FromSeconds(30);
        options.TimeProvider = clock;
        var (emulator, http) = await StartAsync(options, overLoopback, TimeSpan.FromMinutes(1));

        var id = (await emulator.GetIdsAsync("crm.deal"))[2];
        var pending = http.GetAsync(new Uri(emulator.WebhookUrl, $"crm.deal.get?id={id}"));
        while (!pending.IsCompleted)
        {
            clock.Advance(TimeSpan.FromSeconds(30));
            await Task.WhenAny(pending, Task.Delay(20));
        }

        using var response = await pending;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(id.ToString(CultureInfo.InvariantCulture), (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["result"]!["ID"]);
    }

    [Fact]
    public async Task Faults_touch_only_rest_calls_not_the_control_endpoints()
    {
        var options = Small();
        options.FaultRate = 1;
        options.FaultKinds = [FaultKind.InternalError];
        var portal = InProcess(options);

        var stats = await portal.RawAsync(HttpMethod.Get, "/_emulator/stats");
        var ids = await portal.RawAsync(HttpMethod.Get, "/_emulator/ids?entity=crm.deal");

        Assert.Equal(HttpStatusCode.OK, stats.Status);
        Assert.Equal(HttpStatusCode.OK, ids.Status);
    }

    [Fact]
    public async Task A_fault_rate_injects_a_seeded_repeatable_mix_and_counts_every_fault()
    {
        var options = Small();
        options.FaultRate = 0.5;
        options.FaultKinds = [FaultKind.InternalError, FaultKind.BadGatewayHtml, FaultKind.ServiceUnavailable];
        options.BucketCapacity = 1000;
        var portal = InProcess(options);

        var first = await StatusesAsync(portal, 40);
        var stats = await portal.Emulator.GetStatsAsync();
        await portal.Emulator.ResetAsync();
        var again = await StatusesAsync(portal, 40);

        Assert.Equal(first, again);
        Assert.Contains(200, first);
        Assert.Contains(500, first);
        Assert.Contains(502, first);
        Assert.Contains(503, first);
        Assert.Equal(first.Count(s => s != 200), stats.Faults.Values.Sum());
        Assert.Equal(first.Count(s => s == 502), stats.Faults[FaultKind.BadGatewayHtml]);
        Assert.Equal(first.Count(s => s == 502), stats.AnswersByStatus[502]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_short_content_length_cuts_more_than_a_matching_one_and_both_keep_the_head_of_the_answer(bool overLoopback)
    {
        var full = await BodyLengthAsync(null, overLoopback);
        var matching = await BodyLengthAsync(FaultKind.CutMatchingLength, overLoopback);
        var shorter = await BodyLengthAsync(FaultKind.CutShortLength, overLoopback);

        Assert.Equal(full / 2, matching);
        Assert.Equal(full / 3, shorter);
    }

    private async Task<int> BodyLengthAsync(FaultKind? kind, bool overLoopback)
    {
        var options = Small();
        options.FaultRate = kind is null ? 0 : 1;
        options.FaultKinds = kind is { } k ? [k] : [];
        options.TimeProvider = new FakeTimeProvider(new DateTimeOffset(2026, 1, 5, 10, 0, 0, TimeSpan.Zero));
        var (emulator, http) = await StartAsync(options, overLoopback, TimeSpan.FromSeconds(10));
        using var response = await http.GetAsync(new Uri(emulator.WebhookUrl, "crm.deal.list?select[]=ID&select[]=TITLE"));
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        return body.Length;
    }

    [Fact]
    public async Task No_fault_kinds_means_every_kind()
    {
        var options = Small();
        options.FaultRate = 1;
        options.SlowDelay = TimeSpan.Zero;
        options.BucketCapacity = 1000;
        var emulator = Track(new BitrixEmulator(options));
        using var http = new HttpClient(emulator.CreateHandler());

        for (var i = 0; i < 120; i++)
        {
            await SendAddAsync(emulator, http);
        }

        var stats = await emulator.GetStatsAsync();
        Assert.Equal(Enum.GetValues<FaultKind>().ToHashSet(), stats.Faults.Keys.ToHashSet());
        Assert.Equal(120, stats.Faults.Values.Sum());
    }

    private async Task<(BitrixEmulator Emulator, HttpClient Http)> StartAsync(EmulatorOptions options, bool overLoopback, TimeSpan timeout)
    {
        var emulator = Track(overLoopback ? await BitrixEmulator.StartAsync(options) : new BitrixEmulator(options));
        var http = overLoopback ? new HttpClient() : new HttpClient(emulator.CreateHandler());
        http.Timeout = timeout;
        return (emulator, http);
    }

    private static async Task<Outcome> SendAddAsync(BitrixEmulator emulator, HttpClient http)
    {
        try
        {
            using var content = new StringContent("""{"fields": {"TITLE": "fault"}}""", Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(new Uri(emulator.WebhookUrl, "crm.deal.add"), content);
            return new Outcome((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync(), null);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
        {
            return new Outcome(0, null, null, e);
        }
    }

    private static async Task<IReadOnlyList<long>> IdsOverHttpAsync(BitrixEmulator emulator)
    {
        using var http = emulator.BaseAddress.Host == "portal.emulator" ? new HttpClient(emulator.CreateHandler()) : new HttpClient();
        var json = JsonNode.Parse(await http.GetStringAsync(new Uri(emulator.BaseAddress, "/_emulator/ids?entity=crm.deal")))!;
        var ids = json["ids"]!.AsArray().Select(i => (long)i!).ToList();
        Assert.Equal(ids.Count, (int)json["count"]!);
        Assert.Equal(ids, await emulator.GetIdsAsync("crm.deal"));
        return ids;
    }

    private static async Task<List<int>> StatusesAsync(PortalClient portal, int count)
    {
        var statuses = new List<int>();
        var get = $"crm.deal.get?id={await portal.IdAsync("crm.deal", 0)}";
        for (var i = 0; i < count; i++)
        {
            statuses.Add((int)(await portal.GetAsync(get)).Status);
        }

        return statuses;
    }

    private sealed record Outcome(int Status, string? MediaType, string? Body, Exception? Exception);
}
