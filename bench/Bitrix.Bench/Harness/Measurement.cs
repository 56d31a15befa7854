using System.Diagnostics;
using System.Globalization;
using System.Runtime;

namespace Bitrix.Bench.Harness;

/// <summary>
/// The least wall time the portal's leaky bucket allows for a piece of work: the fewest HTTP
/// requests the work needs, the first <c>capacity</c> of them free, then one per <c>1 / drain</c> s.
/// </summary>
/// <param name="MinRequests">The fewest requests the work needs.</param>
/// <param name="Seconds">max(0, MinRequests − capacity) / drain; 0 when the work fits in the free burst.</param>
internal sealed record PolicyFloor(long MinRequests, double Seconds)
{
    /// <summary>Rows per request of a whole-list read: 50 pages of 50 rows chained in one batch.</summary>
    public const int RowsPerListRequest = 2_500;

    /// <summary>Commands per batch request.</summary>
    public const int CommandsPerBatch = 50;

    /// <summary>Probes a whole-list read needs besides its batches (first page, last ID, closing short batch).</summary>
    public const int ListProbes = 3;

    public static PolicyFloor ForRequests(long minRequests, RateLimitPlan plan)
        => new(minRequests, Math.Max(0, minRequests - plan.Capacity) / plan.DrainPerSecond);

    /// <summary>A whole list of <paramref name="rows"/> rows: ceil(rows / 2,500) + 3 requests.</summary>
    public static PolicyFloor ForList(long rows, RateLimitPlan plan)
        => ForRequests(((rows + RowsPerListRequest - 1) / RowsPerListRequest) + ListProbes, plan);

    /// <summary><paramref name="items"/> calls that can share batches (bulk writes, gets): ceil(items / 50) requests.</summary>
    public static PolicyFloor ForBatchable(long items, RateLimitPlan plan)
        => ForRequests((items + CommandsPerBatch - 1) / CommandsPerBatch, plan);
}

