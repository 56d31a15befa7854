using System.Net;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Bitrix.Transport;

namespace Bitrix.Benchmarks;

/// <summary>
/// The client's side of every request: <see cref="PhpQueryEncoder"/> writes a batch command's
/// parameters as a PHP query string (50 times per batch), <see cref="EnvelopeParser"/> reads every answer.
/// </summary>
[MemoryDiagnoser]
public class PhpQueryEncoderBenchmarks
{
    /// <summary>A cursor-export page: <c>filter[&gt;ID]</c>, <c>filter[@CATEGORY_ID][]</c>, <c>order</c>, six <c>select[]</c>, <c>start=-1</c>.</summary>
    private readonly JsonObject _cursorPage = new()
    {
        ["filter"] = new JsonObject { [">ID"] = 123456, ["STAGE_ID"] = "WON", ["@CATEGORY_ID"] = new JsonArray(0, 2) },
        ["order"] = new JsonObject { ["ID"] = "ASC" },
        ["select"] = new JsonArray("ID", "TITLE", "STAGE_ID", "OPPORTUNITY", "DATE_CREATE", "UF_CRM_1700000000"),
        ["start"] = -1,
    };

    /// <summary>A <c>crm.contact.add</c> with Cyrillic text and multifields (escaping and nested lists).</summary>
    private readonly JsonObject _contactAdd = new()
    {
        ["fields"] = new JsonObject
        {
            ["NAME"] = "Иван",
            ["LAST_NAME"] = "Petrov",
            ["OPENED"] = "Y",
            ["ASSIGNED_BY_ID"] = 1,
            ["PHONE"] = new JsonArray(new JsonObject { ["VALUE"] = "+7 999 000-11-22", ["VALUE_TYPE"] = "WORK" }),
            ["EMAIL"] = new JsonArray(new JsonObject { ["VALUE"] = "ivan@example.com", ["VALUE_TYPE"] = "WORK" }),
        },
        ["params"] = new JsonObject { ["REGISTER_SONET_EVENT"] = "Y" },
    };

    [GlobalSetup]
    public void Setup()
    {
        if (!PhpQueryEncoder.Encode(_cursorPage).Contains("filter%5B%3EID%5D=123456", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("unexpected encoding: " + PhpQueryEncoder.Encode(_cursorPage));
        }
    }

    [Benchmark(Baseline = true)]
    public int CursorPageCommand() => PhpQueryEncoder.Encode(_cursorPage).Length;

    [Benchmark]
    public int ContactAddWithMultifields() => PhpQueryEncoder.Encode(_contactAdd).Length;
}

/// <summary><see cref="EnvelopeParser.Parse"/> of the emulator's real answers: a 50-row page and a batch of 50 pages.</summary>
[MemoryDiagnoser]
public class EnvelopeParserBenchmarks
{
    private byte[] _page = [];
    private byte[] _batch = [];
    private PortalEndpoint? _endpoint;

    [GlobalSetup]
    public async Task Setup()
    {
        await using var emulator = DealJson.OpenEmulator(2_500);
        using var http = new HttpClient(emulator.CreateHandler());
        _page = await DealJson.PageEnvelopeAsync(emulator, http, allFields: false).ConfigureAwait(false);
        _batch = await DealJson.BatchEnvelopeAsync(emulator, http).ConfigureAwait(false);
        _endpoint = PortalEndpoint.ParseWebhook(emulator.WebhookUrl.ToString());
        if (Page() != 50 || Batch() != 50)
        {
            throw new InvalidOperationException("the envelopes did not parse to 50 rows / 50 pages");
        }
    }

    [Benchmark(Baseline = true)]
    public int Page() => EnvelopeParser.Parse(_page, HttpStatusCode.OK, "application/json", "crm.deal.list", _endpoint!).Result.GetArrayLength();

    [Benchmark]
    public int Batch()
    {
        var result = EnvelopeParser.Parse(_batch, HttpStatusCode.OK, "application/json", "batch", _endpoint!).Result;
        var pages = 0;
        foreach (var _ in result.GetProperty("result").EnumerateObject())
        {
            pages++;
        }

        return pages;
    }
}
