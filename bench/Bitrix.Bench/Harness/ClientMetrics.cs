using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Bitrix.Bench.Harness;

/// <summary>
/// Listens to the client's meter <c>Bitrix.Client</c> in this process while it is alive:
/// requests, retries and refusals by tag, waits by reason (summed over concurrent waiters), and
/// when the first wait of each reason began (a wait is recorded when it ends, with its length).
/// </summary>
internal sealed class ClientMetrics : IDisposable
{
    public const string MeterName = "Bitrix.Client";
    public const string BucketReason = "bucket";

    private readonly object _gate = new();
    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, long> _requests = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _retries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _refusals = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> _waitSeconds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _waitCounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _firstWaitStart = new(StringComparer.Ordinal);
    private readonly List<long> _requestTimes = [];
    private readonly List<long> _refusalTimes = [];

    public ClientMetrics()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>(OnLong);
        _listener.SetMeasurementEventCallback<double>(OnDouble);
        _listener.Start();
    }

    public ClientMetricsSnapshot Snapshot()
    {
        lock (_gate)
        {
            return new ClientMetricsSnapshot(
                _requests.Values.Sum(),
                new SortedDictionary<string, long>(_retries, StringComparer.Ordinal),
                new SortedDictionary<string, long>(_refusals, StringComparer.Ordinal),
                new SortedDictionary<string, double>(_waitSeconds, StringComparer.Ordinal),
                new SortedDictionary<string, long>(_waitCounts, StringComparer.Ordinal),
                _firstWaitStart.TryGetValue(BucketReason, out var first) ? first : null,
                [.. _requestTimes],
                [.. _refusalTimes]);
        }
    }

    public void Dispose() => _listener.Dispose();

    private void OnLong(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        var target = instrument.Name switch
        {
            "bitrix.client.requests" => _requests,
            "bitrix.client.retries" => _retries,
            "bitrix.client.refusals" => _refusals,
            _ => null,
        };
        if (target is null)
        {
            return;
        }

        var now = Stopwatch.GetTimestamp();
        var tag = FirstTag(tags);
        lock (_gate)
        {
            target[tag] = target.GetValueOrDefault(tag) + value;
            if (ReferenceEquals(target, _requests))
            {
                _requestTimes.Add(now);
            }
            else if (ReferenceEquals(target, _refusals))
            {
                _refusalTimes.Add(now);
            }
        }
    }

    private void OnDouble(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (instrument.Name != "bitrix.client.wait.duration")
        {
            return;
        }

        var now = Stopwatch.GetTimestamp();
        var reason = FirstTag(tags);
        var started = now - (long)(value * Stopwatch.Frequency);
        lock (_gate)
        {
            _waitSeconds[reason] = _waitSeconds.GetValueOrDefault(reason) + value;
            _waitCounts[reason] = _waitCounts.GetValueOrDefault(reason) + 1;
            if (!_firstWaitStart.TryGetValue(reason, out var first) || started < first)
            {
                _firstWaitStart[reason] = started;
            }
        }
    }

    private static string FirstTag(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        => tags.Length == 0 ? "" : tags[0].Value?.ToString() ?? "";
}

/// <summary>What <see cref="ClientMetrics"/> heard.</summary>
/// <param name="Requests">HTTP requests the clients sent (refused ones included).</param>
/// <param name="RetriesByReason">Resends after transient failures, by error code.</param>
/// <param name="RefusalsByCode">503 QUERY_LIMIT_EXCEEDED and 429 OPERATION_TIME_LIMIT answers.</param>
/// <param name="WaitSecondsByReason">Seconds waited, summed over waiters (six waiting for one second count six).</param>
/// <param name="WaitsByReason">Waits recorded, by reason.</param>
/// <param name="FirstBucketWaitStart">When the first wait for the bucket began (a <see cref="Stopwatch"/> timestamp), if any did.</param>
/// <param name="RequestTimestamps">When each request was counted, just before it was sent (<see cref="Stopwatch"/> timestamps).</param>
/// <param name="RefusalTimestamps">When each refusal (503 or 429) was received.</param>
internal sealed record ClientMetricsSnapshot(
    long Requests,
    IReadOnlyDictionary<string, long> RetriesByReason,
    IReadOnlyDictionary<string, long> RefusalsByCode,
    IReadOnlyDictionary<string, double> WaitSecondsByReason,
    IReadOnlyDictionary<string, long> WaitsByReason,
    long? FirstBucketWaitStart,
    IReadOnlyList<long> RequestTimestamps,
    IReadOnlyList<long> RefusalTimestamps);
