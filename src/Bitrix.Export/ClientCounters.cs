using System.Diagnostics.Metrics;

namespace Bitrix.Export;

/// <summary>
/// Counts what clients report on the meter <c>Bitrix.Client</c> while it is alive: requests, retries,
/// and 503 (QUERY_LIMIT_EXCEEDED) and 429 (OPERATION_TIME_LIMIT) answers received. The meter is the
/// process's: a run counts every client of the process, which in a command-line program is its own.
/// </summary>
internal sealed class ClientCounters : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _requests;
    private long _retries;
    private long _refused503;
    private long _refused429;

    public ClientCounters()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Bitrix.Client")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>(OnMeasurement);
        _listener.Start();
    }

    public long Requests => Interlocked.Read(ref _requests);

    public long Retries => Interlocked.Read(ref _retries);

    public long Refused503 => Interlocked.Read(ref _refused503);

    public long Refused429 => Interlocked.Read(ref _refused429);

    public void Dispose() => _listener.Dispose();

    private void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        switch (instrument.Name)
        {
            case "bitrix.client.requests":
                Interlocked.Add(ref _requests, value);
                break;
            case "bitrix.client.retries":
                Interlocked.Add(ref _retries, value);
                break;
            case "bitrix.client.refusals":
                string? code = null;
                foreach (var tag in tags)
                {
                    if (tag.Key == "code")
                    {
                        code = tag.Value as string;
                    }
                }

                if (code == BitrixErrorCodes.OperationTimeLimit)
                {
                    Interlocked.Add(ref _refused429, value);
                }
                else
                {
                    Interlocked.Add(ref _refused503, value);
                }

                break;
        }
    }
}
