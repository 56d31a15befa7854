using Microsoft.Extensions.Time.Testing;

namespace Bitrix.Emulator.Tests.Limits;

/// <summary>
/// The per-method operating budget (docs/protocol.md §5, limits.md): a tiny limit and large modelled
/// costs drive one method past it; that method gets 429 until <c>operating_reset_at</c>, others
/// go on; <c>time.operating</c> and <c>operating_reset_at</c> tell the truth.
/// </summary>
public sealed class OperatingBudgetTests : PortalTestBase
{
    private const string Blocked = """{"error":"OPERATION_TIME_LIMIT","error_description":"Method is blocked due to operation time limit."}""";

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2025, 3, 10, 9, 0, 20, TimeSpan.Zero));

    [Fact]
    public async Task A_method_past_its_limit_gets_429_and_other_methods_go_on()
    {
        var portal = Portal();

        var first = await GetDealAsync(portal);
        var second = await GetDealAsync(portal);
        var blocked = await GetDealAsync(portal);
        var otherMethod = await GetLeadAsync(portal);
        var sameEntityOtherMethod = await portal.PostJsonAsync("crm.deal.list", new { select = new[] { "ID" } });

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.Status);
        Assert.Equal(Blocked, blocked.Text);
        Assert.Equal(HttpStatusCode.OK, otherMethod.Status);
        Assert.Equal(HttpStatusCode.OK, sameEntityOtherMethod.Status);
        Assert.Equal(1, (await portal.Emulator.GetStatsAsync()).Rejected429);
    }

    [Fact]
    public async Task Time_reports_the_seconds_used_and_when_the_oldest_basket_expires()
    {
        var portal = Portal();
        var firstCall = _clock.GetUtcNow();

        var first = await GetDealAsync(portal);
        _clock.Advance(TimeSpan.FromSeconds(30));
        var second = await GetDealAsync(portal);

        Assert.Equal(0.6, (double)first.Json!["time"]!["operating"]!, 6);
        Assert.Equal(1.2, (double)second.Json!["time"]!["operating"]!, 6);
        Assert.Equal(firstCall.AddMinutes(10).ToUnixTimeSeconds(), (long)first.Json!["time"]!["operating_reset_at"]!);
        Assert.Equal(firstCall.AddMinutes(10).ToUnixTimeSeconds(), (long)second.Json!["time"]!["operating_reset_at"]!);
    }

    [Fact]
    public async Task A_blocked_method_is_accepted_again_at_operating_reset_at()
    {
        var portal = Portal();
        await GetDealAsync(portal);
        var last = await GetDealAsync(portal);
        var resetAt = DateTimeOffset.FromUnixTimeSeconds((long)last.Json!["time"]!["operating_reset_at"]!);

        _clock.SetUtcNow(resetAt.AddSeconds(-1));
        var stillBlocked = await GetDealAsync(portal);
        _clock.SetUtcNow(resetAt);
        var accepted = await GetDealAsync(portal);

        Assert.Equal(HttpStatusCode.TooManyRequests, stillBlocked.Status);
        Assert.Equal(HttpStatusCode.OK, accepted.Status);
        Assert.Equal(0.6, (double)accepted.Json!["time"]!["operating"]!, 6);
    }

    [Fact]
    public async Task Only_the_oldest_basket_expires_and_later_ones_keep_counting()
    {
        var options = Options();
        options.OperatingLimitSeconds = 1.5;
        var portal = InProcess(options);
        var start = _clock.GetUtcNow();

        await GetDealAsync(portal);
        _clock.Advance(TimeSpan.FromMinutes(2));
        await GetDealAsync(portal);
        var third = await GetDealAsync(portal);
        var blocked = await GetDealAsync(portal);
        _clock.SetUtcNow(start.AddMinutes(10));
        var accepted = await GetDealAsync(portal);

        Assert.Equal(1.8, (double)third.Json!["time"]!["operating"]!, 6);
        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.Status);
        Assert.Equal(HttpStatusCode.OK, accepted.Status);
        Assert.Equal(1.8, (double)accepted.Json!["time"]!["operating"]!, 6);
        Assert.Equal(start.AddMinutes(12).ToUnixTimeSeconds(), (long)accepted.Json!["time"]!["operating_reset_at"]!);
    }

    [Fact]
    public async Task Refused_calls_are_not_charged()
    {
        var portal = Portal();
        await GetDealAsync(portal);
        await GetDealAsync(portal);

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, (await GetDealAsync(portal)).Status);
        }

        var stats = await portal.Emulator.GetStatsAsync();
        Assert.Equal(1.2, stats.OperatingSecondsByMethod["crm.deal.get"], 6);
        Assert.Equal(5, stats.Rejected429);
    }

    [Fact]
    public async Task Inside_a_batch_only_the_blocked_methods_commands_fail()
    {
        var portal = Portal();
        await GetDealAsync(portal);
        await GetDealAsync(portal);

        var deals = await portal.IdsAsync("crm.deal");

        var answer = await portal.BatchAsync(new Dictionary<string, string>
        {
            ["deal"] = $"crm.deal.get?id={deals[1]}",
            ["lead"] = $"crm.lead.get?id={await portal.IdAsync("crm.lead", 1)}",
            ["deal2"] = $"crm.deal.get?id={deals[2]}",
        });

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var result = answer.Result!;
        Assert.Equal(["lead"], result["result"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["deal", "deal2"], result["result_error"]!.AsObject().Select(p => p.Key));
        Assert.All(result["result_error"]!.AsObject(), p => Assert.Equal("OPERATION_TIME_LIMIT", (string)p.Value!["error"]!));
    }

    [Fact]
    public async Task Batch_commands_are_charged_and_can_block_their_method_mid_batch()
    {
        var portal = Portal();
        var deals = await portal.IdsAsync("crm.deal");

        var answer = await portal.BatchAsync(new[] { $"crm.deal.get?id={deals[0]}", $"crm.deal.get?id={deals[1]}", $"crm.deal.get?id={deals[2]}", $"crm.lead.get?id={await portal.IdAsync("crm.lead", 0)}" });

        var result = answer.Result!;
        Assert.Equal(["0", "1", "3"], result["result"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["2"], result["result_error"]!.AsObject().Select(p => p.Key));
        Assert.Equal(1.2, (double)result["result_time"]!["1"]!["operating"]!, 6);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await GetDealAsync(portal)).Status);
    }

    [Fact]
    public async Task The_limit_counts_modelled_seconds_of_list_pages()
    {
        var options = Options();
        options.Cost = new CostModel { ListBaseSeconds = 0.3, PerRowSeconds = 0.01, PerCountedRowSeconds = 0 };
        var portal = InProcess(options);

        var page = await portal.PostJsonAsync("crm.deal.list", new { select = new[] { "ID" }, start = -1 });
        var blocked = await portal.PostJsonAsync("crm.deal.list", new { select = new[] { "ID" }, start = -1 });

        Assert.Equal(0.8, (double)page.Json!["time"]!["operating"]!, 6);
        Assert.Equal(HttpStatusCode.OK, blocked.Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await portal.PostJsonAsync("crm.deal.list", new { select = new[] { "ID" } })).Status);
    }

    [Fact]
    public async Task Operating_is_per_method_in_every_answer()
    {
        var portal = Portal();
        await GetDealAsync(portal);

        var lead = await GetLeadAsync(portal);

        Assert.Equal(0.6, (double)lead.Json!["time"]!["operating"]!, 6);
    }

    private EmulatorOptions Options()
    {
        var options = Small();
        options.TimeProvider = _clock;
        options.OperatingLimitSeconds = 1;
        options.Cost = new CostModel { ReadSeconds = 0.6, WriteSeconds = 0.6, ListBaseSeconds = 0.6 };
        return options;
    }

    private PortalClient Portal() => InProcess(Options());

    private static async Task<Answer> GetDealAsync(PortalClient portal) => await portal.PostJsonAsync("crm.deal.get", new { id = await portal.IdAsync("crm.deal", 0) });

    private static async Task<Answer> GetLeadAsync(PortalClient portal) => await portal.PostJsonAsync("crm.lead.get", new { id = await portal.IdAsync("crm.lead", 0) });
}
