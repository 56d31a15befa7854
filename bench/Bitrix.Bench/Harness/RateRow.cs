using System.Diagnostics;
using System.Globalization;

namespace Bitrix.Bench.Harness;

/// <summary>
/// One measured run of the limits scenarios (<c>rate</c>, <c>rate-two-clients</c>,
/// <c>rate-two-processes</c>): what the portal counted, what the clients did, and the rate after the burst.
/// </summary>
/// <param name="Setup">Who sent the calls: one client, two clients in one process, two processes.</param>
/// <param name="Plan">The bucket on both sides.</param>
/// <param name="DrainPerSecond">The plan's drain rate, the target of the rate after the burst.</param>
/// <param name="AutoBatch">Whether the clients coalesced concurrent calls into batches.</param>
/// <param name="Calls">Independent calls issued at once.</param>
/// <param name="Requests">HTTP requests the emulator received (refused ones included).</param>
/// <param name="ClientRequests">HTTP requests the clients counted on their meter (should equal <paramref name="Requests"/>).</param>
/// <param name="Rejected503">Requests the emulator refused with 503 QUERY_LIMIT_EXCEEDED.</param>
/// <param name="Rejected429">Calls the emulator refused with 429 OPERATION_TIME_LIMIT.</param>
/// <param name="WallSeconds">From issuing the calls to the last answer.</param>
/// <param name="FirstBucketWaitSeconds">When the first wait for the bucket began, seconds after the calls were issued; null if none waited.</param>
/// <param name="PostBurstRate">(accepted requests − capacity) / (end − first bucket wait); null when no request waited.</param>
/// <param name="RateOverPlan"><paramref name="PostBurstRate"/> divided by the plan's drain rate.</param>
/// <param name="ClientCpuSeconds">CPU time of the client process(es) during the run.</param>
/// <param name="JitSeconds">Of that CPU, time the JIT spent compiling during the run (after the warm-up).</param>
/// <param name="CpuSecondsPer1000Requests">Client CPU seconds per 1,000 HTTP requests.</param>
/// <param name="CpuSecondsPer1000Calls">Client CPU seconds per 1,000 calls.</param>
/// <param name="WaitSecondsByReason">The meter's <c>bitrix.client.wait.duration</c> summed by reason, over all concurrent waiters.</param>
/// <param name="SampledWaitSeconds">Seconds during which <c>CurrentWaitReason</c> showed each reason (sampled every 50 ms).</param>
/// <param name="Errors">Calls that failed, by error code.</param>
/// <param name="Parts">Per client or per process, when there are several.</param>
internal sealed record RateRow(
    string Setup,
    string Plan,
    double DrainPerSecond,
    bool AutoBatch,
    int Calls,
    long Requests,
    long ClientRequests,
    long Rejected503,
    long Rejected429,
    double WallSeconds,
    double? FirstBucketWaitSeconds,
    double? PostBurstRate,
    double? RateOverPlan,
    double ClientCpuSeconds,
    double JitSeconds,
    double CpuSecondsPer1000Requests,
    double CpuSecondsPer1000Calls,
    IReadOnlyDictionary<string, double> WaitSecondsByReason,
    IReadOnlyDictionary<string, double> SampledWaitSeconds,
    IReadOnlyDictionary<string, long> Errors,
    IReadOnlyList<RatePart> Parts)
{
    /// <summary>When the clients received each refusal, seconds after the calls were issued (for diagnosis; JSON only).</summary>
    public IReadOnlyList<double> RefusalsAtSeconds { get; init; } = [];

    /// <summary>The fields every limits scenario reports; rows are the calls, the floor is ceil(calls / 50) requests.</summary>
    public LimitsResult? Measured { get; init; }

    /// <summary>
    /// The achieved rate after the burst: requests beyond the first <c>capacity</c>, divided by the
    /// time from the start of the first wait for the bucket to the last answer.
    /// </summary>
    public static double? PostBurst(long acceptedRequests, RateLimitPlan plan, long? firstBucketWait, long ended)
    {
        if (firstBucketWait is not { } first || acceptedRequests <= plan.Capacity || ended <= first)
        {
            return null;
        }

        return (acceptedRequests - plan.Capacity) / Stopwatch.GetElapsedTime(first, ended).TotalSeconds;
    }

    /// <summary>Builds a row from the portal's count and the clients' measurements.</summary>
    public static RateRow From(
        string setup,
        LimitPlanChoice plan,
        bool autoBatch,
        int calls,
        PortalStats stats,
        long clientRequests,
        long started,
        long ended,
        long? firstBucketWait,
        double cpuSeconds,
        double jitSeconds,
        IReadOnlyDictionary<string, double> waits,
        IReadOnlyDictionary<string, double> sampled,
        IReadOnlyDictionary<string, long> errors,
        IReadOnlyList<RatePart> parts)
    {
        var rate = PostBurst(stats.Accepted, plan.Plan, firstBucketWait, ended);
        return new RateRow(
            setup,
            plan.ToString(),
            plan.Plan.DrainPerSecond,
            autoBatch,
            calls,
            stats.Requests,
            clientRequests,
            stats.Rejected503,
            stats.Rejected429,
            Stopwatch.GetElapsedTime(started, ended).TotalSeconds,
            firstBucketWait is { } w ? Stopwatch.GetElapsedTime(started, w).TotalSeconds : null,
            rate,
            rate / plan.Plan.DrainPerSecond,
            cpuSeconds,
            jitSeconds,
            cpuSeconds * 1000 / Math.Max(1, stats.Requests),
            cpuSeconds * 1000 / Math.Max(1, calls),
            waits,
            sampled,
            errors,
            parts);
    }

    /// <summary>Timestamps relative to <paramref name="started"/>, in seconds.</summary>
    public static IReadOnlyList<double> Since(long started, IEnumerable<long> timestamps)
        => [.. timestamps.Order().Select(t => Math.Round(Stopwatch.GetElapsedTime(started, t).TotalSeconds, 4))];

    public static MarkdownTable Table(IEnumerable<RateRow> rows)
    {
        var table = MarkdownTable.WithLimits("setup", "auto-batch", "plan", "client-counted requests", "first wait s", "post-burst req/s", "÷ plan", "CPU s/1k req", "wait s by reason (summed)", "bucket wait s (sampled)", "errors");
        foreach (var r in rows)
        {
            table.Add(
                r.Measured ?? throw new InvalidOperationException("a rate row without its common measurement"),
                r.Setup,
                r.AutoBatch ? "on" : "off",
                r.Plan,
                F(r.ClientRequests),
                r.FirstBucketWaitSeconds is { } first ? F(first, "F3") : "–",
                r.PostBurstRate is { } rate ? F(rate, "F3") : "–",
                r.RateOverPlan is { } ratio ? F(ratio, "F3") : "–",
                F(r.CpuSecondsPer1000Requests, "F3"),
                Join(r.WaitSecondsByReason, "F1"),
                F(r.SampledWaitSeconds.GetValueOrDefault(ClientMetrics.BucketReason), "F2"),
                MarkdownTable.Counts(r.Errors));
        }

        return table;
    }

    /// <summary>The per-client or per-process parts of the rows that have them.</summary>
    public static MarkdownTable PartsTable(IEnumerable<RateRow> rows)
    {
        var table = new MarkdownTable("setup", "auto-batch", "part", "calls", "requests", "refusals seen", "last answer s", "answers in 1st half of paced window", "in 2nd half", "CPU s", "wait s by reason (summed)", "errors");
        foreach (var r in rows)
        {
            foreach (var p in r.Parts)
            {
                table.Add(
                    r.Setup,
                    r.AutoBatch ? "on" : "off",
                    p.Name,
                    F(p.Calls),
                    p.Requests is { } requests ? F(requests) : "(shared meter)",
                    p.RefusalsByCode is { } refusals ? (MarkdownTable.Counts(refusals)) : "(shared meter)",
                    F(p.LastAnswerSeconds, "F2"),
                    p.AnswersFirstHalf is { } first ? F(first) : "–",
                    p.AnswersSecondHalf is { } second ? F(second) : "–",
                    p.CpuSeconds is { } cpu ? F(cpu, "F2") : "(one process)",
                    p.WaitSecondsByReason is { } waits ? Join(waits, "F1") : "(shared meter)",
                    MarkdownTable.Counts(p.Errors));
            }
        }

        return table;
    }

    /// <summary>
    /// Answers of one part in each half of the paced window (first bucket wait → last answer):
    /// with a fair share of the bucket each part gets about half of each half.
    /// </summary>
    public static (long? First, long? Second) Halves(IEnumerable<long> answers, long? firstBucketWait, long ended)
    {
        if (firstBucketWait is not { } start || ended <= start)
        {
            return (null, null);
        }

        var middle = start + ((ended - start) / 2);
        var list = answers.Where(a => a >= start).ToList();
        return (list.Count(a => a < middle), list.Count(a => a >= middle));
    }

    private static string F(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static string Join(IReadOnlyDictionary<string, double> values, string format)
        => MarkdownTable.Values(values, format);
}

/// <summary>
/// One client's or one process's share of a run. Requests, refusals, waits and CPU are known per
/// part only when the part is a process of its own (the meter and the CPU account are per process).
/// </summary>
/// <param name="AnswersFirstHalf">Calls of this part answered in the first half of the paced window (first bucket wait → last answer).</param>
/// <param name="AnswersSecondHalf">Those answered in the second half.</param>
internal sealed record RatePart(
    string Name,
    int Calls,
    long? Requests,
    IReadOnlyDictionary<string, long>? RefusalsByCode,
    double LastAnswerSeconds,
    long? AnswersFirstHalf,
    long? AnswersSecondHalf,
    double? CpuSeconds,
    IReadOnlyDictionary<string, double>? WaitSecondsByReason,
    IReadOnlyDictionary<string, long> Errors);
