using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Bitrix.Bench.Harness;

namespace Bitrix.Bench.Scenarios;

/// <summary>
/// The <c>rate</c> load split over two OS processes (<c>Bitrix.Bench rate-worker</c>) whose
/// clients share one bucket mirror in a private redis-server through
/// <see cref="Bitrix.Redis.RedisRateLimitStore"/>, against one emulator: no 503, and the combined
/// rate after the burst on the plan.
/// </summary>
internal sealed class RateTwoProcessesScenario : IScenario
{
    /// <summary>The combined post-burst rate must be within this fraction of the plan.</summary>
    public const double Tolerance = 0.10;

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(120);

    public string Name => "rate-two-processes";

    public string Summary => "the rate load over two processes sharing a private redis-server (RedisRateLimitStore)";

    public string Usage => $"""
        Options:
          --calls M          calls issued at once, half by each process (default 170)
          --auto-batch MODE  off, on or both (default off)
          --redis CONFIG     use this Redis (StackExchange.Redis configuration) instead of a private redis-server
        {LimitPlanChoice.Usage}
        {LimitsSetup.Usage}
          --tolerance T      allowed relative distance of the combined post-burst rate from the plan (default {Tolerance}; {RateScenario.QuickTolerance} with --quick)
          --quick            a smoke: --plan custom --capacity 20 --drain 20 --calls 50 --warmup 50 --warmup-rounds 1
        Exit code 1 when a call fails, the emulator refused anything (503 or 429), or the combined
        post-burst rate (auto-batch off) is further than the tolerance from the plan's drain rate.
        """;

