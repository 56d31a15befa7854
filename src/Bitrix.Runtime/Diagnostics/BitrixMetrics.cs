using System.Diagnostics.Metrics;

namespace Bitrix.Diagnostics;

/// <summary>
/// The client's instruments, on the meter <c>Bitrix.Client</c>: requests, retries, refusals,
/// waits by reason and rows read. OpenTelemetry picks them up with <c>AddMeter("Bitrix.Client")</c>.
/// No tag ever holds a URL, a webhook code or a token.
/// </summary>
internal static class BitrixMetrics
{
    public const string MeterName = BitrixDiagnostics.MeterName;

    private static readonly Meter Meter = new(MeterName, BitrixDiagnostics.Version);

    public static readonly Counter<long> Requests = Meter.CreateCounter<long>("bitrix.client.requests", "{request}", "HTTP requests sent to the portal");

    public static readonly Counter<long> Retries = Meter.CreateCounter<long>("bitrix.client.retries", "{retry}", "Requests sent again, by reason");

    public static readonly Counter<long> Refusals = Meter.CreateCounter<long>("bitrix.client.refusals", "{answer}", "503 QUERY_LIMIT_EXCEEDED and 429 OPERATION_TIME_LIMIT answers received");

    public static readonly Histogram<double> Waits = Meter.CreateHistogram<double>("bitrix.client.wait.duration", "s", "Time spent waiting before a request, by reason");

    public static readonly Counter<long> Rows = Meter.CreateCounter<long>("bitrix.client.rows", "{row}", "List rows delivered");
}
