using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Bitrix.Reliability.Tests;

/// <summary>
/// The emulator over loopback, hit with malformed requests — broken JSON, broken PHP keys,
/// 10 MB bodies, 10,000 filter keys, garbage and cut-off HTTP on raw sockets — while a real
/// client exports and writes through it: every malformed request gets the documented answer, the
/// client's work is unharmed, the portal keeps serving and never hits a defect of its own.
/// </summary>
public sealed class ServerBadInputTests(ITestOutputHelper output)
{
    private const int Deals = 3_000;

    [Fact]
    public async Task Malformed_requests_over_sockets_get_documented_answers_while_a_client_works_and_the_portal_keeps_serving()
    {
        await using var emulator = await BitrixEmulator.StartAsync(Lab.Open(o => o.Deals = Deals));
        using var raw = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        await using var client = BitrixClient.FromWebhook(emulator.WebhookUrl.ToString(), new BitrixClientOptions
        {
            RateLimitStore = new InMemoryRateLimitStore(),
            RateLimit = new RateLimitPlan(1_000_000, 1_000_000),
        });

        var seeded = await emulator.GetIdsAsync("crm.deal");
        var work = ClientWorkAsync(client);
        var abuse = new List<Task<string>>();
        for (var round = 0; round < Soak.Factor; round++)
        {
            abuse.Add(BrokenJsonAsync(raw, emulator.WebhookUrl));
            abuse.Add(BrokenPhpKeysAsync(raw, emulator.WebhookUrl));
            abuse.Add(TenMegabytesAsync(raw, emulator.WebhookUrl));
            abuse.Add(TenThousandFilterKeysAsync(raw, emulator.WebhookUrl, seeded));
            abuse.Add(RawSocketsAsync(emulator.BaseAddress, emulator.WebhookUrl));
        }

        var (exported, added) = await work;
        foreach (var report in await Task.WhenAll(abuse))
        {
            output.WriteLine(report);
        }

        // The client's export and writes were unharmed.
        Assert.Equal(seeded, exported.Where(id => id <= seeded[^1]));
        Assert.Equal(exported.Count, exported.Distinct().Count());
        Assert.All(added, r => Assert.True(r.IsSuccess, r.ToString()));

        // And the portal still serves a normal call, with no defect counted.
        var deal = await client.CallAsync("crm.deal.get", new JsonObject { ["id"] = seeded[6] });
        Assert.Equal(seeded[6].ToString(CultureInfo.InvariantCulture), deal.GetProperty("ID").GetString());
        var stats = await emulator.GetStatsAsync();
        output.WriteLine($"{stats.Requests} REST requests, answers {string.Join(", ", stats.AnswersByStatus.OrderBy(a => a.Key).Select(a => $"{a.Key}: {a.Value}"))}");
        Assert.True(stats.InternalFailures == 0, stats.LastInternalFailure);
        Assert.False(stats.AnswersByStatus.ContainsKey(500));
    }

