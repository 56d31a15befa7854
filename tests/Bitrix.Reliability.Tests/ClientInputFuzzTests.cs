using System.Net;
using System.Text;
using System.Text.Json;
using Bitrix.Emulator.Protocol;
using Bitrix.Transport;
using CsCheck;

namespace Bitrix.Reliability.Tests;

/// <summary>
/// Property-based tests (CsCheck: random inputs, failures shrunk to a minimal case) of what the
/// client encodes and what it parses: parameters survive PHP's query-string round trip wherever
/// PHP can represent them, and no answer — random, cut, mistyped, HTML, empty — gets anything but
/// a <see cref="BitrixException"/> out of the client, nor hangs it.
/// </summary>
public sealed class ClientInputFuzzTests
{
    private static readonly long Iterations = Soak.Scale(1_000);

    // ---- generators --------------------------------------------------------------------------

    /// <summary>A parameter tree, turned into fresh JSON nodes for each use.</summary>
    public abstract record Tree
    {
        public abstract JsonNode? ToNode();

        public sealed record Text(string Value) : Tree
        {
            public override JsonNode? ToNode() => JsonValue.Create(Value);
        }

        public sealed record Integer(long Value) : Tree
        {
            public override JsonNode? ToNode() => JsonValue.Create(Value);
        }

        public sealed record Real(double Value) : Tree
        {
            public override JsonNode? ToNode() => JsonValue.Create(Value);
        }

        public sealed record Flag(bool Value) : Tree
        {
            public override JsonNode? ToNode() => JsonValue.Create(Value);
        }

        public sealed record Nothing : Tree
        {
            public override JsonNode? ToNode() => null;
        }

        public sealed record Map(IReadOnlyList<(string Key, Tree Value)> Entries) : Tree
        {
            public override JsonNode? ToNode() => ToObject();

            public JsonObject ToObject()
            {
                var obj = new JsonObject();
                foreach (var (key, value) in Entries)
                {
                    obj.TryAdd(key, value.ToNode());
                }

                return obj;
            }
        }

        public sealed record List(IReadOnlyList<Tree> Items) : Tree
        {
            public override JsonNode? ToNode() => new JsonArray([.. Items.Select(i => i.ToNode())]);
        }
    }

    /// <summary>Any Unicode scalar (no lone surrogates: they are not text), weighted towards what URLs and PHP keys treat specially.</summary>
    private static readonly Gen<string> Scalar = Gen.Frequency(
        (6, Gen.Char["abcXYZ019 &=%+#?;/\\\"'<>[]{}.,_-~*\t\r\n"].Select(c => c.ToString())),
        (2, Gen.Int[0x80, 0xFFFF].Where(c => c is < 0xD800 or > 0xDFFF).Select(c => ((char)c).ToString())),
        (1, Gen.Int[0x10000, 0x10FFFF].Select(char.ConvertFromUtf32)),
        (1, Gen.Const("\0")));

    private static readonly Gen<string> Text = Gen.Frequency(
        (20, Scalar.Array[0, 12].Select(parts => string.Concat(parts))),
        (1, Gen.Int[10_000, 200_000].Select(n => new string('é', n) + "&=+")));

    /// <summary>
    /// Keys PHP reads back as written (Bitrix parameter names are far tamer): no brackets (they
    /// nest), not empty (an empty key appends), no NUL (PHP's names are C strings) and no leading
    /// white space (PHP skips it).
    /// </summary>
    private static readonly Gen<string> Key = Gen.Frequency(
        (10, Scalar.Where(s => s is not ("[" or "]" or "\0")).Array[1, 8].Select(parts => string.Concat(parts)).Where(k => !char.IsWhiteSpace(k[0]))),
        (3, Gen.Int[0, 3].Select(i => i.ToString(CultureInfo.InvariantCulture))),
        (1, Gen.Const("ID")));

    private static Gen<Tree> Leaf(bool withNull) => Gen.Frequency(
        (6, Text.Select(t => (Tree)new Tree.Text(t))),
        (3, Gen.Long.Select(l => (Tree)new Tree.Integer(l))),
        (2, Gen.Double.Where(double.IsFinite).Select(d => (Tree)new Tree.Real(d))),
        (2, Gen.Bool.Select(b => (Tree)new Tree.Flag(b))),
        (withNull ? 1 : 0, Gen.Const((Tree)new Tree.Nothing())));

    private static Gen<Tree> Value(bool withNull) => Gen.Recursive<Tree>((depth, inner) => depth >= 4
        ? Leaf(withNull)
        : Gen.Frequency(
            (6, Leaf(withNull)),
            (2, Gen.Select(Key, inner).Array[0, 5].Select(e => (Tree)new Tree.Map(e))),
            (2, inner.Array[0, 5].Select(items => (Tree)new Tree.List(items)))));