/// <summary>
/// What every limits scenario reports for one measured run, the same fields in every result.
/// </summary>
/// <param name="Rows">Units of work done: rows read, calls answered, deals added.</param>
/// <param name="Requests">HTTP requests the emulator received (refused ones included).</param>
/// <param name="Rejected503">Requests the emulator refused with 503 QUERY_LIMIT_EXCEEDED (the bucket; injected 503 pages are faults, not counted here).</param>
/// <param name="Rejected429">Calls refused with 429 OPERATION_TIME_LIMIT.</param>
/// <param name="Retries">Resends the client counted (<c>bitrix.client.retries</c>).</param>
/// <param name="OperatingSeconds">Modelled server seconds the emulator charged over all methods during the run.</param>
/// <param name="ServerSeconds">Of that, what the emulator really waited: operating seconds × latency scale, summed over requests (they overlap in time).</param>
/// <param name="Floor">The policy floor of the work.</param>
/// <param name="FloorOverWall">Floor / wall; null when the work fits in the free burst (floor 0).</param>
/// <param name="ServerOverWall">Server seconds / wall: the yardstick of runs whose floor is 0.</param>
/// <param name="ClientCpuSeconds">CPU time of this process (the client) during the run.</param>
/// <param name="ClientCpuPercentOfWall">Client CPU ÷ wall × 100 (two cores: up to 200).</param>
/// <param name="JitSeconds">Of the client CPU, time the JIT spent compiling.</param>
/// <param name="EmulatorCpuSeconds">CPU time of the emulator's process; null when it runs in this one.</param>
/// <param name="PeakWorkingSetMegabytes">This process's working set, sampled every 50 ms after a full GC before the run.</param>
/// <param name="FaultsInjected">Faults the emulator injected during the run, by kind.</param>
internal sealed record LimitsResult(
    long Rows,
    double WallSeconds,
    long Requests,
    long Rejected503,
    long Rejected429,
    long Retries,
    double OperatingSeconds,
    double ServerSeconds,
    PolicyFloor Floor,
    double? FloorOverWall,
    double ServerOverWall,
    double ClientCpuSeconds,
    double ClientCpuPercentOfWall,
    double JitSeconds,
    double? EmulatorCpuSeconds,
    double PeakWorkingSetMegabytes,
    IReadOnlyDictionary<string, long> FaultsInjected)
{
    public const string Note = "Common fields: requests, 503, 429, operating s from the emulator's /_emulator/stats (503 = bucket refusals only); retries from the client's bitrix.client.retries; "
        + "server s = operating s × latency scale (summed over requests, which overlap); policy floor = max(0, fewest requests − capacity) / drain (fewest: ceil(rows/2,500)+3 for a list, ceil(items/50) for batchable calls); "
        + "floor/wall only when the floor is above 0, else server s/wall is the yardstick; CPU % = client CPU / wall; peak WS: this process, sampled every 50 ms after a full GC.";

    public static readonly string[] Headers =
    [
        "rows", "wall s", "HTTP requests", "503", "429", "retries", "operating s", "server s", "min requests", "policy floor s", "floor/wall", "server s/wall", "client CPU s", "CPU % of wall", "emulator CPU s", "peak WS MB",
    ];

    /// <summary>The result from the emulator's counts during the run (<paramref name="stats"/>) and the client's measurements.</summary>
    public static LimitsResult From(long rows, double wall, PortalStats stats, long retries, PolicyFloor floor, double latencyScale, double cpu, double jit, double? emulatorCpu, double peakMegabytes)
    {
        var operating = stats.OperatingSeconds;
        var span = Math.Max(wall, 1e-9);
        return new LimitsResult(
            rows,
            wall,
            stats.Requests,
            stats.Rejected503,
            stats.Rejected429,
            retries,
            operating,
            operating * latencyScale,
            floor,
            floor.Seconds > 0 ? floor.Seconds / span : null,
            operating * latencyScale / span,
            cpu,
            cpu * 100 / span,
            jit,
            emulatorCpu,
            peakMegabytes,
            stats.Faults);
    }

    public string[] Cells() =>
    [
        F(Rows),
        F(WallSeconds, "F2"),
        F(Requests),
        F(Rejected503),
        F(Rejected429),
        F(Retries),
        F(OperatingSeconds, "F2"),
        F(ServerSeconds, "F2"),
        F(Floor.MinRequests),
        F(Floor.Seconds, "F2"),
        FloorOverWall is { } ratio ? F(ratio, "F3") : "– (in burst)",
        F(ServerOverWall, "F3"),
        F(ClientCpuSeconds, "F2"),
        F(ClientCpuPercentOfWall, "F1"),
        EmulatorCpuSeconds is { } cpu ? F(cpu, "F2") : "(in client)",
        F(PeakWorkingSetMegabytes, "F0"),
    ];

    /// <summary>A one-line summary for the console.</summary>
    public string Summary() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Rows} rows, wall {WallSeconds:F2} s, {Requests} requests, 503 {Rejected503}, 429 {Rejected429}, retries {Retries}, operating {OperatingSeconds:F2} s, floor {Floor.Seconds:F2} s ({Floor.MinRequests} requests){(FloorOverWall is { } r ? $", floor/wall {r:F3}" : $", server/wall {ServerOverWall:F3}")}, client CPU {ClientCpuSeconds:F2} s ({ClientCpuPercentOfWall:F1} % of wall){(FaultsInjected.Count > 0 ? ", faults " + string.Join(", ", FaultsInjected.Select(f => $"{f.Key} ×{f.Value}")) : "")}");

    private static string F(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}

/// <summary>
/// This process's CPU, JIT time and peak working set over a stretch of time (the working set sampled
/// every 50 ms, after a full GC at the start so earlier garbage does not count).
/// </summary>
internal sealed class ProcessSampler : IDisposable
{
    private readonly Process _self = Process.GetCurrentProcess();
    private readonly TimeSpan _cpuBefore;
    private readonly TimeSpan _jitBefore;
    private readonly long _started;
    private readonly Timer _timer;
    private long _peak;

