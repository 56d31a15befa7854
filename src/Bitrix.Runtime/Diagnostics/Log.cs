using Microsoft.Extensions.Logging;

namespace Bitrix.Diagnostics;

/// <summary>The client's log messages. URLs are logged with the webhook code masked; tokens never.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "Bitrix24 request {Method} to {Url}")]
    public static partial void Request(ILogger logger, string method, string url);

    [LoggerMessage(2, LogLevel.Debug, "Bitrix24 answer {Method}: HTTP {Status} in {ElapsedMs} ms")]
    public static partial void Response(ILogger logger, string method, int status, long elapsedMs);

    [LoggerMessage(3, LogLevel.Trace, "Bitrix24 request body of {Method}: {Body}")]
    public static partial void RequestBody(ILogger logger, string method, string body);

    [LoggerMessage(4, LogLevel.Trace, "Bitrix24 answer body of {Method}: {Body}")]
    public static partial void ResponseBody(ILogger logger, string method, string body);

    [LoggerMessage(5, LogLevel.Warning, "Bitrix24 portal moved to {Portal}; following with the same method and body (update the client's portal address)")]
    public static partial void Moved(ILogger logger, string portal);

    [LoggerMessage(6, LogLevel.Information, "Bitrix24 OAuth access token renewed")]
    public static partial void TokensRenewed(ILogger logger);

    [LoggerMessage(7, LogLevel.Debug, "Bitrix24 batch of {Count} commands")]
    public static partial void Batch(ILogger logger, int count);

    [LoggerMessage(9, LogLevel.Information, "Bitrix24 method {Method} has used {OperatingSeconds:0.0} s of its operating budget: waiting {WaitSeconds:0.0} s for the reset")]
    public static partial void OperatingWait(ILogger logger, string method, double operatingSeconds, double waitSeconds);

    [LoggerMessage(10, LogLevel.Warning, "Bitrix24 refused {Method} with {ErrorCode}; waiting and sending again")]
    public static partial void Refused(ILogger logger, string method, string errorCode);

    /// <summary>A transient failure about to be retried; <paramref name="reason"/> is the exception's description, already free of secrets.</summary>
    [LoggerMessage(11, LogLevel.Warning, "Bitrix24 call {Method} failed transiently ({ErrorCode}: {Reason}); retry {Attempt} of {MaxRetries} after {DelaySeconds:0.00} s")]
    public static partial void Retrying(ILogger logger, string method, string errorCode, string reason, int attempt, int maxRetries, double delaySeconds);

    [LoggerMessage(12, LogLevel.Warning, "Bitrix24 list {Method} changed size during an offset read ({Before} -> {Now} rows): rows may have been missed; a cursor strategy reads a consistent snapshot")]
    public static partial void CountChanged(ILogger logger, string method, long before, long now);

    [LoggerMessage(13, LogLevel.Warning, "Bitrix24 client for {Portal} accepts ANY server certificate (DangerousAcceptAnyServerCertificate): the connection is not authenticated and the webhook code or token can be intercepted; use it only for a test portal")]
    public static partial void CertificateValidationDisabled(ILogger logger, string portal);

    [LoggerMessage(14, LogLevel.Warning, "Bitrix24 client: DangerousAcceptAnyServerCertificate has no effect with an HttpClient you pass; its handler decides how certificates are checked")]
    public static partial void CertificateOptionIgnored(ILogger logger);
}
