using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bitrix;
using Bitrix.Redis;
using StackExchange.Redis;

// One process of the reliability tests' many-process scenario. Started as
//   dotnet Bitrix.Reliability.Worker.dll --webhook URL --warmup-webhook URL --redis CONFIG --prefix KEYS
//     --capacity X --drain Y --name NAME --adds N --gets N --ids-out FILE
// it runs the whole workload once against the warm-up portal (open limits: the JIT compiles every
// path, so no request is held up between its reservation and its arrival), prints "ready", waits
// for "go" on stdin, then exports every deal (parallel cursor),
// adds N deals (ORIGIN_ID NAME-i) and gets N deals at the same time through one client whose limits
// live in Redis, writes the exported IDs to FILE (one a line) and prints "result {json}".
// Timestamps are Stopwatch ticks: the monotonic clock is machine-wide, so the parent compares them.
var options = Arguments.Parse(args);
await using var redis = await ConnectionMultiplexer.ConnectAsync(options["redis"]).ConfigureAwait(false);
var name = options["name"];
var adds = int.Parse(options["adds"], CultureInfo.InvariantCulture);
var gets = int.Parse(options["gets"], CultureInfo.InvariantCulture);
var plan = new RateLimitPlan(double.Parse(options["capacity"], CultureInfo.InvariantCulture), double.Parse(options["drain"], CultureInfo.InvariantCulture));

var refusals = 0L;
using var meter = new MeterListener();
meter.InstrumentPublished = (instrument, listener) =>
{
    if (instrument.Meter.Name == "Bitrix.Client" && instrument.Name is "bitrix.client.refusals" or "bitrix.client.wait.duration")
    {
        listener.EnableMeasurementEvents(instrument);
    }
};
meter.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref refusals, value));

// When the first wait for the bucket began (a wait is recorded as it ends, with its length).
var firstBucketWait = long.MaxValue;
var measuring = false;
meter.SetMeasurementEventCallback<double>((_, seconds, tags, _) =>
{
    foreach (var tag in tags)
    {
        if (Volatile.Read(ref measuring) && tag.Key == "reason" && tag.Value as string == "bucket")
        {
            var began = Stopwatch.GetTimestamp() - (long)(seconds * Stopwatch.Frequency);
            long seen;
            while (began < (seen = Interlocked.Read(ref firstBucketWait)) && Interlocked.CompareExchange(ref firstBucketWait, began, seen) != seen)
            {
            }
        }
    }
});
meter.Start();

await using (var warmUp = BitrixClient.FromWebhook(options["warmup-webhook"], new BitrixClientOptions
{
    RateLimit = new RateLimitPlan(1_000_000, 1_000_000),
    RateLimitStore = new RedisRateLimitStore(redis, options["prefix"] + "warmup:"),
}))
{
    await Task.WhenAll(ExportAsync(warmUp), AddAsync(warmUp, "warmup", null), GetAsync(warmUp, await SeededIdsAsync(options["warmup-webhook"]).ConfigureAwait(false), null)).ConfigureAwait(false);
}

await using var client = BitrixClient.FromWebhook(options["webhook"], new BitrixClientOptions
{
    RateLimit = plan,
    RateLimitStore = new RedisRateLimitStore(redis, options["prefix"]),
    RetryBaseDelay = TimeSpan.FromMilliseconds(50),
});

// The portal's IDs have holes: the deals to get are the first seeded ones, asked for before the run.
var toGet = await SeededIdsAsync(options["webhook"]).ConfigureAwait(false);
Console.WriteLine("ready");
var line = await Console.In.ReadLineAsync().ConfigureAwait(false);
if (line != "go")
{
    await Console.Error.WriteLineAsync($"expected 'go' on stdin, got '{line}'").ConfigureAwait(false);
    return 2;
}

var started = Stopwatch.GetTimestamp();
Volatile.Write(ref measuring, true);
var errors = new System.Collections.Concurrent.ConcurrentDictionary<string, int>(StringComparer.Ordinal);
var export = ExportAsync(client);
var added = AddAsync(client, name, errors);
var got = GetAsync(client, toGet, errors);
await Task.WhenAll(export, added, got).ConfigureAwait(false);
var ended = Stopwatch.GetTimestamp();
await File.WriteAllLinesAsync(options["ids-out"], export.Result.Select(id => id.ToString(CultureInfo.InvariantCulture))).ConfigureAwait(false);

var result = new JsonObject
{
    ["name"] = name,
    ["exported"] = export.Result.Count,
    ["added"] = added.Result,
    ["got"] = got.Result,
    ["refusals"] = Interlocked.Read(ref refusals),
    ["errors"] = new JsonObject(errors.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)e.Value))),
    ["started"] = started,
    ["ended"] = ended,
    ["firstBucketWait"] = firstBucketWait == long.MaxValue ? null : firstBucketWait,
};
Console.WriteLine("result " + result.ToJsonString());
return 0;

static async Task<List<long>> ExportAsync(BitrixClient client)
{
    var ids = new List<long>();
    await foreach (var row in client.ListAllAsync("crm.deal.list", new JsonObject { ["select"] = new JsonArray("ID") }, new ListOptions { Strategy = ListStrategy.ParallelCursor }).ConfigureAwait(false))
    {
        ids.Add(long.Parse(row.GetProperty("ID").GetString()!, CultureInfo.InvariantCulture));
    }

    return ids;
}

async Task<int> AddAsync(BitrixClient client, string origin, System.Collections.Concurrent.ConcurrentDictionary<string, int>? errors)
{
    var items = Enumerable.Range(0, adds).Select(i => (JsonObject?)new JsonObject
    {
        ["fields"] = new JsonObject { ["TITLE"] = $"{origin} deal {i}", ["ORIGIN_ID"] = $"{origin}-{i}" },
    });
    var results = await client.CallManyAsync("crm.deal.add", items).ConfigureAwait(false);
    foreach (var failed in results.Where(r => !r.IsSuccess))
    {
        errors?.AddOrUpdate(failed.Error!.Code, 1, (_, n) => n + 1);
    }

    return results.Count(r => r.IsSuccess);
}

async Task<long[]> SeededIdsAsync(string webhook)
{
    using var http = new HttpClient();
    var ids = await http.GetStringAsync(new Uri(new Uri(webhook), "/_emulator/ids?entity=crm.deal")).ConfigureAwait(false);
    return [.. JsonNode.Parse(ids)!["ids"]!.AsArray().Take(gets).Select(id => (long)id!)];
}

async Task<int> GetAsync(BitrixClient client, long[] ids, System.Collections.Concurrent.ConcurrentDictionary<string, int>? errors)
{
    var ok = 0;
    foreach (var i in ids)
    {
        try
        {
            var deal = await client.CallAsync("crm.deal.get", new JsonObject { ["id"] = i }).ConfigureAwait(false);
            ok += deal.GetProperty("ID").GetString() == i.ToString(CultureInfo.InvariantCulture) ? 1 : 0;
        }
        catch (BitrixException e)
        {
            errors?.AddOrUpdate(e.ErrorCode, 1, (_, n) => n + 1);
        }
    }

    return ok;
}

/// <summary>The worker's <c>--name value</c> arguments; every one is required.</summary>
internal static class Arguments
{
    private static readonly string[] Required = ["webhook", "warmup-webhook", "redis", "prefix", "capacity", "drain", "name", "adds", "gets", "ids-out"];

    public static Dictionary<string, string> Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }

        var missing = Required.Where(r => !values.ContainsKey(r)).ToList();
        return missing.Count == 0 ? values : throw new ArgumentException("missing arguments: " + string.Join(", ", missing));
    }
}