    public async Task<int> RunAsync(BenchArguments arguments, CancellationToken cancellationToken)
    {
        var quick = arguments.Flag("quick");
        var plan = LimitPlanChoice.Read(arguments, quick ? RateScenario.QuickPlan : new(LimitPlanChoice.Standard, RateLimitPlan.Standard));
        var calls = arguments.Int("calls", quick ? RateScenario.QuickCalls : 170, min: 2);
        var modes = RateScenario.AutoBatchModes(arguments, "off");
        var redisConfiguration = arguments.String("redis");
        var (latencyScale, deals, warmup, warmupRounds, output, emulatorDll) = LimitsSetup.ReadOptions(arguments, quick);
        var tolerance = arguments.Double("tolerance", quick ? RateScenario.QuickTolerance : Tolerance, min: 0);
        arguments.EnsureAllRead();

        var report = RateScenario.Report(Name, output, plan, calls, latencyScale, deals);
        await using var privateRedis = redisConfiguration is null ? await RedisServerProcess.StartAsync(cancellationToken).ConfigureAwait(false) : null;
        redisConfiguration ??= privateRedis!.Configuration;
        Console.WriteLine(privateRedis is null ? "redis: as given" : $"redis: private redis-server on 127.0.0.1:{privateRedis.Port}");

        // Each worker process warms up on its own against this open emulator (its own portal key).
        await using var warmUp = await LimitsSetup.StartWarmUpEmulatorAsync(emulatorDll, deals, cancellationToken).ConfigureAwait(false);
        var rows = new List<RateRow>();
        foreach (var autoBatch in modes)
        {
            var row = await RunOnceAsync(emulatorDll, redisConfiguration, warmUp.WebhookUrl, warmup, warmupRounds, plan, calls, autoBatch, latencyScale, deals, cancellationToken).ConfigureAwait(false);
            rows.Add(row);
            Console.WriteLine($"auto-batch {(autoBatch ? "on" : "off")}: {row.Requests} requests, 503 {row.Rejected503}, 429 {row.Rejected429}, wall {row.WallSeconds:F2} s, combined post-burst {row.PostBurstRate?.ToString("F3", CultureInfo.InvariantCulture) ?? "–"} req/s");
        }

        RateScenario.Check(report, rows, requireRate: true, tolerance);
        report.Note("Two processes: CPU is the sum of both workers' CPU (CPU % of wall can reach 200); retries and wait s (summed) add both meters; bucket wait s (sampled) and peak WS are the larger of the two processes'.");
        return await RateScenario.FinishAsync(report, rows, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<RateRow> RunOnceAsync(string emulatorDll, string redisConfiguration, Uri warmUpWebhook, int warmup, int warmupRounds, LimitPlanChoice plan, int calls, bool autoBatch, double latencyScale, int deals, CancellationToken cancellationToken)
    {
        await using var emulator = await LimitsSetup.StartEmulatorAsync(emulatorDll, plan, latencyScale, deals, cancellationToken).ConfigureAwait(false);
        using var control = new EmulatorControl(emulator.WebhookUrl);

        // A key prefix of its own per run: a shared Redis may hold buckets of earlier runs.
        var prefix = $"bitrix-bench:{Guid.NewGuid():N}:";
        var shares = new[] { (calls + 1) / 2, calls / 2 };
        var workers = new List<Worker>();
        try
        {
            for (var i = 0; i < shares.Length; i++)
            {
                workers.Add(Worker.Start($"process {i + 1}", emulator.WebhookUrl, warmUpWebhook, warmup, warmupRounds, redisConfiguration, prefix, shares[i], autoBatch, plan, deals));
            }

            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(ReadyTimeout);
                await Task.WhenAll(workers.Select(w => w.WaitForReadyAsync(timeout.Token))).ConfigureAwait(false);
            }

            var before = await control.StatsAsync(cancellationToken).ConfigureAwait(false);
            var emulatorCpuBefore = emulator.CpuTime;
            await Task.WhenAll(workers.Select(w => w.GoAsync())).ConfigureAwait(false);
            var results = await Task.WhenAll(workers.Select(w => w.ResultAsync(cancellationToken))).ConfigureAwait(false);
            var stats = (await control.StatsAsync(cancellationToken).ConfigureAwait(false)).Since(before);
            var emulatorCpu = (emulator.CpuTime - emulatorCpuBefore).TotalSeconds;
            return Combine(plan, autoBatch, calls, latencyScale, stats, emulatorCpu, results);
        }
        finally
        {
            foreach (var worker in workers)
            {
                await worker.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static RateRow Combine(LimitPlanChoice plan, bool autoBatch, int calls, double latencyScale, PortalStats stats, double emulatorCpu, IReadOnlyList<WorkerResult> results)
    {
        var started = results.Min(r => r.Started);
        var ended = results.Max(r => r.Ended);
        var firstWait = results.Select(r => r.FirstBucketWaitStart).Where(w => w is not null).Min();
        var parts = results.Select(r =>
        {
            var (firstHalf, secondHalf) = RateRow.Halves(r.AnswerTimestamps, firstWait, ended);
            return new RatePart(r.Name, r.Calls, r.Requests, r.RefusalsByCode, Stopwatch.GetElapsedTime(started, r.Ended).TotalSeconds, firstHalf, secondHalf, r.CpuSeconds, r.WaitSecondsByReason, r.Errors);
        }).ToList();
        return RateRow.From(
            "2 processes, Redis store",
            plan,
            autoBatch,
            calls,
            stats,
            results.Sum(r => r.Requests),
            started,
            ended,
            firstWait,
            results.Sum(r => r.CpuSeconds),
            results.Sum(r => r.JitSeconds),
            Merge(results.Select(r => r.WaitSecondsByReason), (a, b) => a + b),
            Merge(results.Select(r => r.SampledWaitSeconds), Math.Max),
            results.SelectMany(r => r.Errors).GroupBy(e => e.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(e => e.Value), StringComparer.Ordinal),
            parts)
            with
            {
                RefusalsAtSeconds = RateRow.Since(started, results.SelectMany(r => r.RefusalTimestamps)),
                Measured = LimitsResult.From(
                    calls,
                    Stopwatch.GetElapsedTime(started, ended).TotalSeconds,
                    stats,
                    results.Sum(r => r.RetriesByReason.Values.Sum()),
                    PolicyFloor.ForBatchable(calls, plan.Plan),
                    latencyScale,
                    results.Sum(r => r.CpuSeconds),
                    results.Sum(r => r.JitSeconds),
                    emulatorCpu,
                    results.Max(r => r.PeakWorkingSetMegabytes)),
            };
    }

    private static SortedDictionary<string, double> Merge(IEnumerable<IReadOnlyDictionary<string, double>> parts, Func<double, double, double> combine)
    {
        var merged = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var part in parts)
        {
            foreach (var (key, value) in part)
            {
                merged[key] = merged.TryGetValue(key, out var old) ? combine(old, value) : value;
            }
        }

        return merged;
    }

    /// <summary>One <c>dotnet Bitrix.Bench.dll rate-worker</c> process, talked to over stdin and stdout.</summary>
    private sealed class Worker : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _stderr = new();
        private readonly string _name;

        private Worker(Process process, string name)
        {
            _process = process;
            _name = name;
            _process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    lock (_stderr)
                    {
                        _stderr.AppendLine(e.Data);
                    }
                }
            };
            _process.BeginErrorReadLine();
        }

        public static Worker Start(string name, Uri webhook, Uri warmUpWebhook, int warmup, int warmupRounds, string redis, string prefix, int calls, bool autoBatch, LimitPlanChoice plan, int deals)
        {
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            var arguments = new List<string>
            {
                typeof(RateWorkerScenario).Assembly.Location,
                "rate-worker",
                "--webhook", webhook.ToString(),
                "--warmup-webhook", warmUpWebhook.ToString(),
                "--warmup", warmup.ToString(CultureInfo.InvariantCulture),
                "--warmup-rounds", warmupRounds.ToString(CultureInfo.InvariantCulture),
                "--redis", redis,
                "--prefix", prefix,
                "--calls", calls.ToString(CultureInfo.InvariantCulture),
                "--auto-batch", autoBatch ? "on" : "off",
                "--deals", deals.ToString(CultureInfo.InvariantCulture),
                "--name", name,
                "--plan", plan.Name,
            };
            if (plan.Name == LimitPlanChoice.Custom)
            {
                arguments.AddRange(["--capacity", plan.Plan.Capacity.ToString("R", CultureInfo.InvariantCulture), "--drain", plan.Plan.DrainPerSecond.ToString("R", CultureInfo.InvariantCulture)]);
            }

            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            return new Worker(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"), name);
        }

        public async Task WaitForReadyAsync(CancellationToken cancellationToken)
        {
            var line = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line != RateWorkerScenario.ReadyLine)
            {
                throw new InvalidOperationException($"{_name} did not get ready (printed '{line}'): {await StderrAsync().ConfigureAwait(false)}");
            }
        }

        public async Task GoAsync()
        {
            await _process.StandardInput.WriteLineAsync(RateWorkerScenario.GoLine).ConfigureAwait(false);
            await _process.StandardInput.FlushAsync().ConfigureAwait(false);
        }

        public async Task<WorkerResult> ResultAsync(CancellationToken cancellationToken)
        {
            var line = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line is null || !line.StartsWith(RateWorkerScenario.ResultPrefix, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{_name} printed no result (got '{line}'): {await StderrAsync().ConfigureAwait(false)}");
            }

            return JsonSerializer.Deserialize<WorkerResult>(line[RateWorkerScenario.ResultPrefix.Length..], RateWorkerScenario.Json)
                ?? throw new InvalidOperationException($"{_name} printed an empty result");
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                _process.StandardInput.Close();
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (IOException)
            {
                // Its stdin is already closed.
            }
            finally
            {
                _process.Dispose();
            }
        }

        private Task<string?> ReadLineAsync(CancellationToken cancellationToken)
            => _process.StandardOutput.ReadLineAsync(cancellationToken).AsTask();

        private async Task<string> StderrAsync()
        {
            // Give a failing worker a moment to finish its error output.
            await Task.WhenAny(_process.WaitForExitAsync(CancellationToken.None), Task.Delay(TimeSpan.FromSeconds(3), CancellationToken.None)).ConfigureAwait(false);
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }
}
