using System.Net;

namespace Bitrix;

/// <summary>
/// A failed Bitrix24 call: the portal's error code and description, the HTTP status, the method
/// and, for a batch, the command. One type for every error, as the portal has one error shape.
/// Never carries the webhook code or a token.
/// </summary>
public class BitrixException : Exception
{
    /// <summary>Creates an exception for a portal error.</summary>
    public BitrixException(string errorCode, string description, HttpStatusCode? statusCode = null, string? method = null, string? commandName = null, Exception? innerException = null)
        : base(FormatMessage(errorCode, description, statusCode, method, commandName), innerException)
    {
        ErrorCode = errorCode;
        Description = description;
        StatusCode = statusCode;
        Method = method;
        CommandName = commandName;
    }

    /// <summary>The portal's error code (<c>QUERY_LIMIT_EXCEEDED</c>, <c>expired_token</c>, ...); legacy CRM errors have an empty code.</summary>
    public string ErrorCode { get; }

    /// <summary>The portal's error description.</summary>
    public string Description { get; }

    /// <summary>The HTTP status of the answer, when there was one.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>The REST method that failed.</summary>
    public string? Method { get; }

    /// <summary>The batch command that failed, for errors inside a batch.</summary>
    public string? CommandName { get; }

    /// <summary>True when the server proved it did not run the call (it refused it before processing).</summary>
    public bool IsRejectedBeforeProcessing => ErrorCode is BitrixErrorCodes.QueryLimitExceeded or BitrixErrorCodes.OperationTimeLimit
        || StatusCode == HttpStatusCode.Unauthorized;

    private static string FormatMessage(string code, string description, HttpStatusCode? status, string? method, string? command)
    {
        var where = method is null ? string.Empty : command is null ? $" in {method}" : $" in {method} (batch command '{command}')";
        var http = status is null ? string.Empty : $" (HTTP {(int)status.Value})";
        var what = code.Length == 0 ? description : $"{code}: {description}";
        return $"Bitrix24 error{where}{http}: {what}";
    }
}

/// <summary>Error codes the client reacts to (docs/protocol.md §2).</summary>
public static class BitrixErrorCodes
{
    /// <summary>503: the leaky bucket is full.</summary>
    public const string QueryLimitExceeded = "QUERY_LIMIT_EXCEEDED";

    /// <summary>429: the method's operating budget is spent.</summary>
    public const string OperationTimeLimit = "OPERATION_TIME_LIMIT";

    /// <summary>503: REST blocked manually for overload.</summary>
    public const string OverloadLimit = "OVERLOAD_LIMIT";

    /// <summary>401: the OAuth access token expired.</summary>
    public const string ExpiredToken = "expired_token";

    /// <summary>401: the OAuth access token is unknown.</summary>
    public const string InvalidToken = "invalid_token";

    /// <summary>404: no such method.</summary>
    public const string MethodNotFound = "ERROR_METHOD_NOT_FOUND";

    /// <summary>The answer was not the JSON envelope (an HTML proxy page, an empty or cut body).</summary>
    public const string InvalidResponse = "INVALID_RESPONSE";

    /// <summary>The connection failed or timed out; whether the call ran is unknown.</summary>
    public const string TransportFailure = "TRANSPORT_FAILURE";

    /// <summary>A write's answer was lost (reset, timeout, cut or failed answer, cancellation in flight): it may or may not have run, and was not resent.</summary>
    public const string UnknownOutcome = "UNKNOWN_OUTCOME";

    /// <summary>A redirect was not followed: to a host that may not receive the webhook code or token, from https to http, or one too many.</summary>
    public const string RedirectRefused = "REDIRECT_REFUSED";

    /// <summary>The server asked for a wait longer than <see cref="BitrixClientOptions.MaxServerWait"/>; the call was not sent.</summary>
    public const string ServerWaitTooLong = "SERVER_WAIT_TOO_LONG";

    /// <summary>The call did not finish within <see cref="BitrixClientOptions.CallTimeout"/> (waits and retries included).</summary>
    public const string CallTimeout = "CALL_TIMEOUT";

    /// <summary>The call was cancelled before its request was sent: it did not run (items of a cancelled bulk call).</summary>
    public const string NotSent = "NOT_SENT";
}
