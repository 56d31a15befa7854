using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Bitrix.Reliability.Tests.Infrastructure;

/// <summary>Sums the client's counters (meter <c>Bitrix.Client</c>) while it lives: requests, retries, refusals, rows.</summary>
public sealed class ClientMeter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _sums = new(StringComparer.Ordinal);

    public ClientMeter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Bitrix.Client")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => _sums.AddOrUpdate(instrument.Name, value, (_, old) => old + value));
        _listener.Start();
    }

    public long Requests => Sum("bitrix.client.requests");

    public long Retries => Sum("bitrix.client.retries");

    public long Refusals => Sum("bitrix.client.refusals");

    public long Sum(string instrument) => _sums.GetValueOrDefault(instrument);

    public void Dispose() => _listener.Dispose();
}