    private static Gen<Tree.Map> Parameters(bool withNull) => Gen.Select(Key, Value(withNull)).Array[1, 6].Select(e => new Tree.Map(e));

    // ---- the PHP query encoder -----------------------------------------------------------------

    [Fact]
    public void Encoded_parameters_parse_back_as_php_reads_them_nulls_and_empty_containers_included()
    {
        Parameters(withNull: true).Sample(
            parameters =>
            {
                var input = parameters.ToObject();
                var query = PhpQueryEncoder.Encode(input);
                var parsed = PhpQueryParser.Parse(query);
                var expected = PhpView.Of(input);
                Assert.True(JsonNode.DeepEquals(expected, parsed), $"query {Short(query)}\nexpected {Short(expected.ToJsonString())}\nparsed {Short(parsed.ToJsonString())}");
            },
            iter: Iterations,
            threads: 1,
            print: p => p.ToObject().ToJsonString());
    }

    [Fact]
    public void Parameters_that_fit_a_query_string_arrive_exactly_and_those_that_do_not_are_told_apart()
    {
        Parameters(withNull: true).Sample(
            parameters =>
            {
                var input = parameters.ToObject();
                if (PhpQueryEncoder.FitsQueryString(input))
                {
                    // Nothing a query string would lose: no null, no empty list or object.
                    Assert.False(PhpQueryEncoder.ContainsNull(input));
                    Assert.True(JsonNode.DeepEquals(PhpView.Of(input), PhpQueryParser.Parse(PhpQueryEncoder.Encode(input))));
                }
                else
                {
                    // Such parameters go as a JSON body, which carries them exactly.
                    var json = JsonSerializer.Serialize<JsonNode>(input);
                    Assert.True(JsonNode.DeepEquals(input, JsonNode.Parse(json)));
                }
            },
            iter: Iterations,
            threads: 1,
            print: p => p.ToObject().ToJsonString());
    }

    [Fact]
    public void Any_key_or_value_at_all_encodes_and_parses_without_an_exception()
    {
        var anyKey = Gen.String[0, 12];
        var anyValue = Gen.Recursive<JsonNode?>((depth, inner) => depth >= 3
            ? Gen.String[0, 20].Select(s => (JsonNode?)s)
            : Gen.Frequency(
                (4, Gen.String[0, 20].Select(s => (JsonNode?)s)),
                (1, Gen.Const(() => (JsonNode?)null)),
                (2, Gen.Select(anyKey, inner).Array[0, 4].Select(e => (JsonNode?)ToObject(e))),
                (2, inner.Array[0, 4].Select(a => (JsonNode?)new JsonArray(a)))));
        Gen.Select(anyKey, anyValue).Array[0, 6].Sample(
            entries =>
            {
                var query = PhpQueryEncoder.Encode(ToObject(entries));
                _ = PhpQueryParser.Parse(query);
            },
            iter: Iterations,
            threads: 1);
    }

    [Fact]
    public void Arbitrary_clr_values_convert_or_fail_with_an_argument_exception()
    {
        var clr = Gen.Recursive<object?>((depth, inner) => depth >= 3
            ? Gen.OneOf<object?>(Gen.String[0, 10].Select(s => (object?)s), Gen.Int.Select(i => (object?)i), Gen.Double.Select(d => (object?)d), Gen.Bool.Select(b => (object?)b), Gen.Const(() => (object?)null), Gen.Decimal.Select(d => (object?)d), Gen.Const<object?>(Guid.Empty), Gen.DateTime.Select(d => (object?)d))
            : Gen.Frequency(
                (4, inner),
                (1, Gen.Select(Gen.String[1, 8], inner).Array[0, 4].Select(e => (object?)e.GroupBy(p => p.Item1).ToDictionary(g => g.Key, g => g.First().Item2))),
                (1, inner.Array[0, 4].Select(a => (object?)a))));
        clr.Select(Gen.String[0, 8]).Sample(
            (value, key) =>
            {
                var parameters = new Dictionary<string, object?> { [key] = value };
                JsonObject? converted;
                try
                {
                    converted = ParameterConverter.ToObject(parameters);
                }
                catch (ArgumentException)
                {
                    // Documented: e.g. NaN or infinity, which JSON cannot hold.
                    return;
                }

                Assert.Equal(JsonSerializer.Serialize(parameters, Options), converted!.ToJsonString(Options));
            },
            iter: Iterations,
            threads: 1);
    }