    private static async Task<(List<long> Exported, IReadOnlyList<BitrixItemResult> Added)> ClientWorkAsync(BitrixClient client)
    {
        var adds = client.CallManyAsync("crm.deal.add", Enumerable.Range(0, 500).Select(i => (JsonObject?)new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = $"steady {i}" } }));
        var ids = new List<long>();
        await foreach (var row in client.ListAllAsync("crm.deal.list", new JsonObject { ["select"] = new JsonArray("ID") }, new ListOptions { Strategy = ListStrategy.ParallelCursor }))
        {
            ids.Add(Lab.IdOf(row));
        }

        return (ids, await adds);
    }

    /// <summary>docs/protocol.md §1: invalid JSON in the body is treated as no parameters.</summary>
    private static async Task<string> BrokenJsonAsync(HttpClient raw, Uri webhook)
    {
        string[] bodies = ["{", "{\"filter\":", "[[[[", "{\"a\":1,}", "\u0000\u0001\u0002", "{\"select\":[\"ID\"]" + new string(']', 100), "nul", "\"just a string\"", "{\"filter\":{\">ID\":NaN}}"];
        foreach (var body in bodies)
        {
            var answer = await SendAsync(raw, webhook, "crm.deal.list", Encoding.UTF8.GetBytes(body), "application/json");
            Assert.Equal(HttpStatusCode.OK, answer.Status);
            Assert.True((long)answer.Json["total"]! >= Deals, $"broken JSON {body} was not read as no parameters: {answer.Text[..Math.Min(200, answer.Text.Length)]}");
        }

        return $"broken JSON: {bodies.Length} bodies read as no parameters";
    }

    private static async Task<string> BrokenPhpKeysAsync(HttpClient raw, Uri webhook)
    {
        string[] forms = ["a[b=1", "[]=x", "filter[[[[[=1", "filter]]]]=1", "filter[>ID]=%FF%FE%00", "%=%&%%%=%%", "=&=&=&&&", "select[][][][]=ID&select=ID", "filter=1&filter[ID]=2&filter[ID][x]=3", "filter" + string.Concat(Enumerable.Repeat("[a]", 200)) + "=1"];
        foreach (var form in forms)
        {
            foreach (var method in new[] { "crm.deal.list", "crm.deal.add", "batch" })
            {
                AssertDocumented(await SendAsync(raw, webhook, method, Encoding.ASCII.GetBytes(form), "application/x-www-form-urlencoded"), $"{method} {form}");
            }
        }

        return $"broken PHP keys: {forms.Length} forms x 3 methods answered as documented";
    }

    private static async Task<string> TenMegabytesAsync(HttpClient raw, Uri webhook)
    {
        // A 10 MB value is stored and read back; 10 MB of garbage is no parameters.
        var big = new string('z', 10 * 1024 * 1024);
        var add = await SendAsync(raw, webhook, "crm.deal.add", Encoding.UTF8.GetBytes(new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = "big", ["COMMENTS"] = big } }.ToJsonString()), "application/json");
        Assert.Equal(HttpStatusCode.OK, add.Status);
        var id = (long)add.Json["result"]!;
        var get = await SendAsync(raw, webhook, "crm.deal.get", Encoding.UTF8.GetBytes($"{{\"id\":{id}}}"), "application/json");
        Assert.Equal(big.Length, ((string)get.Json["result"]!["COMMENTS"]!).Length);

        var garbage = new byte[10 * 1024 * 1024];
        new Random(5).NextBytes(garbage);
        var json = await SendAsync(raw, webhook, "crm.deal.list", garbage, "application/json");
        Assert.Equal(HttpStatusCode.OK, json.Status);
        AssertDocumented(await SendAsync(raw, webhook, "crm.deal.list", garbage, "application/x-www-form-urlencoded"), "10 MB form garbage");
        AssertDocumented(await SendAsync(raw, webhook, "crm.deal.list", garbage, "multipart/form-data; boundary=zz"), "10 MB multipart garbage");
        return $"10 MB: a value stored and read back (deal {id}); garbage as JSON, form and multipart answered as documented";
    }

    private static async Task<string> TenThousandFilterKeysAsync(HttpClient raw, Uri webhook, IReadOnlyList<long> seeded)
    {
        // The bound keeps the first ten seeded deals, whatever their IDs.
        var bound = seeded[10];
        // Unknown filter keys are ignored; the one known key filters.
        var filter = new JsonObject();
        for (var i = 0; i < 10_000; i++)
        {
            filter["UF_NOPE_" + i.ToString(CultureInfo.InvariantCulture)] = i;
        }

        filter["<ID"] = bound;
        var json = await SendAsync(raw, webhook, "crm.deal.list", Encoding.UTF8.GetBytes(new JsonObject { ["filter"] = filter, ["select"] = new JsonArray("ID") }.ToJsonString()), "application/json");
        var form = string.Join("&", Enumerable.Range(0, 10_000).Select(i => $"filter[K{i}]={i}")) + $"&filter[%3CID]={bound}&select[]=ID";
        var viaForm = await SendAsync(raw, webhook, "crm.deal.list", Encoding.ASCII.GetBytes(form), "application/x-www-form-urlencoded");
        foreach (var answer in new[] { json, viaForm })
        {
            Assert.Equal(HttpStatusCode.OK, answer.Status);
            Assert.Equal(seeded.Take(10).Select(i => i.ToString(CultureInfo.InvariantCulture)), answer.Json["result"]!.AsArray().Select(r => (string?)r!["ID"]));
        }

        return "10,000 filter keys: ignored as unknown, as JSON and as a form; the known key filtered";
    }

    /// <summary>What only a raw socket can send: garbage instead of HTTP, and bodies cut off by a closed connection.</summary>
    private static async Task<string> RawSocketsAsync(Uri baseAddress, Uri webhook)
    {
        var path = webhook.AbsolutePath + "crm.deal.add.json";
        string[] requests =
        [
            "THIS IS NOT HTTP\r\n\r\n",
            "GET / HTTP/9.9\r\n\r\n",
            $"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10485760\r\n\r\n{{\"fields\":{{\"TITLE\":\"cut",
            $"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nnot a chunk\r\n",
            $"POST {path} HTTP/1.1\r\nHost: x\r\n" + string.Concat(Enumerable.Range(0, 200).Select(i => $"X-H{i}: {new string('v', 100)}\r\n")) + "Content-Length: 2\r\n\r\n{}",
        ];
        var answered = 0;
        foreach (var request in requests)
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(baseAddress.Host, baseAddress.Port);
            var stream = tcp.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
            if (request.Contains("10485760", StringComparison.Ordinal))
            {
                // One megabyte of the promised ten, then the connection goes.
                await stream.WriteAsync(new byte[1024 * 1024]);
                tcp.Client.Shutdown(SocketShutdown.Both);
                continue;
            }

            tcp.Client.Shutdown(SocketShutdown.Send);
            using var read = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var buffer = new byte[4096];
            try
            {
                answered += await stream.ReadAsync(buffer, read.Token) > 0 ? 1 : 0;
            }
            catch (IOException)
            {
                // The server may drop a connection that is not HTTP.
            }
        }

        return $"raw sockets: {requests.Length} malformed or cut-off requests sent, {answered} answered before the connection closed";
    }

    private sealed record Answer(HttpStatusCode Status, string? MediaType, string Text)
    {
        public JsonObject Json => JsonNode.Parse(Text)!.AsObject();
    }

    private static async Task<Answer> SendAsync(HttpClient raw, Uri webhook, string method, byte[] body, string contentType)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        using var response = await raw.PostAsync(new Uri(webhook, method), content);
        return new Answer(response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Documented: a JSON envelope with a result or an error, and a status the protocol lists (never 500).</summary>
    private static void AssertDocumented(Answer answer, string what)
    {
        Assert.True(answer.Status is HttpStatusCode.OK or HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{what}: status {(int)answer.Status}");
        Assert.Equal("application/json", answer.MediaType);
        Assert.True(answer.Json.ContainsKey("result") || answer.Json.ContainsKey("error"), what);
    }
}
