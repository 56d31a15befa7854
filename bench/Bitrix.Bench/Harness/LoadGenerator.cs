using System.Diagnostics;

namespace Bitrix.Bench.Harness;

/// <summary>
/// A closed-loop load generator: <c>concurrency</c> workers share one <see cref="HttpClient"/>, and
/// each sends its next request as soon as the previous answer has been read in full, until the
/// time is up. Throughput is then what the server (and the client) can sustain, not an offered rate.
/// </summary>
internal static class LoadGenerator
{
    /// <summary>Runs the load for <paramref name="duration"/> and measures it.</summary>
    /// <param name="client">The one client every worker shares.</param>
    /// <param name="createRequest">Builds a fresh request; each worker passes its own seeded <see cref="Random"/>.</param>
    /// <param name="concurrency">Workers, i.e. requests in flight.</param>
    /// <param name="duration">How long new requests are started; those in flight at the end are still counted.</param>
    /// <param name="serverCpu">Reads the server's CPU time when it runs in another process; null in-process.</param>
    /// <param name="cancellationToken">Stops the run early.</param>
    public static async Task<LoadResult> RunAsync(
        HttpClient client,
        Func<Random, HttpRequestMessage> createRequest,
        int concurrency,
        TimeSpan duration,
        Func<TimeSpan>? serverCpu,
        CancellationToken cancellationToken)
    {
        var self = Process.GetCurrentProcess();
        var gcBefore = (Gen0: GC.CollectionCount(0), Gen1: GC.CollectionCount(1), Gen2: GC.CollectionCount(2));
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: false);
        self.Refresh();
        var clientCpuBefore = self.TotalProcessorTime;
        var serverCpuBefore = serverCpu?.Invoke();

        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = new Task<WorkerResult>[concurrency];
        for (var i = 0; i < concurrency; i++)
        {
            var seed = i;
            workers[i] = Task.Run(() => WorkAsync(client, createRequest, new Random(seed), deadline, cancellationToken), cancellationToken);
        }

        var results = await Task.WhenAll(workers).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started);

        self.Refresh();
        var clientCpu = self.TotalProcessorTime - clientCpuBefore;
        var serverCpuUsed = serverCpu is null ? (TimeSpan?)null : serverCpu() - serverCpuBefore!.Value;
        var allocated = GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore;

        var latencies = results.SelectMany(r => r.LatencyTicks).Select(t => t * 1000.0 / Stopwatch.Frequency).ToArray();
        Array.Sort(latencies);
        var errors = results.SelectMany(r => r.Errors)
            .GroupBy(e => e, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return new LoadResult(
            Requests: latencies.Length + errors.Values.Sum(),
            Errors: errors.Values.Sum(),
            ErrorKinds: errors,
            Elapsed: elapsed,
            Latency: LatencySummary.From(latencies),
            ClientCpu: clientCpu,
            ServerCpu: serverCpuUsed,
            ClientAllocatedBytes: allocated,
            Gen0Collections: GC.CollectionCount(0) - gcBefore.Gen0,
            Gen2Collections: GC.CollectionCount(2) - gcBefore.Gen2);
    }

    private static async Task<WorkerResult> WorkAsync(HttpClient client, Func<Random, HttpRequestMessage> createRequest, Random random, long deadline, CancellationToken cancellationToken)
    {
        var result = new WorkerResult();
        while (Stopwatch.GetTimestamp() < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var request = createRequest(random);
            var sent = Stopwatch.GetTimestamp();
            try
            {
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                await using (body.ConfigureAwait(false))
                {
                    await body.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
                }

                if (response.IsSuccessStatusCode)
                {
                    result.LatencyTicks.Add(Stopwatch.GetTimestamp() - sent);
                }
                else
                {
                    result.Errors.Add($"HTTP {(int)response.StatusCode}");
                }
            }
            catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                result.Errors.Add(e.GetType().Name);
            }
        }

        return result;
    }

    private sealed class WorkerResult
    {
        public List<long> LatencyTicks { get; } = new(capacity: 16 * 1024);

        public List<string> Errors { get; } = [];
    }
}

/// <summary>What one load run measured.</summary>
internal sealed record LoadResult(
    long Requests,
    long Errors,
    IReadOnlyDictionary<string, int> ErrorKinds,
    TimeSpan Elapsed,
    LatencySummary Latency,
    TimeSpan ClientCpu,
    TimeSpan? ServerCpu,
    long ClientAllocatedBytes,
    int Gen0Collections,
    int Gen2Collections)
{
    public double RequestsPerSecond => (Requests - Errors) / Elapsed.TotalSeconds;
}

/// <summary>Latency percentiles of successful requests, in milliseconds (nearest rank).</summary>
internal sealed record LatencySummary(double P50, double P95, double P99, double Max, double Mean)
{
    public static LatencySummary From(double[] sortedMilliseconds)
    {
        if (sortedMilliseconds.Length == 0)
        {
            return new LatencySummary(0, 0, 0, 0, 0);
        }

        double At(double p) => sortedMilliseconds[Math.Clamp((int)Math.Ceiling(p * sortedMilliseconds.Length) - 1, 0, sortedMilliseconds.Length - 1)];
        return new LatencySummary(At(0.50), At(0.95), At(0.99), sortedMilliseconds[^1], sortedMilliseconds.Average());
    }
}
