using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bitrix.Bench.Harness;

/// <summary>The emulator's control endpoints (<c>/_emulator/stats</c>, <c>/_emulator/reset</c>, <c>/_emulator/ids</c>), outside any client's limits.</summary>
internal sealed class EmulatorControl : IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri _stats;
    private readonly Uri _reset;

    public EmulatorControl(Uri webhookUrl)
    {
        var root = new Uri(webhookUrl.GetLeftPart(UriPartial.Authority) + "/");
        _stats = new Uri(root, "_emulator/stats");
        _reset = new Uri(root, "_emulator/reset");
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task<PortalStats> StatsAsync(CancellationToken cancellationToken)
    {
        var text = await _http.GetStringAsync(_stats, cancellationToken).ConfigureAwait(false);
        return PortalStats.Parse(text);
    }

    /// <summary>Empties the bucket, the operating budgets and the counters, and re-seeds the data.</summary>
    public async Task ResetAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsync(_reset, null, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Reseeds with another ID layout (<c>dense</c>, <c>gaps</c>, <c>blocks</c>, <c>adversarial</c>), kept for later resets.</summary>
    public async Task ResetAsync(string idLayout, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsync(new Uri(_reset + "?idLayout=" + Uri.EscapeDataString(idLayout)), null, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>The deal IDs the portal holds now, ascending (<c>GET /_emulator/ids?entity=crm.deal</c>): the seeded set has holes.</summary>
    public Task<long[]> DealIdsAsync(CancellationToken cancellationToken) => DealIdsAsync(_http, _stats, cancellationToken);

    /// <summary>
    /// The deal IDs the portal behind <paramref name="webhookUrl"/> holds now, ascending, read through
    /// <paramref name="http"/> (which may be an in-process handler). Control endpoints are not counted as REST requests.
    /// </summary>
    public static async Task<long[]> DealIdsAsync(HttpClient http, Uri webhookUrl, CancellationToken cancellationToken)
    {
        var url = new Uri(new Uri(webhookUrl.GetLeftPart(UriPartial.Authority) + "/"), "_emulator/ids?entity=crm.deal");
        var text = await http.GetStringAsync(url, cancellationToken).ConfigureAwait(false);
        using var document = JsonDocument.Parse(text);
        var ids = document.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        if (document.RootElement.GetProperty("count").GetInt64() != ids.Length || ids.Length == 0)
        {
            throw new InvalidOperationException($"/_emulator/ids answered {ids.Length} deal IDs for a count of {document.RootElement.GetProperty("count")}");
        }

        Array.Sort(ids);
        return ids;
    }

    /// <summary>The deal IDs of the portal behind <paramref name="webhookUrl"/>, over a client of its own.</summary>
    public static async Task<long[]> DealIdsAsync(Uri webhookUrl, CancellationToken cancellationToken)
    {
        using var control = new EmulatorControl(webhookUrl);
        return await control.DealIdsAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>What the emulated portal counted (<c>GET /_emulator/stats</c>), the part the limits scenarios report.</summary>
internal sealed record PortalStats(
    long Requests,
    IReadOnlyDictionary<string, long> AnswersByStatus,
    long Rejected503,
    long Rejected429,
    IReadOnlyDictionary<string, long> CallsByMethod,
    IReadOnlyDictionary<string, double> OperatingSecondsByMethod,
    double BucketLevel,
    long InternalFailures,
    long? DealCount)
{
    /// <summary>Faults the emulator injected, by kind.</summary>
    public IReadOnlyDictionary<string, long> Faults { get; init; } = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Requests the bucket let through (every request but those refused with 503).</summary>
    public long Accepted => Requests - Rejected503;

    /// <summary>Modelled server seconds over all methods (a batch's commands are charged to their own methods).</summary>
    public double OperatingSeconds => OperatingSecondsByMethod.Values.Sum();

    public long Calls(string method) => CallsByMethod.GetValueOrDefault(method);

    public static PortalStats Parse(string json)
    {
        var node = JsonNode.Parse(json) ?? throw new InvalidOperationException("empty stats answer");
        return new PortalStats(
            node["requests"]!.GetValue<long>(),
            Longs(node["answersByStatus"]),
            node["rejected503"]!.GetValue<long>(),
            node["rejected429"]!.GetValue<long>(),
            Longs(node["callsByMethod"]),
            (node["operatingSecondsByMethod"] as JsonObject ?? []).ToDictionary(p => p.Key, p => p.Value!.GetValue<double>(), StringComparer.OrdinalIgnoreCase),
            node["bucketLevel"]!.GetValue<double>(),
            node["internalFailures"]?.GetValue<long>() ?? 0,
            node["entityCounts"]?["crm.deal"]?.GetValue<long>())
        {
            Faults = Longs(node["faults"]),
        };
    }

    /// <summary>What was counted between <paramref name="before"/> and this; the bucket level and deal count are this one's.</summary>
    public PortalStats Since(PortalStats before) => new(
        Requests - before.Requests,
        Minus(AnswersByStatus, before.AnswersByStatus),
        Rejected503 - before.Rejected503,
        Rejected429 - before.Rejected429,
        Minus(CallsByMethod, before.CallsByMethod),
        OperatingSecondsByMethod.ToDictionary(p => p.Key, p => p.Value - before.OperatingSecondsByMethod.GetValueOrDefault(p.Key), StringComparer.OrdinalIgnoreCase),
        BucketLevel,
        InternalFailures - before.InternalFailures,
        DealCount)
    {
        Faults = Minus(Faults, before.Faults),
    };

    private static Dictionary<string, long> Minus(IReadOnlyDictionary<string, long> after, IReadOnlyDictionary<string, long> before)
        => after.Select(p => (p.Key, Value: p.Value - before.GetValueOrDefault(p.Key))).Where(p => p.Value != 0).ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);

    private static Dictionary<string, long> Longs(JsonNode? node)
        => (node as JsonObject ?? []).ToDictionary(p => p.Key, p => p.Value!.GetValue<long>(), StringComparer.OrdinalIgnoreCase);
}