    [Fact]
    public async Task Any_text_written_through_bulk_adds_is_stored_exactly()
    {
        // The whole path: parameters -> batch command query strings -> the emulator's parse_str -> the store.
        await using var lab = new Lab(Lab.Open());
        var client = lab.Client();
        await Text.Array[1, 60].SampleAsync(
            async titles =>
            {
                var marker = Guid.NewGuid().ToString("N");
                var items = titles.Select((t, i) => (JsonObject?)new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = t, ["COMMENTS"] = t + "|" + t, ["ORIGIN_ID"] = $"{marker}-{i}" } });
                var results = await client.CallManyAsync("crm.deal.add", items);
                Assert.All(results, r => Assert.True(r.IsSuccess, r.ToString()));
                var rows = await lab.Emulator.GetRowsAsync("crm.deal", results.Select(r => r.Result!.Value.GetInt64()));
                for (var i = 0; i < titles.Length; i++)
                {
                    Assert.Equal(titles[i], (string?)rows[i]["TITLE"]);
                    Assert.Equal(titles[i] + "|" + titles[i], (string?)rows[i]["COMMENTS"]);
                }
            },
            iter: Soak.Scale(40),
            threads: 1,
            print: t => string.Join(" | ", t.Select(Short)));
    }

    // ---- the envelope parser -----------------------------------------------------------------

    private static readonly PortalEndpoint Endpoint = PortalEndpoint.ParseWebhook("https://fuzz.bitrix24.com/rest/1/fuzzcode/");

    private static readonly HttpStatusCode[] Statuses = [HttpStatusCode.OK, HttpStatusCode.Found, HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden, HttpStatusCode.NotFound, HttpStatusCode.TooManyRequests, HttpStatusCode.InternalServerError, HttpStatusCode.BadGateway, HttpStatusCode.ServiceUnavailable, HttpStatusCode.GatewayTimeout, (HttpStatusCode)299, (HttpStatusCode)600];

    /// <summary>Captured real envelopes (fixtures), to cut and mistype.</summary>
    private static readonly Lazy<string[]> RealEnvelopes = new(() => [.. Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "fixtures", "real-responses"), "*.json")
        .Select(f => JsonNode.Parse(File.ReadAllText(f))!["response"]?.ToJsonString())
        .OfType<string>()]);

    /// <summary>Envelope-shaped JSON with members of every type where the portal has one.</summary>
    private static readonly Gen<JsonNode?> AnyJson = Gen.Recursive<JsonNode?>((depth, inner) => depth >= 4
        ? Gen.OneOf<JsonNode?>(Gen.Const(() => (JsonNode?)null), Gen.Long.Select(l => (JsonNode?)l), Gen.Double.Where(double.IsFinite).Select(d => (JsonNode?)d), Gen.Bool.Select(b => (JsonNode?)b), Gen.String[0, 8].Select(s => (JsonNode?)s))
        : Gen.Frequency(
            (3, inner),
            (3, Gen.Select(Gen.OneOf(Gen.Const("result"), Gen.Const("error"), Gen.Const("error_description"), Gen.Const("total"), Gen.Const("next"), Gen.Const("time"), Gen.Const("result_error"), Gen.Const("result_total"), Gen.Const("result_next"), Gen.Const("result_time"), Gen.Const("0"), Gen.Const("p0"), Gen.Const("ID"), Gen.Const("items"), Gen.Const("processing"), Gen.Const("operating"), Gen.Const("operating_reset_at"), Gen.String[0, 4]), inner).Array[0, 6].Select(e => (JsonNode?)ToObject(e))),
            (1, inner.Array[0, 6].Select(a => (JsonNode?)new JsonArray(a)))));

    private static readonly Gen<byte[]> AnyBody = Gen.Frequency(
        (4, AnyJson.Select(j => Encoding.UTF8.GetBytes(j?.ToJsonString() ?? "null"))),
        (3, Gen.Int[0, 1_000_000].Select(seed =>
        {
            var real = RealEnvelopes.Value[seed % RealEnvelopes.Value.Length];
            return Encoding.UTF8.GetBytes(real[..(seed % (real.Length + 1))]);
        })),
        (2, Gen.Byte.Array[0, 300]),
        (1, Gen.OneOf(Gen.Const(string.Empty), Gen.Const("<html><body><h1>502 Bad Gateway</h1></body></html>"), Gen.Const("\uFEFF{\"result\":1}"), Gen.Const("{\"result\":"), Gen.Const("null"), Gen.Const("[]"), Gen.Const("{\"error\":{\"code\":5}}"), Gen.Const("{\"result\":1,\"total\":\"many\",\"next\":1e400,\"time\":\"now\"}")).Select(Encoding.UTF8.GetBytes)));

    [Fact]
    public void The_envelope_parser_returns_or_throws_a_BitrixException_for_any_body_and_status()
    {
        Gen.Select(AnyBody, Gen.Int[0, Statuses.Length - 1], Gen.OneOf(Gen.Const<string?>("application/json"), Gen.Const<string?>("text/html"), Gen.Const(() => (string?)null))).Sample(
            (body, status, mediaType) =>
            {
                try
                {
                    _ = EnvelopeParser.Parse(body, Statuses[status], mediaType, "crm.deal.list", Endpoint);
                }
                catch (BitrixException e)
                {
                    Assert.False(string.IsNullOrEmpty(e.Message));
                }
            },
            iter: Soak.Scale(5_000),
            threads: 1,
            print: t => $"{Statuses[t.Item2]} {t.Item3}: {Short(Encoding.UTF8.GetString(t.Item1))}");
    }

    [Fact]
    public async Task Every_client_call_gets_a_result_or_a_BitrixException_from_any_answer_and_never_hangs()
    {
        // Whatever the portal (or a proxy in front of it) answers, the client's public calls end
        // quickly with a result or a BitrixException; in a bulk call, per-item errors.
        await Gen.Select(AnyBody, Gen.Int[0, Statuses.Length - 1], Gen.Int[0, 4]).SampleAsync(
            async (body, status, call) =>
            {
                using var http = new HttpClient(new FixedAnswer(body, Statuses[status]));
                await using var client = new BitrixClient(http, "https://fuzz.bitrix24.com/rest/1/fuzzcode/", new BitrixClientOptions
                {
                    RateLimitStore = new InMemoryRateLimitStore(),
                    RateLimit = new RateLimitPlan(1_000_000, 1_000_000),
                    MaxRetries = 1,
                    RetryBaseDelay = TimeSpan.FromMilliseconds(1),
                    MaxRedirects = 2,
                    OverloadPause = TimeSpan.FromMilliseconds(1),
                });
                try
                {
                    await RunAsync(client, call).WaitAsync(TimeSpan.FromSeconds(20));
                }
                catch (BitrixException)
                {
                }
            },
            iter: Soak.Scale(600),
            threads: 1,
            print: t => $"call {t.Item3}, {Statuses[t.Item2]}: {Short(Encoding.UTF8.GetString(t.Item1))}");
    }

    private static async Task RunAsync(BitrixClient client, int call)
    {
        switch (call)
        {
            case 0:
                await client.CallAsync("crm.deal.get", new JsonObject { ["id"] = 1 });
                break;
            case 1:
                await client.BatchAsync(new BitrixBatch().Add("a", "crm.deal.get", new JsonObject { ["id"] = 1 }).Add("b", "crm.deal.list", new JsonObject { ["select"] = new JsonArray("ID") }));
                break;
            case 2:
                await client.CallManyAsync("crm.deal.add", Enumerable.Range(0, 60).Select(i => (JsonObject?)new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = "t" + i } }));
                break;
            case 3:
                await client.GetByIdAsync("crm.deal.get", [1, 2, 3]);
                break;
            default:
                foreach (var strategy in new[] { ListStrategy.Offset, ListStrategy.ChainedCursor, ListStrategy.ParallelCursor })
                {
                    try
                    {
                        await foreach (var _ in client.ListAllAsync("crm.deal.list", new JsonObject { ["select"] = new JsonArray("ID") }, new ListOptions { Strategy = strategy, MaxItems = 10_000 }))
                        {
                        }
                    }
                    catch (BitrixException)
                    {
                    }
                }

                break;
        }
    }

    /// <summary>Answers every request with the same body and status (a 3xx with a Location back to the portal).</summary>
    private sealed class FixedAnswer(byte[] body, HttpStatusCode status) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = new HttpResponseMessage(status) { RequestMessage = request, Content = new ByteArrayContent(body) };
            response.Content.Headers.ContentType = new("application/json");
            if ((int)status is >= 300 and < 400)
            {
                response.Headers.Location = new Uri("https://fuzz.bitrix24.com/");
            }

            return Task.FromResult(response);
        }
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = null, DictionaryKeyPolicy = null };

    private static JsonObject ToObject(IEnumerable<(string Key, JsonNode? Value)> entries)
    {
        var obj = new JsonObject();
        foreach (var (key, value) in entries)
        {
            obj.TryAdd(key, value?.DeepClone());
        }

        return obj;
    }

    private static string Short(string text) => text.Length <= 300 ? text : text[..300] + $"... ({text.Length} chars)";
}
