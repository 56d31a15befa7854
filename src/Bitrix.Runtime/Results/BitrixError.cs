using System.Net;

namespace Bitrix;

/// <summary>An error of one item or batch command, as the portal reported it.</summary>
/// <param name="Code">The error code (empty for legacy CRM errors).</param>
/// <param name="Description">The error description.</param>
/// <param name="StatusCode">The HTTP status when the error came as a whole answer, not inside a batch.</param>
public sealed record BitrixError(string Code, string Description, HttpStatusCode? StatusCode = null)
{
    /// <summary>The error as an exception, naming the method and command.</summary>
    public BitrixException ToException(string? method = null, string? commandName = null)
        => new(Code, Description, StatusCode, method, commandName);

    internal static BitrixError From(BitrixException exception) => new(exception.ErrorCode, exception.Description, exception.StatusCode);
}
