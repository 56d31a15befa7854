using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Bitrix.Bench.Harness;

namespace Bitrix.Bench.Scenarios;

/// <summary>
/// Requests per second the emulator sustains for simple calls: <c>crm.deal.get</c> and one
/// <c>crm.deal.list</c> page, from N concurrent workers, over loopback and in-process.
/// </summary>
internal sealed class EmulatorThroughputScenario : IScenario
{
    /// <summary>The throughput the emulator must reach for simple calls over loopback on a 2-core machine.</summary>
    private const double TargetRequestsPerSecond = 500;

    private const string Get = "get";
    private const string List = "list";

    private static readonly IReadOnlyList<string> Hosts = [EmulatorHost.Loopback, EmulatorHost.InProcess];
    private static readonly IReadOnlyList<string> Calls = [Get, List];
    private static readonly MediaTypeHeaderValue JsonType = new("application/json") { CharSet = "utf-8" };
    private static readonly byte[] ListBody = Encoding.UTF8.GetBytes("""{"order":{"ID":"ASC"},"select":["ID","TITLE"],"start":0}""");

    public string Name => "emulator-throughput";

    public string Summary => "requests/s and latency of crm.deal.get and crm.deal.list, loopback and in-process";

    public string Usage => """
        Options:
          --seconds N        measured seconds per call and host (default 10)
          --warmup N         unmeasured seconds per call, all calls warmed before any is measured (default 5)
          --concurrency N    workers sharing one HttpClient (default 16)
          --deals N          seeded deals (default 10000)
          --hosts LIST       loopback,in-process (default both)
          --calls LIST       get,list (default both)
          --out DIR          where the JSON and Markdown results go (default bench/results)
          --emulator PATH    Bitrix.Emulator.dll to run for loopback (default: the one built beside this harness)
          --min-rps N        fail if any measured row is slower (default 0: no floor)
        Exit code 1 when a probe answer is wrong, any request fails, or a row is below --min-rps.
        """;

    public async Task<int> RunAsync(BenchArguments arguments, CancellationToken cancellationToken)
    {
        var seconds = arguments.Double("seconds", 10, min: 0.1);
        var warmup = arguments.Double("warmup", 5, min: 0);
        var concurrency = arguments.Int("concurrency", 16, min: 1);
        var deals = arguments.Int("deals", 10_000, min: 1);
        var hosts = arguments.Choices("hosts", Hosts);
        var calls = arguments.Choices("calls", Calls);
        var output = arguments.String("out", Path.Combine("bench", "results"));
        var emulatorPath = arguments.String("emulator");
        var minRps = arguments.Double("min-rps", 0, min: 0);
        arguments.EnsureAllRead();

        var setup = new EmulatorSetup(deals);
        var report = new ScenarioReport(Name, output)
            .Parameter("seconds", seconds)
            .Parameter("warmup", warmup)
            .Parameter("concurrency", concurrency)
            .Parameter("deals", deals);
        var rows = new List<ThroughputRow>();
        foreach (var hostName in hosts)
        {
            await using var host = hostName == EmulatorHost.Loopback
                ? await EmulatorHost.StartLoopbackAsync(EmulatorProcess.Locate(emulatorPath), setup, concurrency, cancellationToken).ConfigureAwait(false)
                : EmulatorHost.StartInProcess(setup);
            Console.WriteLine($"{host.Name}: emulator at {host.WebhookUrl.GetLeftPart(UriPartial.Authority)}, {deals} deals");

            // The seeded IDs have holes: the gets ask for IDs the portal holds, read once before any load.
            var ids = await EmulatorControl.DealIdsAsync(host.Client, host.WebhookUrl, cancellationToken).ConfigureAwait(false);
            var ready = new List<string>();
            foreach (var call in calls)
            {
                var probeError = await ProbeAsync(host, call, deals, ids, cancellationToken).ConfigureAwait(false);
                if (probeError is null)
                {
                    ready.Add(call);
                }
                else
                {
                    report.Fail($"{host.Name} {call}: {probeError}");
                }
            }

            // Every call is warmed before any is measured: tiered JIT in both processes would
            // otherwise slow down whichever call happens to be measured first. On this 2-core
            // machine 2 s of warm-up still left the first call at a quarter of its speed.
            foreach (var call in ready)
            {
                if (warmup > 0)
                {
                    await LoadGenerator.RunAsync(host.Client, RequestFactory(host.WebhookUrl, call, ids), concurrency, TimeSpan.FromSeconds(warmup), null, cancellationToken).ConfigureAwait(false);
                }
            }

            foreach (var call in ready)
            {
                GC.Collect();
                var result = await LoadGenerator.RunAsync(host.Client, RequestFactory(host.WebhookUrl, call, ids), concurrency, TimeSpan.FromSeconds(seconds), host.ServerCpu, cancellationToken).ConfigureAwait(false);
                var row = ThroughputRow.From(CallName(call), host.Name, concurrency, result);
                rows.Add(row);
                Console.WriteLine($"  {row.Call,-14} {row.RequestsPerSecond,9:F0} req/s  p50 {row.LatencyMs.P50:F2} ms  p99 {row.LatencyMs.P99:F2} ms  errors {row.Errors}");
                if (row.Errors > 0)
                {
                    report.Fail($"{host.Name} {call}: {row.Errors} errors ({string.Join(", ", row.ErrorKinds.Select(e => $"{e.Key} x{e.Value}"))})");
                }

                if (row.RequestsPerSecond < minRps)
                {
                    report.Fail($"{host.Name} {call}: {row.RequestsPerSecond:F0} req/s is below --min-rps {minRps}");
                }
            }
        }

        var loopbackGet = rows.FirstOrDefault(r => r.Host == EmulatorHost.Loopback && r.Call == CallName(Get));
        if (loopbackGet is not null)
        {
            report.Note(string.Create(CultureInfo.InvariantCulture, $"Target: >= {TargetRequestsPerSecond} simple requests/s over loopback: {(loopbackGet.RequestsPerSecond >= TargetRequestsPerSecond ? "met" : "NOT met")} ({loopbackGet.RequestsPerSecond:F0} req/s for crm.deal.get)."));
        }

        report.Note("Client CPU is the load generator's process; in-process it also includes the emulator. Server CPU is the emulator process (loopback only).");
        return await report.FinishAsync(rows, Table(rows), cancellationToken).ConfigureAwait(false);
    }

