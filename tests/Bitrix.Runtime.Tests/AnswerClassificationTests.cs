using System.Diagnostics;
using System.Text;

namespace Bitrix.Runtime.Tests;

/// <summary>
/// Answers judged by what they prove: one that is not a whole JSON envelope says nothing about the
/// call (reads are resent, writes become UNKNOWN_OUTCOME), and hostile answers — too large, never
/// ending, nested too deep — fail as a <see cref="BitrixException"/> within the timeout.
/// </summary>
public sealed class AnswerClassificationTests
{
    private const string Webhook = "https://portal.example/rest/1/classifysecret/";

    public static TheoryData<string, string> NotEnvelopes() => new()
    {
        { "{\"result\":{\"ID\":\"1\",\"TITLE\":\"cut he", "application/json" },
        { "", "application/json" },
        { "<!DOCTYPE html><html><body><h1>Sign in to continue</h1></body></html>", "text/html" },
        { "[1,2,3]", "application/json" },
        { "\"result\"", "application/json" },
        { "{\"foo\":1}", "application/json" },
    };

    /// <summary>The first answer is <paramref name="body"/> with 200, every later one a good envelope.</summary>
    private static StubHandler FirstBad(string body, string mediaType, string good = "{\"result\":{\"ID\":\"1\"}}")
    {
        var calls = 0;
        return new StubHandler(_ => Interlocked.Increment(ref calls) == 1
            ? StubHandler.Answer(HttpStatusCode.OK, body, mediaType)
            : StubHandler.Answer(HttpStatusCode.OK, good));
    }

    [Theory]
    [MemberData(nameof(NotEnvelopes))]
    public async Task A_read_answered_with_something_that_is_not_an_envelope_is_sent_again(string body, string mediaType)
    {
        var stub = FirstBad(body, mediaType);
        using var http = new HttpClient(stub);
        await using var client = new BitrixClient(http, Webhook, Fast.Options());

        var result = await client.CallAsync("crm.deal.get", new { id = 1 });

        Assert.Equal("1", result.GetProperty("ID").GetString());
        Assert.Equal(2, stub.Calls);
    }

    [Theory]
    [MemberData(nameof(NotEnvelopes))]
    public async Task A_write_answered_with_something_that_is_not_an_envelope_has_an_unknown_outcome_and_is_not_resent(string body, string mediaType)
    {
        var stub = FirstBad(body, mediaType, good: "{\"result\":5}");
        using var http = new HttpClient(stub);
        await using var client = new BitrixClient(http, Webhook, Fast.Options());

        var e = await Assert.ThrowsAsync<BitrixException>(() => client.CallAsync("crm.deal.add", new { fields = new { TITLE = "x" } }));

        Assert.Equal(BitrixErrorCodes.UnknownOutcome, e.ErrorCode);
        Assert.Equal(BitrixErrorCodes.InvalidResponse, Assert.IsType<BitrixException>(e.InnerException).ErrorCode);
        Assert.Equal(1, stub.Calls);
    }

    [Fact]
    public async Task A_client_error_page_without_an_envelope_stays_final()
    {
        var stub = StubHandler.Always(HttpStatusCode.NotFound, "<html>Not Found</html>", "text/html");
        using var http = new HttpClient(stub);
        await using var client = new BitrixClient(http, Webhook, Fast.Options());

        var e = await Assert.ThrowsAsync<BitrixException>(() => client.CallAsync("crm.deal.get", new { id = 1 }));

        Assert.Equal(BitrixErrorCodes.InvalidResponse, e.ErrorCode);
        Assert.Equal(1, stub.Calls);
    }

    public static TheoryData<FaultKind> NewFaults() => [FaultKind.CutMatchingLength, FaultKind.CutShortLength, FaultKind.EmptyOk, FaultKind.HtmlOk];

