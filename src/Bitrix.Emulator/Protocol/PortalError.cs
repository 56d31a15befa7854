namespace Bitrix.Emulator.Protocol;

/// <summary>
/// An error the portal answers with: the Bitrix code, its description and the HTTP status
/// docs/protocol.md §2 gives for it. Thrown by method handlers and turned into the error envelope.
/// </summary>
internal sealed class PortalError : Exception
{
    public PortalError(string code, string description, int status)
        : base(description)
    {
        Code = code;
        Status = status;
    }

    public string Code { get; }

    public int Status { get; }

    public static PortalError QueryLimitExceeded() => new("QUERY_LIMIT_EXCEEDED", "Too many requests", 503);

    public static PortalError OperationTimeLimit() => new("OPERATION_TIME_LIMIT", "Method is blocked due to operation time limit.", 429);

    public static PortalError OverloadLimit() => new("OVERLOAD_LIMIT", "REST API is blocked due to overload.", 503);

    public static PortalError MethodNotFound() => new("ERROR_METHOD_NOT_FOUND", "Method not found!", 404);

    public static PortalError NoAuthFound() => new("NO_AUTH_FOUND", "Wrong authorization data", 401);

    public static PortalError InvalidCredentials() => new("INVALID_CREDENTIALS", "Invalid request credentials", 401);

    public static PortalError ExpiredToken() => new("expired_token", "The access token provided has expired", 401);

    public static PortalError InvalidToken() => new("invalid_token", "Unable to get application by token", 401);

    public static PortalError InvalidRequest(string description) => new("INVALID_REQUEST", description, 400);

    public static PortalError BatchLengthExceeded() => new("ERROR_BATCH_LENGTH_EXCEEDED", "Max batch length exceeded", 400);

    public static PortalError BatchMethodNotAllowed() => new("ERROR_BATCH_METHOD_NOT_ALLOWED", "Method is not allowed for batch usage", 405);

    public static PortalError InternalServerError() => new("INTERNAL_SERVER_ERROR", "Internal server error", 500);

    /// <summary>Legacy CRM handlers answer with an empty code and HTTP 400.</summary>
    public static PortalError Legacy(string description) => new(string.Empty, description, 400);

    public static PortalError NotFound(string description = "Element not found") => new("NOT_FOUND", description, 400);

    public static PortalError InvalidArgValue(string description) => new("INVALID_ARG_VALUE", description, 400);

    public static PortalError Core(string description) => new("ERROR_CORE", description, 400);
}
