using Microsoft.Extensions.Time.Testing;

namespace Bitrix.Runtime.Tests;

/// <summary>
/// What each refusal costs a call: OVERLOAD_LIMIT one long pause and then the error, QUERY_LIMIT_EXCEEDED
/// and OPERATION_TIME_LIMIT a resend (writes included, as the server ran nothing) up to a bound, and a
/// transient failure a backoff that progress reports name.
/// </summary>
public sealed class RefusalResendTests
{
    private const string Webhook = "https://example.bitrix24.com/rest/1/abc123/";
    private const string Ok = """{"result":{"ID":"7"},"time":{"start":1,"finish":1.01,"duration":0.01,"processing":0.01}}""";
    private const string Overload = """{"error":"OVERLOAD_LIMIT","error_description":"REST API is blocked due to overload."}""";
    private const string QueryLimit = """{"error":"QUERY_LIMIT_EXCEEDED","error_description":"Too many requests"}""";
    private const string OperatingLimit = """{"error":"OPERATION_TIME_LIMIT","error_description":"Method is blocked due to operation time limit."}""";

    /// <summary>Answers the first <paramref name="refusals"/> requests with <paramref name="refusal"/>, the rest with a success.</summary>
    private static StubHandler RefusingFirst(int refusals, HttpStatusCode status, string refusal)
    {
        var calls = 0;
        return new StubHandler(_ => Interlocked.Increment(ref calls) <= refusals
            ? StubHandler.Answer(status, refusal)
            : StubHandler.Answer(HttpStatusCode.OK, Ok));
    }

    /// <summary>Lets the call reach its wait (real time passes; the fake clock does not).</summary>
    private static Task SettleAsync() => Task.Delay(300);

    [Fact]
    public async Task An_overload_block_gets_one_pause_of_the_configured_length_shown_as_backoff_then_the_call_is_resent()
    {
        var stub = RefusingFirst(1, HttpStatusCode.ServiceUnavailable, Overload);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var http = new HttpClient(stub);
        await using var bx = new BitrixClient(http, Webhook, Fast.Options(o =>
        {
            o.TimeProvider = clock;
            o.OverloadPause = TimeSpan.FromMinutes(2);
        }));

        var call = bx.CallAsync("crm.deal.get", new JsonObject { ["ID"] = 7 });
        await SettleAsync();
        var reasonDuringPause = bx.CurrentWaitReason;
        var callsDuringPause = stub.Calls;
        clock.Advance(TimeSpan.FromSeconds(119));
        await SettleAsync();
        var doneBeforeThePauseEnded = call.IsCompleted;
        clock.Advance(TimeSpan.FromSeconds(2));
        var result = await call.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("backoff", reasonDuringPause);
        Assert.Equal(1, callsDuringPause);
        Assert.False(doneBeforeThePauseEnded, "the call was resent before the overload pause was over");
        Assert.Equal("7", result.GetProperty("ID").GetString());
        Assert.Equal(2, stub.Calls);
        Assert.Null(bx.CurrentWaitReason);
    }

    [Fact]
    public async Task A_second_overload_after_the_pause_is_the_callers_error()
    {
        var stub = StubHandler.Always(HttpStatusCode.ServiceUnavailable, Overload);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var http = new HttpClient(stub);
        await using var bx = new BitrixClient(http, Webhook, Fast.Options(o =>
        {
            o.TimeProvider = clock;
            o.OverloadPause = TimeSpan.FromMinutes(1);
        }));

        var call = bx.CallAsync("crm.deal.get", new JsonObject { ["ID"] = 7 });
        await SettleAsync();
        clock.Advance(TimeSpan.FromMinutes(1));

        var e = await Assert.ThrowsAsync<BitrixException>(() => call.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(BitrixErrorCodes.OverloadLimit, e.ErrorCode);
        Assert.Equal(2, stub.Calls);
    }

    [Fact]
    public async Task A_write_refused_by_the_bucket_is_resent_until_it_goes_through()
    {
        var stub = RefusingFirst(3, HttpStatusCode.ServiceUnavailable, QueryLimit);
        using var http = new HttpClient(stub);
        await using var bx = new BitrixClient(http, Webhook, Fast.Options());

        var result = await bx.CallAsync("crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = "t" } });

        Assert.Equal("7", result.GetProperty("ID").GetString());
        Assert.Equal(4, stub.Calls);
    }

    [Fact]
    public async Task Bucket_refusals_are_resent_a_hundred_times_and_then_the_refusal_is_the_error()
    {
        var stub = StubHandler.Always(HttpStatusCode.ServiceUnavailable, QueryLimit);
        using var http = new HttpClient(stub);
        await using var bx = new BitrixClient(http, Webhook, Fast.Options(o => o.MaxRetries = 0));

        var e = await Assert.ThrowsAsync<BitrixException>(() => bx.CallAsync("crm.deal.get", new JsonObject { ["ID"] = 7 }));

        Assert.Equal(BitrixErrorCodes.QueryLimitExceeded, e.ErrorCode);
        Assert.Equal(101, stub.Calls);
    }

    [Fact]
    public async Task A_write_refused_for_operating_time_waits_for_the_methods_reset_then_is_resent_once()
    {
        var stub = RefusingFirst(1, (HttpStatusCode)429, OperatingLimit);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var http = new HttpClient(stub);
        await using var bx = new BitrixClient(http, Webhook, Fast.Options(o => o.TimeProvider = clock));

        var call = bx.CallAsync("crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = "t" } });
        await SettleAsync();
        var reasonWhileBlocked = bx.CurrentWaitReason;
        var callsWhileBlocked = stub.Calls;
        clock.Advance(TimeSpan.FromSeconds(12));
        var result = await call.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("operating budget", reasonWhileBlocked);
        Assert.Equal(1, callsWhileBlocked);
        Assert.Equal("7", result.GetProperty("ID").GetString());
        Assert.Equal(2, stub.Calls);
    }

    [Fact]
    public async Task A_read_waiting_to_be_retried_after_a_transient_failure_shows_backoff()
    {
        var stub = RefusingFirst(1, HttpStatusCode.BadGateway, "<html>bad gateway</html>");
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var http = new HttpClient(stub);
        await using var bx = new BitrixClient(http, Webhook, Fast.Options(o =>
        {
            o.TimeProvider = clock;
            o.RetryBaseDelay = TimeSpan.FromSeconds(20);
        }));

        var call = bx.CallAsync("crm.deal.get", new JsonObject { ["ID"] = 7 });
        await SettleAsync();
        var reasonDuringBackoff = bx.CurrentWaitReason;
        var callsDuringBackoff = stub.Calls;
        clock.Advance(TimeSpan.FromSeconds(31));
        var result = await call.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("backoff", reasonDuringBackoff);
        Assert.Equal(1, callsDuringBackoff);
        Assert.Equal("7", result.GetProperty("ID").GetString());
        Assert.Null(bx.CurrentWaitReason);
    }
}