    private static string CallName(string call) => call == Get ? "crm.deal.get" : "crm.deal.list";

    /// <summary>
    /// <c>crm.deal.get?id=N</c> as a GET with a query string (the cheapest call there is; N one of
    /// <paramref name="ids"/>, the portal's own, at random), and the
    /// first <c>crm.deal.list</c> page as a JSON POST, the way SDKs send it (50 rows, total counted).
    /// </summary>
    private static Func<Random, HttpRequestMessage> RequestFactory(Uri webhook, string call, long[] ids)
    {
        if (call == Get)
        {
            return random => new HttpRequestMessage(HttpMethod.Get, new Uri(webhook, string.Create(CultureInfo.InvariantCulture, $"crm.deal.get?id={ids[random.Next(ids.Length)]}")));
        }

        var listUri = new Uri(webhook, "crm.deal.list");
        return _ =>
        {
            var content = new ByteArrayContent(ListBody);
            content.Headers.ContentType = JsonType;
            return new HttpRequestMessage(HttpMethod.Post, listUri) { Content = content };
        };
    }

    /// <summary>One request checked for content before the load, so a fast wrong answer cannot pass as throughput.</summary>
    private static async Task<string?> ProbeAsync(EmulatorHost host, string call, int deals, long[] ids, CancellationToken cancellationToken)
    {
        using var request = RequestFactory(host.WebhookUrl, call, ids)(new Random(0));
        using var response = await host.Client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            return $"probe answered HTTP {(int)response.StatusCode}: {Truncate(text)}";
        }

        var result = JsonNode.Parse(text)?["result"];
        var ok = call == Get
            ? result?["ID"]?.GetValue<string>() == request.RequestUri!.Query.Split('=')[1]
            : result is JsonArray rows && rows.Count == Math.Min(50, deals) && rows[0]?["TITLE"] is not null && JsonNode.Parse(text)?["total"]?.GetValue<long>() == deals;
        return ok ? null : $"probe answer has an unexpected shape: {Truncate(text)}";
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "...";

    private static MarkdownTable Table(IEnumerable<ThroughputRow> rows)
    {
        var table = new MarkdownTable("call", "host", "workers", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "client CPU s", "server CPU s", "CPU µs/req");
        foreach (var r in rows)
        {
            var cpuPerRequest = (r.ClientCpuSeconds + (r.ServerCpuSeconds ?? 0)) * 1e6 / Math.Max(1, r.Requests);
            table.Add(
                r.Call,
                r.Host,
                r.Concurrency.ToString(CultureInfo.InvariantCulture),
                r.RequestsPerSecond.ToString("F0", CultureInfo.InvariantCulture),
                r.LatencyMs.P50.ToString("F2", CultureInfo.InvariantCulture),
                r.LatencyMs.P95.ToString("F2", CultureInfo.InvariantCulture),
                r.LatencyMs.P99.ToString("F2", CultureInfo.InvariantCulture),
                r.Errors.ToString(CultureInfo.InvariantCulture),
                r.ClientCpuSeconds.ToString("F2", CultureInfo.InvariantCulture),
                r.ServerCpuSeconds?.ToString("F2", CultureInfo.InvariantCulture) ?? "(in client)",
                cpuPerRequest.ToString("F0", CultureInfo.InvariantCulture));
        }

        return table;
    }
}

/// <summary>One measured call on one host.</summary>
internal sealed record ThroughputRow(
    string Call,
    string Host,
    int Concurrency,
    long Requests,
    long Errors,
    IReadOnlyDictionary<string, int> ErrorKinds,
    double Seconds,
    double RequestsPerSecond,
    LatencySummary LatencyMs,
    double ClientCpuSeconds,
    double? ServerCpuSeconds,
    double ClientAllocatedKilobytesPerRequest,
    int ClientGen0Collections,
    int ClientGen2Collections)
{
    public static ThroughputRow From(string call, string host, int concurrency, LoadResult result) => new(
        call,
        host,
        concurrency,
        result.Requests,
        result.Errors,
        result.ErrorKinds,
        result.Elapsed.TotalSeconds,
        result.RequestsPerSecond,
        result.Latency,
        result.ClientCpu.TotalSeconds,
        result.ServerCpu?.TotalSeconds,
        result.ClientAllocatedBytes / 1024.0 / Math.Max(1, result.Requests),
        result.Gen0Collections,
        result.Gen2Collections);
}
