using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Text.Json.Nodes;

namespace Bitrix.Bench.Harness;

/// <summary>
/// Issues N independent <c>crm.deal.get</c> calls at once, spread round-robin over one or more
/// clients, and waits for all of them: the load of the limits scenarios. While it runs it samples
/// each client's <see cref="BitrixClient.CurrentWaitReason"/> every 50 ms. The IDs asked for are
/// the portal's own (<see cref="EmulatorControl.DealIdsAsync(Uri, CancellationToken)"/>, read before
/// the burst), taken in turn: the seeded IDs have holes, so row numbers would miss.
/// </summary>
internal static class CallBurst
{
    public const string Method = "crm.deal.get";
    private static readonly TimeSpan SampleEvery = TimeSpan.FromMilliseconds(50);

    public static async Task<BurstResult> RunAsync(IReadOnlyList<BitrixClient> clients, int calls, IReadOnlyList<long> ids, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfZero(ids.Count, nameof(ids));
        var self = Process.GetCurrentProcess();
        self.Refresh();
        var cpuBefore = self.TotalProcessorTime;
        var jitBefore = JitInfo.GetCompilationTime();
        var jitMethodsBefore = JitInfo.GetCompiledMethodCount();
        var tallies = clients.Select(_ => new Tally()).ToArray();
        using var stopSampling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var started = Stopwatch.GetTimestamp();
        var sampler = SampleAsync(clients, stopSampling.Token);
        var work = new Task[calls];
        for (var i = 0; i < calls; i++)
        {
            var index = i % clients.Count;
            var id = ids[i % ids.Count];
            work[i] = CallAsync(clients[index], id, tallies[index], cancellationToken);
        }

        await Task.WhenAll(work).ConfigureAwait(false);
        var ended = Stopwatch.GetTimestamp();
        await stopSampling.CancelAsync().ConfigureAwait(false);
        var sampled = await sampler.ConfigureAwait(false);
        self.Refresh();
        var cpu = self.TotalProcessorTime - cpuBefore;
        var jit = JitInfo.GetCompilationTime() - jitBefore;
        var jitMethods = JitInfo.GetCompiledMethodCount() - jitMethodsBefore;
        return new BurstResult(
            started,
            ended,
            [.. tallies.Select(t => new ClientTally(t.Calls, t.Ended, t.ErrorsSnapshot(), t.AnswersSnapshot()))],
            cpu.TotalSeconds,
            jit.TotalSeconds,
            jitMethods,
            sampled);
    }

    /// <summary>The parameters of a call for deal <paramref name="id"/>: <c>{ id: N }</c>.</summary>
    public static JsonObject Parameters(long id) => new() { ["id"] = id.ToString(CultureInfo.InvariantCulture) };

    private static async Task CallAsync(BitrixClient client, long id, Tally tally, CancellationToken cancellationToken)
    {
        // Every call starts on its own: no caller awaits another, as with independent requests of a web app.
        await Task.Yield();
        try
        {
            var result = await client.CallAsync(Method, Parameters(id), cancellationToken).ConfigureAwait(false);
            if (result.TryGetProperty("ID", out var got) && got.GetString() != id.ToString(CultureInfo.InvariantCulture))
            {
                tally.Error("WRONG_ANSWER");
            }
        }
        catch (BitrixException e)
        {
            tally.Error(e.ErrorCode);
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            tally.Error(e.GetType().Name);
        }
        finally
        {
            tally.Done(Stopwatch.GetTimestamp());
        }
    }

    /// <summary>Seconds during which any client reported each wait reason (sampled, so ±50 ms per stretch).</summary>
    private static async Task<IReadOnlyDictionary<string, double>> SampleAsync(IReadOnlyList<BitrixClient> clients, CancellationToken cancellationToken)
    {
        var seconds = new SortedDictionary<string, double>(StringComparer.Ordinal);
        using var timer = new PeriodicTimer(SampleEvery);
        var last = Stopwatch.GetTimestamp();
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var now = Stopwatch.GetTimestamp();
                var elapsed = Stopwatch.GetElapsedTime(last, now).TotalSeconds;
                last = now;
                foreach (var reason in clients.Select(c => c.CurrentWaitReason).OfType<string>().Distinct(StringComparer.Ordinal))
                {
                    seconds[reason] = seconds.GetValueOrDefault(reason) + elapsed;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The burst is over.
        }

        return seconds;
    }

    private sealed class Tally
    {
        private readonly Dictionary<string, long> _errors = new(StringComparer.Ordinal);
        private readonly List<long> _answers = [];
        private long _ended;
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public long Ended => Interlocked.Read(ref _ended);

        public void Done(long at)
        {
            Interlocked.Increment(ref _calls);
            lock (_answers)
            {
                _answers.Add(at);
            }

            long seen;
            while ((seen = Interlocked.Read(ref _ended)) < at && Interlocked.CompareExchange(ref _ended, at, seen) != seen)
            {
            }
        }

        public void Error(string code)
        {
            lock (_errors)
            {
                _errors[code] = _errors.GetValueOrDefault(code) + 1;
            }
        }

        public IReadOnlyList<long> AnswersSnapshot()
        {
            lock (_answers)
            {
                return [.. _answers.Order()];
            }
        }

        public IReadOnlyDictionary<string, long> ErrorsSnapshot()
        {
            lock (_errors)
            {
                return new SortedDictionary<string, long>(_errors, StringComparer.Ordinal);
            }
        }
    }
}

/// <summary>
/// One burst: when it began and ended (<see cref="Stopwatch"/> timestamps), each client's share,
/// the process's CPU and the part of it the JIT spent compiling (<see cref="JitInfo.GetCompilationTime"/>).
/// </summary>
internal sealed record BurstResult(long Started, long Ended, IReadOnlyList<ClientTally> Clients, double CpuSeconds, double JitSeconds, long JitMethods, IReadOnlyDictionary<string, double> SampledWaitSeconds)
{
    public double WallSeconds => Stopwatch.GetElapsedTime(Started, Ended).TotalSeconds;

    public IReadOnlyDictionary<string, long> Errors => Clients
        .SelectMany(c => c.Errors)
        .GroupBy(e => e.Key, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.Sum(e => e.Value), StringComparer.Ordinal);
}

/// <summary>One client's calls: how many completed, when the last did, the errors, and when each call completed.</summary>
internal sealed record ClientTally(int Calls, long Ended, IReadOnlyDictionary<string, long> Errors, IReadOnlyList<long> AnswerTimestamps);
