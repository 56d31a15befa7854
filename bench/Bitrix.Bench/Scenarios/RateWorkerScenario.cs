using System.Text.Json;
using Bitrix.Bench.Harness;
using Bitrix.Redis;
using StackExchange.Redis;

namespace Bitrix.Bench.Scenarios;

/// <summary>
/// The hidden subcommand <c>rate-worker</c>: one process of <c>rate-two-processes</c>. It warms up,
/// prints <c>ready</c>, waits for <c>go</c> on stdin, issues its calls through a client on a
/// <see cref="RedisRateLimitStore"/> and prints <c>result {json}</c> with what it measured.
/// Timestamps are <see cref="System.Diagnostics.Stopwatch"/> ticks: the monotonic clock is
/// machine-wide (CLOCK_MONOTONIC, QPC), so the parent compares them across processes.
/// </summary>
internal sealed class RateWorkerScenario : IScenario
{
    public const string ReadyLine = "ready";
    public const string GoLine = "go";
    public const string ResultPrefix = "result ";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Name => "rate-worker";

    public string Summary => "(internal) one process of rate-two-processes";

    public string Usage => """
        Started by rate-two-processes; not meant to be run by hand.
          --webhook URL --warmup-webhook URL --warmup N --warmup-rounds R --redis CONFIG --prefix KEYPREFIX --calls N --auto-batch on|off --deals N --name NAME
          --plan standard|enterprise|custom [--capacity X --drain Y]
        """;

    public async Task<int> RunAsync(BenchArguments arguments, CancellationToken cancellationToken)
    {
        var webhook = arguments.String("webhook") ?? throw new ArgumentException("--webhook is required");
        var warmUpWebhook = arguments.String("warmup-webhook");
        var warmup = arguments.Int("warmup", 100, min: 0);
        var warmupRounds = arguments.Int("warmup-rounds", 40, min: 1);
        var redisConfiguration = arguments.String("redis") ?? throw new ArgumentException("--redis is required");
        var prefix = arguments.String("prefix", "bench:");
        var calls = arguments.Int("calls", 85, min: 1);
        var autoBatch = RateScenario.AutoBatchModes(arguments, "off") is [var single] ? single : throw new ArgumentException("--auto-batch takes on or off here");
        var deals = arguments.Int("deals", 1000, min: 1);
        var name = arguments.String("name", "worker");
        var plan = LimitPlanChoice.Read(arguments, new(LimitPlanChoice.Standard, RateLimitPlan.Standard));
        arguments.EnsureAllRead();

        await using var redis = await ConnectionMultiplexer.ConnectAsync(redisConfiguration).ConfigureAwait(false);
        if (warmUpWebhook is not null)
        {
            // The Redis store on the warm-up emulator's portal key: its script and round trip are JIT-compiled too.
            await LimitsSetup.WarmUpAsync(warmUpWebhook, warmup, warmupRounds, () => new RedisRateLimitStore(redis, prefix + "warmup:"), cancellationToken).ConfigureAwait(false);
        }

        // The portal's deal IDs (they have holes), read before the start signal so the burst is all REST calls.
        var ids = await EmulatorControl.DealIdsAsync(new Uri(webhook), cancellationToken).ConfigureAwait(false);
        Console.WriteLine(ReadyLine);
        var line = await Console.In.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        if (line != GoLine)
        {
            await Console.Error.WriteLineAsync($"expected '{GoLine}' on stdin, got '{line}'").ConfigureAwait(false);
            return 2;
        }

        using var sampler = ProcessSampler.Start();
        using var metrics = new ClientMetrics();
        await using var client = BitrixClient.FromWebhook(webhook, new BitrixClientOptions
        {
            RateLimit = plan.Plan,
            RateLimitStore = new RedisRateLimitStore(redis, prefix),
            AutoBatch = autoBatch,
        });
        var burst = await CallBurst.RunAsync([client], calls, ids, cancellationToken).ConfigureAwait(false);
        var heard = metrics.Snapshot();
        var result = new WorkerResult(
            name,
            burst.Clients[0].Calls,
            heard.Requests,
            heard.RefusalsByCode,
            heard.RetriesByReason,
            heard.WaitSecondsByReason,
            burst.SampledWaitSeconds,
            heard.FirstBucketWaitStart,
            burst.Started,
            burst.Ended,
            burst.CpuSeconds,
            burst.JitSeconds,
            heard.RequestTimestamps,
            heard.RefusalTimestamps,
            burst.Clients[0].AnswerTimestamps,
            burst.Errors,
            sampler.Read().PeakMegabytes);
        Console.WriteLine(ResultPrefix + JsonSerializer.Serialize(result, Json));
        return 0;
    }
}

/// <summary>What one worker process measured; timestamps are machine-wide <see cref="System.Diagnostics.Stopwatch"/> ticks.</summary>
internal sealed record WorkerResult(
    string Name,
    int Calls,
    long Requests,
    IReadOnlyDictionary<string, long> RefusalsByCode,
    IReadOnlyDictionary<string, long> RetriesByReason,
    IReadOnlyDictionary<string, double> WaitSecondsByReason,
    IReadOnlyDictionary<string, double> SampledWaitSeconds,
    long? FirstBucketWaitStart,
    long Started,
    long Ended,
    double CpuSeconds,
    double JitSeconds,
    IReadOnlyList<long> RequestTimestamps,
    IReadOnlyList<long> RefusalTimestamps,
    IReadOnlyList<long> AnswerTimestamps,
    IReadOnlyDictionary<string, long> Errors,
    double PeakWorkingSetMegabytes);