    private ProcessSampler()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        _self.Refresh();
        _cpuBefore = _self.TotalProcessorTime;
        _jitBefore = JitInfo.GetCompilationTime();
        _timer = new Timer(_ => Sample(), null, 0, 50);
        _started = Stopwatch.GetTimestamp();
    }

    public static ProcessSampler Start() => new();

    public double ElapsedSeconds => Stopwatch.GetElapsedTime(_started).TotalSeconds;

    /// <summary>Wall, CPU and JIT seconds since the start and the peak working set in MB, at this moment.</summary>
    public (double Wall, double Cpu, double Jit, double PeakMegabytes) Read()
    {
        var wall = ElapsedSeconds;
        _self.Refresh();
        Sample();
        return (wall, (_self.TotalProcessorTime - _cpuBefore).TotalSeconds, (JitInfo.GetCompilationTime() - _jitBefore).TotalSeconds, Interlocked.Read(ref _peak) / (1024.0 * 1024.0));
    }

    public void Dispose()
    {
        _timer.Dispose();
        _self.Dispose();
    }

    private void Sample()
    {
        var now = Environment.WorkingSet;
        long seen;
        while ((seen = Interlocked.Read(ref _peak)) < now && Interlocked.CompareExchange(ref _peak, now, seen) != seen)
        {
        }
    }
}

/// <summary>
/// One measured run against an emulator: started just before the scenario's work, stopped right
/// after it. It reads the emulator's counters before and after (so a run need not start from a
/// fresh portal to be counted right), listens to the client's meter and samples this process.
/// A scenario states only its work and its floor:
/// <code>
/// using var run = await MeasuredRun.StartAsync(emulator, ct);
/// ... the work ...
/// var outcome = await run.StopAsync(rows, PolicyFloor.ForList(rows, plan), latencyScale, ct);
/// </code>
/// </summary>
internal sealed class MeasuredRun : IDisposable
{
    private readonly EmulatorControl _control;
    private readonly EmulatorProcess? _emulator;
    private readonly PortalStats _before;
    private readonly TimeSpan _emulatorCpuBefore;
    private readonly ClientMetrics _metrics;
    private readonly ProcessSampler _sampler;

    private MeasuredRun(EmulatorControl control, EmulatorProcess? emulator, PortalStats before)
    {
        _control = control;
        _emulator = emulator;
        _before = before;
        _metrics = new ClientMetrics();
        _emulatorCpuBefore = emulator?.CpuTime ?? TimeSpan.Zero;
        _sampler = ProcessSampler.Start();
    }

    /// <summary>The client's meter during the run.</summary>
    public ClientMetrics Metrics => _metrics;

    /// <summary>Counts from here: the emulator's stats now, the meter, CPU and working set.</summary>
    public static async Task<MeasuredRun> StartAsync(EmulatorProcess emulator, CancellationToken cancellationToken)
    {
        var control = new EmulatorControl(emulator.WebhookUrl);
        try
        {
            var before = await control.StatsAsync(cancellationToken).ConfigureAwait(false);
            return new MeasuredRun(control, emulator, before);
        }
        catch
        {
            control.Dispose();
            throw;
        }
    }

    /// <summary>Ends the run: the common result, the emulator's stats after it and what the meter heard.</summary>
    public async Task<RunOutcome> StopAsync(long rows, PolicyFloor floor, double latencyScale, CancellationToken cancellationToken)
    {
        var (wall, cpu, jit, peak) = _sampler.Read();
        var emulatorCpu = _emulator is null ? (double?)null : (_emulator.CpuTime - _emulatorCpuBefore).TotalSeconds;
        var heard = _metrics.Snapshot();
        var after = await _control.StatsAsync(cancellationToken).ConfigureAwait(false);
        var delta = after.Since(_before);
        var result = LimitsResult.From(rows, wall, delta, heard.RetriesByReason.Values.Sum(), floor, latencyScale, cpu, jit, emulatorCpu, peak);
        return new RunOutcome(result, delta, heard);
    }

    public void Dispose()
    {
        _sampler.Dispose();
        _metrics.Dispose();
        _control.Dispose();
    }
}

/// <summary>A stopped <see cref="MeasuredRun"/>: the common result, the emulator's counts during the run and the client's meter.</summary>
internal sealed record RunOutcome(LimitsResult Result, PortalStats Stats, ClientMetricsSnapshot Heard);
