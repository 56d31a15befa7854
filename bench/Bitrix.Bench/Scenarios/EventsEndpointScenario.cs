using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Bitrix.AspNetCore;
using Bitrix.Bench.Harness;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Bitrix.Bench.Scenarios;

/// <summary>
/// Events per second the <c>MapBitrixEvents</c> endpoint accepts over loopback: N concurrent senders POST the
/// documented ONCRMDEALADD form (each with its own ID) for a fixed time; every event handed to the handler
/// is counted, and the run fails when any answer is not 200 or any ID is missing or doubled.
/// </summary>
internal sealed class EventsEndpointScenario : IScenario
{
    private const string Token = "51856fefc120afa4b628cc82d3935cce";

    public string Name => "events-endpoint";

    public string Summary => "events/s the ASP.NET Core events endpoint accepts over loopback, with latency and a loss check";

    public string Usage => """
        Options:
          --seconds N        measured seconds (default 10)
          --concurrency N    concurrent senders sharing one HttpClient (default 32)
          --replay-window    keep the optional replay window on (hash per event)
          --min-eps N        fail below this many events/s (default 0: no floor)
        Exit code 1 when an answer is not 200 or an event is lost or doubled.
        """;

    public async Task<int> RunAsync(BenchArguments arguments, CancellationToken cancellationToken)
    {
        var seconds = arguments.Double("seconds", 10, min: 0.1);
        var concurrency = arguments.Int("concurrency", 32, min: 1);
        var replayWindow = arguments.Flag("replay-window");
        var minEps = arguments.Double("min-eps", 0, min: 0);
        arguments.EnsureAllRead();

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        var received = new System.Collections.Concurrent.ConcurrentDictionary<long, int>();
        var options = new BitrixEventOptions { ApplicationTokens = { Token }, ReplayWindow = replayWindow ? TimeSpan.FromMinutes(10) : null };
        app.MapBitrixEvents("/bitrix/events", (e, _) =>
        {
            received.AddOrUpdate(((BitrixCrmEvent)e).Id, 1, (_, n) => n + 1);
            return Task.CompletedTask;
        }, options);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var endpoint = new Uri(new Uri(app.Urls.First()), "/bitrix/events");
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency });

        var next = 0L;
        var failures = 0L;
        var latencies = new List<double>[concurrency];
        var clock = Stopwatch.StartNew();
        var until = TimeSpan.FromSeconds(seconds);
        var workers = Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            var own = latencies[w] = [];
            while (clock.Elapsed < until && !cancellationToken.IsCancellationRequested)
            {
                var id = Interlocked.Increment(ref next);
                using var content = new StringContent(Form(id), Encoding.UTF8, "application/x-www-form-urlencoded");
                var started = Stopwatch.GetTimestamp();
                using var response = await http.PostAsync(endpoint, content, cancellationToken).ConfigureAwait(false);
                own.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }, cancellationToken)).ToArray();
        await Task.WhenAll(workers).ConfigureAwait(false);
        var elapsed = clock.Elapsed.TotalSeconds;
        await app.StopAsync(cancellationToken).ConfigureAwait(false);

        var sent = Interlocked.Read(ref next);
        var all = latencies.SelectMany(l => l).Order().ToList();
        var lost = sent - received.Count;
        var doubled = received.Count(p => p.Value != 1);
        var eps = received.Count / elapsed;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"events-endpoint: {received.Count} events in {elapsed:F1} s = {eps:F0} events/s, concurrency {concurrency}, replay window {(replayWindow ? "on" : "off")}; " +
            $"latency p50 {Percentile(all, 0.5):F2} ms, p99 {Percentile(all, 0.99):F2} ms; non-200 {failures}, lost {lost}, doubled {doubled}"));
        return failures == 0 && lost == 0 && doubled == 0 && eps >= minEps ? 0 : 1;
    }

    private static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];

    private static string Form(long id) => string.Create(CultureInfo.InvariantCulture,
        $"event=ONCRMDEALADD&event_handler_id=185&data%5BFIELDS%5D%5BID%5D={id}&ts=1735374081&auth%5Bdomain%5D=some-domain.bitrix24.com&auth%5Bmember_id%5D=a223c6b3710f85df22e9377d6c4f7553&auth%5Bscope%5D=crm&auth%5Bapplication_token%5D={Token}");
}
