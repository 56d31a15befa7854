using System.Diagnostics;
using System.Text;
using Bitrix.Transport;

namespace Bitrix.Runtime.Tests;

/// <summary>The server cannot push the client past its bounds: failed lookups, far waits, slow answers, bad bytes, echoed codes.</summary>
public sealed class BoundsTests
{
    private const string Code = "Hq7Lm2Xc9Vb4Nz8K";

    private static HttpResponseMessage Html(HttpStatusCode status) => StubHandler.Answer(status, "<html><body>Bad gateway</body></html>", "text/html");

    [Fact]
    public async Task A_lookup_that_fails_leaves_its_item_unknown_and_the_others_keep_their_results()
    {
        // The batch's answer is lost (502): all three adds may or may not have run.
        var stub = new StubHandler(_ => Html(HttpStatusCode.BadGateway));
        using var http = new HttpClient(stub);
        await using var client = new BitrixClient(http, "https://portal.example/rest/1/code/", Fast.Options());
        var items = Enumerable.Range(0, 3).Select(i => (JsonObject?)new JsonObject { ["fields"] = new JsonObject { ["ORIGIN_ID"] = $"o{i}" } }).ToList();
        var looked = new List<string>();
        var options = new BulkCallOptions
        {
            FindExisting = (item, _) =>
            {
                var origin = (string)item["fields"]!["ORIGIN_ID"]!;
                lock (looked)
                {
                    looked.Add(origin);
                }

                return origin switch
                {
                    "o0" => throw new BitrixException(BitrixErrorCodes.TransportFailure, "lookup connection reset"),
                    "o1" => Task.FromException<JsonElement?>(new InvalidOperationException("lookup store is down")),
                    _ => Task.FromResult<JsonElement?>(JsonSerializer.SerializeToElement(42)),
                };
            },
        };

        var results = await client.CallManyAsync("crm.deal.add", items, options);

        Assert.Equal(3, results.Count);
        Assert.Equal(BitrixErrorCodes.UnknownOutcome, results[0].Error!.Code);
        Assert.Contains("Checking whether it ran failed: TRANSPORT_FAILURE: lookup connection reset", results[0].Error!.Description, StringComparison.Ordinal);
        Assert.Equal(BitrixErrorCodes.UnknownOutcome, results[1].Error!.Code);
        Assert.Contains("InvalidOperationException: lookup store is down", results[1].Error!.Description, StringComparison.Ordinal);
        Assert.Equal(1, CountOf(results[1].Error!.Description, "Checking whether it ran failed"));
        Assert.Equal(42, results[2].Result!.Value.GetInt32());
        Assert.Equal(1, stub.Calls); // nothing was resent blindly
        Assert.Contains("o0", looked);
        Assert.Contains("o2", looked);
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    [Theory]
    [InlineData("1e300")]
    [InlineData("9223372036854775807")]
    [InlineData("\"99999999999999\"")]
    public async Task A_reset_time_far_in_the_future_fails_the_next_call_with_a_typed_error_at_once(string resetAt)
    {
        var stub = new StubHandler(_ => StubHandler.Answer(HttpStatusCode.OK, $$$"""{"result":[],"time":{"start":1,"operating":1000,"operating_reset_at":{{{resetAt}}}}}"""));
        using var http = new HttpClient(stub);
        await using var client = new BitrixClient(http, "https://portal.example/rest/1/code/", Fast.Options());
        await client.CallAsync("crm.deal.list");

        var watch = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<BitrixException>(() => client.CallAsync("crm.deal.list"));

        Assert.Equal(BitrixErrorCodes.ServerWaitTooLong, e.ErrorCode);
        Assert.Contains("MaxServerWait", e.Message, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        Assert.Equal(1, stub.Calls);
    }

    [Fact]
    public async Task A_reset_an_hour_ahead_is_not_waited_for_and_the_block_is_cut_to_the_longest_wait()
    {
        var answers = 0;
        var stub = new StubHandler(_ =>
        {
            var reset = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
            return Interlocked.Increment(ref answers) == 1
                ? StubHandler.Answer(HttpStatusCode.OK, $$$"""{"result":[],"time":{"start":1,"operating":1000,"operating_reset_at":{{{reset}}}}}""")
                : StubHandler.Answer(HttpStatusCode.OK, """{"result":[{"ID":"1"}],"time":{"start":1,"operating":1}}""");
        });
        using var http = new HttpClient(stub);
        await using var client = new BitrixClient(http, "https://portal.example/rest/1/code/", Fast.Options(o => o.MaxServerWait = TimeSpan.FromSeconds(1)));
        await client.CallAsync("crm.deal.list");

        var e = await Assert.ThrowsAsync<BitrixException>(() => client.CallAsync("crm.deal.list"));
        var watch = Stopwatch.StartNew();
        var later = await client.CallAsync("crm.deal.list");

        Assert.Equal(BitrixErrorCodes.ServerWaitTooLong, e.ErrorCode);
        Assert.Matches(@"for 3(59\d|600) s", e.Message);
        Assert.Equal(1, later.GetArrayLength());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"the later call waited {watch.Elapsed}");
        Assert.Equal(2, stub.Calls);
    }

    [Fact]
    public void A_longest_wait_beyond_what_a_timer_takes_is_refused_up_front()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => BitrixClient.FromWebhook("https://portal.example/rest/1/code/", new BitrixClientOptions { MaxServerWait = TimeSpan.FromDays(60) }));

