namespace Bitrix;

/// <summary>
/// Names of the client's telemetry, for OpenTelemetry or any <see cref="System.Diagnostics.ActivityListener"/> /
/// <see cref="System.Diagnostics.Metrics.MeterListener"/>:
/// <c>.AddSource(BitrixDiagnostics.ActivitySourceName)</c> and <c>.AddMeter(BitrixDiagnostics.MeterName)</c>.
/// </summary>
public static class BitrixDiagnostics
{
    /// <summary>
    /// The activity source: a span per call to the portal (named after the method, <c>batch</c> for batches),
    /// with a child span per batch command.
    /// </summary>
    public const string ActivitySourceName = "Bitrix.Client";

    /// <summary>
    /// The meter: <c>bitrix.client.requests</c>, <c>bitrix.client.retries</c>, <c>bitrix.client.refusals</c>,
    /// <c>bitrix.client.wait.duration</c> (by reason) and <c>bitrix.client.rows</c>.
    /// </summary>
    public const string MeterName = "Bitrix.Client";

    internal const string Version = "1.0";
}
