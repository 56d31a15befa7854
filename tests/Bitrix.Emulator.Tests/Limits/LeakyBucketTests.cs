using Microsoft.Extensions.Time.Testing;

namespace Bitrix.Emulator.Tests.Limits;

/// <summary>The leaky bucket (docs/protocol.md §5) on a fake clock: X accepted, then 503; drains Y per second continuously; refusals are not counted.</summary>
public sealed class LeakyBucketTests : PortalTestBase
{
    private const string Refusal = """{"error":"QUERY_LIMIT_EXCEEDED","error_description":"Too many requests"}""";

    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public async Task Fifty_requests_are_accepted_and_the_next_gets_503_with_the_documented_body()
    {
        var portal = Portal();

        await AssertAcceptedAsync(portal, 50);
        var refused = await CallAsync(portal);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.Status);
        Assert.Equal("application/json", refused.MediaType);
        Assert.Equal(Refusal, refused.Text);
    }

    [Fact]
    public async Task After_half_a_second_exactly_one_more_request_is_accepted()
    {
        var portal = Portal();
        await AssertAcceptedAsync(portal, 50);

        _clock.Advance(TimeSpan.FromSeconds(0.5));
        var accepted = await CallAsync(portal);
        var refused = await CallAsync(portal);

        Assert.Equal(HttpStatusCode.OK, accepted.Status);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.Status);
    }

    [Fact]
    public async Task The_counter_drains_continuously_and_refuses_at_the_limit_itself()
    {
        var portal = Portal();
        await AssertAcceptedAsync(portal, 50);

        _clock.Advance(TimeSpan.FromSeconds(0.25));
        var atFortyNineAndAHalf = await CallAsync(portal);
        _clock.Advance(TimeSpan.FromSeconds(0.25));
        var atFifty = await CallAsync(portal);

        Assert.Equal(HttpStatusCode.OK, atFortyNineAndAHalf.Status);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, atFifty.Status);
    }

    [Fact]
    public async Task Refused_requests_are_not_counted()
    {
        var portal = Portal();
        await AssertAcceptedAsync(portal, 50);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await CallAsync(portal)).Status);
        }

        _clock.Advance(TimeSpan.FromSeconds(0.5));

        Assert.Equal(HttpStatusCode.OK, (await CallAsync(portal)).Status);
        var stats = await portal.Emulator.GetStatsAsync();
        Assert.Equal(20, stats.Rejected503);
        Assert.Equal(50, stats.BucketLevel, 9);
    }

    [Fact]
    public async Task A_drained_bucket_accepts_a_full_burst_again()
    {
        var portal = Portal();
        await AssertAcceptedAsync(portal, 50);

        _clock.Advance(TimeSpan.FromSeconds(25));

        await AssertAcceptedAsync(portal, 50);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await CallAsync(portal)).Status);
    }

    [Fact]
    public async Task Two_requests_a_second_are_never_refused()
    {
        var portal = Portal();
        await AssertAcceptedAsync(portal, 50);

        for (var i = 0; i < 40; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(0.5));
            Assert.Equal(HttpStatusCode.OK, (await CallAsync(portal)).Status);
        }
    }

    [Fact]
    public async Task The_enterprise_plan_accepts_250_and_drains_5_a_second()
    {
        var options = Options();
        options.Plan = EmulatorPlan.Enterprise;
        var portal = InProcess(options);

        await AssertAcceptedAsync(portal, 250);
        var refused = await CallAsync(portal);
        _clock.Advance(TimeSpan.FromSeconds(0.2));
        var accepted = await CallAsync(portal);
        var refusedAgain = await CallAsync(portal);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.Status);
        Assert.Equal(HttpStatusCode.OK, accepted.Status);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refusedAgain.Status);
    }

    [Fact]
    public async Task Explicit_capacity_and_drain_override_the_plan()
    {
        var options = Options();
        options.Plan = EmulatorPlan.Enterprise;
        options.BucketCapacity = 3;
        options.DrainPerSecond = 1;
        var portal = InProcess(options);

        await AssertAcceptedAsync(portal, 3);
        var refused = await CallAsync(portal);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var accepted = await CallAsync(portal);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.Status);
        Assert.Equal(HttpStatusCode.OK, accepted.Status);
    }

    [Fact]
    public async Task Requests_that_end_in_a_method_error_still_count()
    {
        var portal = Portal();
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await portal.PostJsonAsync("crm.deal.get", new { id = 999_999 })).Status);
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await CallAsync(portal)).Status);
    }

    [Fact]
    public async Task The_refusal_comes_before_the_method_runs()
    {
        var portal = Portal();
        await AssertAcceptedAsync(portal, 50);
        var before = await portal.Emulator.GetIdsAsync("crm.deal");

        var refused = await portal.PostJsonAsync("crm.deal.add", new { fields = new { TITLE = "refused" } });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.Status);
        Assert.Equal(before, await portal.Emulator.GetIdsAsync("crm.deal"));
    }

    private EmulatorOptions Options()
    {
        var options = Small();
        options.TimeProvider = _clock;
        return options;
    }

    private PortalClient Portal() => InProcess(Options());

    private static async Task<Answer> CallAsync(PortalClient portal) => await portal.PostJsonAsync("crm.deal.get", new { id = await portal.IdAsync("crm.deal", 0) });

    private static async Task AssertAcceptedAsync(PortalClient portal, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var answer = await CallAsync(portal);
            Assert.True(answer.Status == HttpStatusCode.OK, $"request {i + 1} of {count}: {(int)answer.Status} {answer.Text}");
        }
    }
}
