using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Bitrix.Emulator;

namespace Bitrix.Benchmarks;

/// <summary>
/// One request through <see cref="BitrixEmulator.CreateHandler"/>: decoding, routing, the list
/// engine and JSON serialisation, without sockets. The server's share of a loopback request.
/// </summary>
[MemoryDiagnoser]
public class InProcessRoundTripBenchmarks
{
    private static readonly byte[] ListBody = Encoding.UTF8.GetBytes("""{"order":{"ID":"ASC"},"select":["ID","TITLE"],"start":0}""");
    private static readonly MediaTypeHeaderValue JsonType = new("application/json") { CharSet = "utf-8" };

    private BitrixEmulator? _emulator;
    private HttpClient? _client;
    private Uri? _list;
    private Uri? _get;

    [Params(10_000)]
    public int Deals { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        _emulator = new BitrixEmulator(new EmulatorOptions
        {
            Deals = Deals,
            LatencyScale = 0,
            BucketCapacity = 1e9,
            DrainPerSecond = 1e9,
            OperatingLimitSeconds = 1e12,
        });
        _client = new HttpClient(_emulator.CreateHandler());

        // The seeded IDs have holes: the get asks for one the portal holds (one in the middle), and
        // the first page must start at the lowest seeded ID.
        var ids = await _emulator.GetIdsAsync("crm.deal").ConfigureAwait(false);
        if (ids.Count != Deals)
        {
            throw new InvalidOperationException($"the emulator seeded {ids.Count} deals, not {Deals}");
        }

        var getId = ids[ids.Count / 2].ToString(CultureInfo.InvariantCulture);
        _list = new Uri(_emulator.WebhookUrl, "crm.deal.list");
        _get = new Uri(_emulator.WebhookUrl, "crm.deal.get?id=" + getId);

        // A benchmark that measured a fast error answer would look like a speed-up.
        var page = await DealListPageAsync().ConfigureAwait(false);
        var firstId = ids[0].ToString(CultureInfo.InvariantCulture);
        if (!page.StartsWith($$"""{"result":[{"ID":"{{firstId}}","TITLE":""", StringComparison.Ordinal) || !page.Contains($"\"total\":{Deals}", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("crm.deal.list answered unexpectedly: " + page[..Math.Min(300, page.Length)]);
        }

        using var got = await _client.GetAsync(_get).ConfigureAwait(false);
        var deal = await got.Content.ReadAsStringAsync().ConfigureAwait(false);
        if (!got.IsSuccessStatusCode || !deal.StartsWith($$"""{"result":{"ID":"{{getId}}",""", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("crm.deal.get answered unexpectedly: " + deal[..Math.Min(300, deal.Length)]);
        }
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        _client?.Dispose();
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync().ConfigureAwait(false);
        }
    }

    [Benchmark(Baseline = true)]
    public async Task<int> DealGet()
    {
        using var response = await _client!.GetAsync(_get).ConfigureAwait(false);
        return (await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false)).Length;
    }

    [Benchmark]
    public async Task<int> DealListFirstPage()
    {
        using var content = new ByteArrayContent(ListBody);
        content.Headers.ContentType = JsonType;
        using var response = await _client!.PostAsync(_list, content).ConfigureAwait(false);
        return (await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false)).Length;
    }

    private async Task<string> DealListPageAsync()
    {
        using var content = new ByteArrayContent(ListBody);
        content.Headers.ContentType = JsonType;
        using var response = await _client!.PostAsync(_list, content).ConfigureAwait(false);
        return await response.Content.ReadAsStringAsync().ConfigureAwait(false);
    }
}