    [Theory]
    [MemberData(nameof(NewFaults))]
    public async Task Bulk_reads_through_faulted_batches_come_back_whole(FaultKind kind)
    {
        var options = TestPortal.Options(deals: 300);
        options.FaultRate = 0.4;
        options.FaultKinds = [kind];
        options.Seed = 5;
        await using var portal = TestPortal.Create(options, Fast.Options(o => o.MaxRetries = 20));

        var ids = await portal.Emulator.GetIdsAsync("crm.deal");

        var results = await portal.Client.CallManyAsync("crm.deal.get", ids.Select(i => (object?)new { ID = i }));

        Assert.Equal(ids.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), results.Select(r => r.Result!.Value.GetProperty("ID").GetString()));
        Assert.True((await portal.StatsAsync()).Faults[kind] > 0);
    }

    [Theory]
    [MemberData(nameof(NewFaults))]
    public async Task A_faulted_batch_of_writes_is_unknown_as_a_whole_and_an_origin_check_settles_it(FaultKind kind)
    {
        var options = TestPortal.Options(deals: 0);
        options.FaultRate = 0.4;
        options.FaultKinds = [kind];
        options.Seed = 3;
        await using var portal = TestPortal.Create(options, Fast.Options(o => o.MaxRetries = 20));
        var items = Enumerable.Range(0, 300).Select(i => (JsonObject?)new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = $"w{i}", ["ORIGIN_ID"] = $"o-{i}" } }).ToList();

        var plain = await portal.Client.CallManyAsync("crm.deal.add", items);

        // Never half a batch: the 50 items of a batch share one fate.
        foreach (var batch in plain.Chunk(50))
        {
            Assert.Single(batch.Select(r => r.IsSuccess ? "ok" : r.Error!.Code).Distinct());
        }

        Assert.All(plain, r => Assert.True(r.IsSuccess || r.Error!.Code == BitrixErrorCodes.UnknownOutcome, r.ToString()));
        // Each faulted request was a batch of 50 writes, none resent.
        var unknown = plain.Count(r => !r.IsSuccess);
        var faults = (await portal.StatsAsync()).Faults.GetValueOrDefault(kind);
        Assert.True(faults > 0, "no batch met the fault");
        Assert.Equal(faults * 50, unknown);
        var ran = kind != FaultKind.HtmlOk;
        var rows = await portal.Emulator.GetRowsAsync("crm.deal");
        Assert.Equal(ran ? 300 : 300 - unknown, rows.Count);

        // Again, with a way to look up what ran: nothing unknown, nothing twice.
        await portal.Emulator.ResetAsync();
        var checker = portal.Client;
        var settled = await portal.Client.CallManyAsync("crm.deal.add", items, new BulkCallOptions
        {
            // Resends go one by one and meet the 40 % faults again.
            MaxResends = 12,
            FindExisting = async (item, ct) =>
            {
                var found = await checker.CallAsync("crm.deal.list", new JsonObject { ["filter"] = new JsonObject { ["=ORIGIN_ID"] = (string)item["fields"]!["ORIGIN_ID"]! }, ["select"] = new JsonArray("ID") }, ct);
                return found.GetArrayLength() == 0 ? null : JsonSerializer.SerializeToElement(long.Parse(found[0].GetProperty("ID").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
            },
        });

        Assert.All(settled, r => Assert.True(r.IsSuccess, r.ToString()));
        var after = await portal.Emulator.GetRowsAsync("crm.deal");
        Assert.Equal(300, after.Count);
        Assert.Equal(300, after.Select(r => (string?)r["ORIGIN_ID"]).Distinct().Count());
    }

    [Fact]
    public async Task An_answer_announcing_more_than_the_limit_is_refused_unread_and_not_asked_again()
    {
        var stub = StubHandler.Always(HttpStatusCode.OK, "{\"result\":\"" + new string('x', 5000) + "\"}");
        using var http = new HttpClient(stub);
        await using var client = new BitrixClient(http, Webhook, Fast.Options(o => o.MaxResponseBytes = 1000));

        var e = await Assert.ThrowsAsync<BitrixException>(() => client.CallAsync("crm.deal.get", new { id = 1 }));

        Assert.Equal(BitrixErrorCodes.InvalidResponse, e.ErrorCode);
        Assert.Contains("MaxResponseBytes", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, stub.Calls);
    }

    [Fact]
    public async Task An_endless_answer_without_a_length_stops_at_the_limit()
    {
        var stub = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new EndlessStream(TimeSpan.Zero)) });
        using var http = new HttpClient(stub);
        await using var client = new BitrixClient(http, Webhook, Fast.Options(o => o.MaxResponseBytes = 4 * 1024 * 1024));

        var e = await Assert.ThrowsAsync<BitrixException>(() => client.CallAsync("crm.deal.get", new { id = 1 }));

        Assert.Equal(BitrixErrorCodes.InvalidResponse, e.ErrorCode);
        Assert.Contains("goes on past", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, stub.Calls);
    }

    [Fact]
    public async Task A_write_whose_answer_is_too_large_has_an_unknown_outcome()
    {
        var stub = StubHandler.Always(HttpStatusCode.OK, "{\"result\":\"" + new string('x', 5000) + "\"}");
        using var http = new HttpClient(stub);
        await using var client = new BitrixClient(http, Webhook, Fast.Options(o => o.MaxResponseBytes = 1000));

        var e = await Assert.ThrowsAsync<BitrixException>(() => client.CallAsync("crm.deal.add", new { fields = new { TITLE = "x" } }));

        Assert.Equal(BitrixErrorCodes.UnknownOutcome, e.ErrorCode);
        Assert.Equal(1, stub.Calls);
    }

    [Fact]
    public async Task The_request_timeout_covers_the_body_not_only_the_headers()
    {
        // Headers come after 1.5 s, then the body trickles forever. With a 2.5 s timeout the call
        // must end near 2.5 s; a timeout restarted for the body would end it near 4 s.
        var handler = new SlowHeadersHandler(TimeSpan.FromSeconds(1.5));
        using var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        await using var client = new BitrixClient(http, Webhook, Fast.Options(o => { o.RequestTimeout = TimeSpan.FromSeconds(2.5); o.MaxRetries = 0; }));
        var clock = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<BitrixException>(() => client.CallAsync("crm.deal.get", new { id = 1 }));

        Assert.Equal(BitrixErrorCodes.TransportFailure, e.ErrorCode);
        Assert.Contains("did not end within", e.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3.7), $"ended after {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task An_answer_nested_a_hundred_thousand_deep_is_refused_quickly()
    {
        var body = "{\"result\":" + new string('[', 100_000) + new string(']', 100_000) + "}";
        var stub = StubHandler.Always(HttpStatusCode.OK, body);
        using var http = new HttpClient(stub);
        await using var client = new BitrixClient(http, Webhook, Fast.Options());

        var e = await Assert.ThrowsAsync<BitrixException>(() => client.CallAsync("crm.deal.get", new { id = 1 }));

        Assert.Equal(BitrixErrorCodes.InvalidResponse, e.ErrorCode);
        Assert.Contains("nested deeper", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, stub.Calls);
    }

    /// <summary>Yields spaces forever (a JSON body that never ends), optionally one chunk per pause.</summary>
    private sealed class EndlessStream(TimeSpan pause) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            Array.Fill(buffer, (byte)' ', offset, count);
            return count;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (pause > TimeSpan.Zero)
            {
                await Task.Delay(pause, cancellationToken);
                buffer.Span[0] = (byte)' ';
                return 1;
            }

            buffer.Span.Fill((byte)' ');
            return buffer.Length;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed class SlowHeadersHandler(TimeSpan headerDelay) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await Task.Delay(headerDelay, cancellationToken);
            var content = new StreamContent(new EndlessStream(TimeSpan.FromMilliseconds(50)));
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = Encoding.UTF8.WebName };
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request };
        }
    }
}