        Assert.Equal("MaxServerWait", e.ParamName);
    }

    [Fact]
    public async Task A_read_against_a_server_that_never_answers_ends_at_the_call_timeout_not_after_every_retry()
    {
        var hanging = new HangingHandler();
        using var http = new HttpClient(hanging);
        await using var client = new BitrixClient(http, "https://portal.example/rest/1/code/", Fast.Options(o =>
        {
            o.RequestTimeout = TimeSpan.FromSeconds(30);
            o.MaxRetries = 5;
            o.CallTimeout = TimeSpan.FromMilliseconds(700);
        }));

        var watch = Stopwatch.StartNew();
        var read = await Assert.ThrowsAsync<BitrixException>(() => client.CallAsync("crm.deal.get", new JsonObject { ["id"] = 1 }));
        var readTook = watch.Elapsed;
        var write = await Assert.ThrowsAsync<BitrixException>(() => client.CallAsync("crm.deal.add", new JsonObject { ["fields"] = new JsonObject() }));

        Assert.Equal(BitrixErrorCodes.CallTimeout, read.ErrorCode);
        Assert.True(readTook < TimeSpan.FromSeconds(5), $"took {readTook}");
        Assert.Equal(BitrixErrorCodes.UnknownOutcome, write.ErrorCode);
        Assert.Contains("call timeout", write.Message, StringComparison.Ordinal);
        Assert.Equal(2, hanging.Calls);
    }

    [Fact]
    public async Task The_call_timeout_spans_retries()
    {
        var stub = new StubHandler(_ => Html(HttpStatusCode.BadGateway));
        using var http = new HttpClient(stub);
        await using var client = new BitrixClient(http, "https://portal.example/rest/1/code/", Fast.Options(o =>
        {
            o.MaxRetries = 50;
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(200);
            o.CallTimeout = TimeSpan.FromSeconds(1);
        }));

        var watch = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<BitrixException>(() => client.CallAsync("crm.deal.get", new JsonObject { ["id"] = 1 }));

        Assert.Equal(BitrixErrorCodes.CallTimeout, e.ErrorCode);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(6), $"took {watch.Elapsed}");
        Assert.InRange(stub.Calls, 2, 20);
    }

    [Fact]
    public async Task A_caller_cancellation_is_still_a_cancellation_with_a_call_timeout_set()
    {
        using var http = new HttpClient(new HangingHandler());
        await using var client = new BitrixClient(http, "https://portal.example/rest/1/code/", Fast.Options(o => o.CallTimeout = TimeSpan.FromSeconds(30)));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.CallAsync("crm.deal.get", new JsonObject { ["id"] = 1 }, cancel.Token));
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFE })]
    [InlineData(new byte[] { 0xC3 })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { 0xF8, 0x88, 0x80, 0x80, 0x80 })]
    public async Task Invalid_utf8_in_an_answer_is_an_invalid_response_when_it_is_read(byte[] bad)
    {
        const string Prefix = """{"result":{"ID":"1","TITLE":"ab""";
        var body = Encoding.UTF8.GetBytes(Prefix).Concat(bad).Concat(Encoding.UTF8.GetBytes("""cd"}}""")).ToArray();
        using var http = new HttpClient(new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } } }));
        await using var client = new BitrixClient(http, "https://portal.example/rest/1/code/", Fast.Options(o => o.MaxRetries = 0));

        var e = await Assert.ThrowsAsync<BitrixException>(() => client.CallAsync("crm.deal.get", new JsonObject { ["id"] = 1 }));

        Assert.Equal(BitrixErrorCodes.InvalidResponse, e.ErrorCode);
        Assert.Contains("not valid UTF-8", e.Message, StringComparison.Ordinal);
        Assert.Contains($"offset {Prefix.Length}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Valid_utf8_of_every_width_passes()
    {
        using var http = new HttpClient(new StubHandler(_ => StubHandler.Answer(HttpStatusCode.OK, """{"result":{"TITLE":"Сделка — 取引 🚀"}}""")));
        await using var client = new BitrixClient(http, "https://portal.example/rest/1/code/", Fast.Options());

        var deal = await client.CallAsync("crm.deal.get", new JsonObject { ["id"] = 1 });

        Assert.Equal("Сделка — 取引 🚀", deal.GetProperty("TITLE").GetString());
    }

    [Fact]
    public async Task A_location_echoing_the_code_never_reaches_the_response_objects_httpclient_reports()
    {
        await using var portal = new StrangerServer(request => request.Contains("crm.deal.get", StringComparison.Ordinal)
            ? StrangerServer.Redirect(302, $"http://elsewhere.example/rest/1/{Code}/crm.deal.get.json?auth={Code}")
            : $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Echo: /rest/1/{Code}/\r\nContent-Length: 12\r\n\r\n{{\"result\":1}}");
        var seen = new List<string>();
        using var subscription = DiagnosticListener.AllListeners.Subscribe(new Observer(listener =>
        {
            if (listener.Name == "HttpHandlerDiagnosticListener")
            {
                listener.Subscribe(new EventObserver(e =>
                {
                    if (e.Value?.GetType().GetProperty("Response")?.GetValue(e.Value) is HttpResponseMessage response
                        && response.RequestMessage?.RequestUri?.Port == portal.BaseAddress.Port)
                    {
                        lock (seen)
                        {
                            seen.Add(response.ToString());
                        }
                    }
                }));
            }
        }));
        await using var client = BitrixClient.FromWebhook($"{portal.BaseAddress}rest/1/{Code}/", Fast.Options());

        var e = await Assert.ThrowsAsync<BitrixException>(() => client.CallAsync("crm.deal.get", new JsonObject { ["id"] = 1 }));
        var echoed = await client.CallAsync("user.current");

        Assert.Equal(BitrixErrorCodes.RedirectRefused, e.ErrorCode);
        Assert.DoesNotContain(Code, e.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("auth=", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, echoed.GetInt32());
        Assert.True(seen.Count >= 2, $"{seen.Count} responses reported");
        Assert.All(seen, text => Assert.False(text.Contains(Code, StringComparison.Ordinal), text));
        Assert.Contains(seen, text => text.Contains($"http://elsewhere.example/rest/1/{new string('*', Code.Length)}/crm.deal.get.json", StringComparison.Ordinal));
        Assert.Contains(seen, text => text.Contains("X-Echo: /rest/1/****************/", StringComparison.Ordinal));
        Assert.All(portal.Requests, r => Assert.Contains($"/rest/1/{Code}/", r, StringComparison.Ordinal)); // the portal itself did get the code
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(4096)]
    public async Task The_code_is_masked_in_every_header_block_however_the_bytes_are_split(int chunk)
    {
        var answers = new[]
        {
            $"HTTP/1.1 100 Continue\r\nX-A: {Code}\r\n\r\n"
            + $"HTTP/1.1 302 Found\r\nLocation: /rest/1/{Code}/x{Code}\r\nContent-Length: 20\r\n\r\n"
            + $"{Code}abcd",
            $"HTTP/1.1 200 OK\r\nX-B: {Code[..5]}\r\nX-C: {Code}\r\nContent-Length: 5\r\n\r\nHq7Lm",
        };
        var inner = new ChunkedStream(answers.Select(Encoding.ASCII.GetBytes).ToArray(), chunk);
        await using var stream = new SecretInjectingStream(inner, Code);
        var masked = new string('*', Code.Length);

        await stream.WriteAsync(Encoding.ASCII.GetBytes("POST /rest/1/x/a.json HTTP/1.1\r\nHost: p\r\n\r\n"));
        var first = await ReadAsync(stream, answers[0].Length);
        await stream.WriteAsync(Encoding.ASCII.GetBytes("POST /rest/1/x/b.json HTTP/1.1\r\nHost: p\r\n\r\n"));
        var second = await ReadToEndAsync(stream);

        Assert.Equal(answers[1].Length, second.Length);
        Assert.Contains($"X-A: {masked}\r\n", first, StringComparison.Ordinal);
        Assert.Contains($"Location: /rest/1/{masked}/x{masked}\r\n", first, StringComparison.Ordinal);
        Assert.EndsWith($"\r\n\r\n{Code}abcd", first, StringComparison.Ordinal); // a body is left alone (the client scrubs what it shows of one)
        Assert.Contains($"X-B: {Code[..5]}\r\n", second, StringComparison.Ordinal);
        Assert.Contains($"X-C: {masked}\r\n", second, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\nHq7Lm", second, StringComparison.Ordinal); // a body ending like the code's start is not held back
    }

    private static async Task<string> ReadAsync(Stream stream, int count)
    {
        var buffer = new byte[count];
        var read = 0;
        while (read < count)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read, Math.Min(count - read, 64)));
            Assert.NotEqual(0, n);
            read += n;
        }

        return Encoding.ASCII.GetString(buffer);
    }

    private static async Task<string> ReadToEndAsync(Stream stream)
    {
        var result = new MemoryStream();
        var buffer = new byte[50];
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0)
        {
            result.Write(buffer, 0, n);
        }

        return Encoding.ASCII.GetString(result.ToArray());
    }

    /// <summary>A connection: each request written makes the next answer readable, at most <c>chunk</c> bytes at a time, as a socket may give them.</summary>
    private sealed class ChunkedStream(byte[][] answers, int chunk) : Stream
    {
        private int _answer = -1;
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_answer < 0)
            {
                return 0;
            }

            var data = answers[_answer];
            var n = Math.Min(Math.Min(count, chunk), data.Length - _position);
            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            _answer++;
            _position = 0;
        }
    }

    /// <summary>Never answers: the request waits until it is cancelled.</summary>
    private sealed class HangingHandler : HttpMessageHandler
    {
        private int _calls;

        public int Calls => _calls;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }
    }

    private sealed class Observer(Action<DiagnosticListener> onNext) : IObserver<DiagnosticListener>
    {
        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void OnNext(DiagnosticListener value) => onNext(value);
    }

    private sealed class EventObserver(Action<KeyValuePair<string, object?>> onNext) : IObserver<KeyValuePair<string, object?>>
    {
        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void OnNext(KeyValuePair<string, object?> value) => onNext(value);
    }
}
