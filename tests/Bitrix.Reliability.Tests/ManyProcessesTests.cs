namespace Bitrix.Reliability.Tests;

/// <summary>
/// Four OS processes export, add and get against one emulator over loopback, their clients
/// sharing one limiter in Redis (<see cref="Redis.RedisRateLimitStore"/>): the portal never
/// refuses a request, and together they use the plan's rate — no less, no more.
/// </summary>
public sealed class ManyProcessesTests(RedisServer redis, ITestOutputHelper output) : IClassFixture<RedisServer>
{
    private const int Processes = 4;
    private const double Capacity = 10;
    private const double Drain = 5;

    /// <summary>The combined rate after the burst must be within this fraction of the plan's drain rate.</summary>
    private const double Tolerance = 0.10;

    [Fact]
    public async Task Four_processes_sharing_a_redis_limiter_get_no_503_and_together_use_the_plan_s_rate()
    {
        var deals = Soak.Scale(5_000);
        var adds = Soak.Scale(500);
        var gets = Soak.Scale(10);
        await using var emulator = await BitrixEmulator.StartAsync(new EmulatorOptions
        {
            Deals = deals,
            Leads = 0,
            Contacts = 10,
            Companies = 10,
            Tasks = 0,
            Activities = 0,
            BucketCapacity = Capacity,
            DrainPerSecond = Drain,
            LatencyScale = 0,
        });
        // Each process first runs its workload once against this open portal, so that JIT
        // compilation never holds a request up between its reservation and its arrival.
        await using var warmUp = await BitrixEmulator.StartAsync(Lab.Open(o => o.Deals = 3_000));
        var directory = Directory.CreateTempSubdirectory("bitrix-reliability-");
        var prefix = $"bitrix-reliability:{Guid.NewGuid():N}:";
        var workers = new List<WorkerProcess>();
        try
        {
            for (var i = 0; i < Processes; i++)
            {
                var name = $"w{i}";
                workers.Add(WorkerProcess.Start(name, new Dictionary<string, string>
                {
                    ["webhook"] = emulator.WebhookUrl.ToString(),
                    ["warmup-webhook"] = warmUp.WebhookUrl.ToString(),
                    ["redis"] = redis.Configuration,
                    ["prefix"] = prefix,
                    ["capacity"] = Capacity.ToString(CultureInfo.InvariantCulture),
                    ["drain"] = Drain.ToString(CultureInfo.InvariantCulture),
                    ["name"] = name,
                    ["adds"] = adds.ToString(CultureInfo.InvariantCulture),
                    ["gets"] = gets.ToString(CultureInfo.InvariantCulture),
                    ["ids-out"] = Path.Combine(directory.FullName, name + ".ids"),
                }));
            }

            using (var ready = new CancellationTokenSource(TimeSpan.FromSeconds(120)))
            {
                await Task.WhenAll(workers.Select(w => w.WaitForReadyAsync(ready.Token)));
            }

            var seeded = await emulator.GetIdsAsync("crm.deal");
            var before = await emulator.GetStatsAsync();
            await Task.WhenAll(workers.Select(w => w.GoAsync()));
            using var done = new CancellationTokenSource(Soak.Scale(TimeSpan.FromMinutes(3)));
            var results = await Task.WhenAll(workers.Select(w => w.ResultAsync(done.Token)));
            var after = await emulator.GetStatsAsync();

            // The rate after the burst, as bench/README defines it: requests beyond the bucket's
            // capacity over the time from the first wait for the bucket (in any process) to the last answer.
            var started = results.Min(r => (long)r["started"]!);
            var ended = results.Max(r => (long)r["ended"]!);
            var firstWait = results.Select(r => (long?)r["firstBucketWait"]).Where(w => w is not null).Min()
                ?? throw new Xunit.Sdk.XunitException("no process ever waited for the bucket: the plan was never reached");
            var seconds = Stopwatch.GetElapsedTime(firstWait, ended).TotalSeconds;
            var requests = after.Requests - before.Requests;
            var rate = (requests - Capacity) / seconds;
            output.WriteLine($"{Processes} processes: {requests} requests in {Stopwatch.GetElapsedTime(started, ended).TotalSeconds:F2} s (first bucket wait at {Stopwatch.GetElapsedTime(started, firstWait).TotalSeconds:F2} s), 503 {after.Rejected503}, 429 {after.Rejected429}; combined rate after the burst {rate:F2}/s = {rate / Drain:F3} x the plan's {Drain}/s");
            foreach (var r in results)
            {
                output.WriteLine($"  {r.ToJsonString()}");
            }

            Assert.Equal(0, after.Rejected503);
            Assert.Equal(0, after.Rejected429);
            Assert.All(results, r => Assert.Equal(0, (long)r["refusals"]!));
            Assert.All(results, r => Assert.Empty(r["errors"]!.AsObject()));
            Assert.True(Math.Abs(rate / Drain - 1) <= Tolerance, $"combined rate {rate:F2}/s is not within {Tolerance:P0} of the plan's {Drain}/s");

            // Each process read every deal once and wrote each of its deals once.
            var all = (await emulator.GetRowsAsync("crm.deal")).ToDictionary(r => long.Parse((string)r["ID"]!, CultureInfo.InvariantCulture), r => (string?)r["ORIGIN_ID"]);
            foreach (var r in results)
            {
                var name = (string)r["name"]!;
                var ids = (await File.ReadAllLinesAsync(Path.Combine(directory.FullName, name + ".ids"))).Select(l => long.Parse(l, CultureInfo.InvariantCulture)).ToList();
                Assert.Equal(ids.Count, ids.Distinct().Count());
                Assert.Equal(seeded, ids.Where(id => id <= seeded[^1]));
                Assert.All(ids.Where(id => id > seeded[^1]), id => Assert.StartsWith("w", all[id]));
                Assert.Equal(adds, (int)r["added"]!);
                Assert.Equal(gets, (int)r["got"]!);
                Assert.Equal(adds, all.Values.Count(o => o is not null && o.StartsWith(name + "-", StringComparison.Ordinal)));
            }

            Assert.Equal(all.Values.Count(o => o is not null), all.Values.Where(o => o is not null).Distinct().Count());
        }
        finally
        {
            foreach (var worker in workers)
            {
                await worker.DisposeAsync();
            }

            directory.Delete(recursive: true);
        }
    }
}
