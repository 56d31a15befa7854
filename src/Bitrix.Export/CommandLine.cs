using System.CommandLine;
using System.Net.Sockets;
using System.Text.Json;

namespace Bitrix.Export;

/// <summary>
/// Runs a System.CommandLine root command the way every TypedBitrix program does: a parse error or
/// a failure prints one line on standard error and exits non-zero; nothing ever prints a stack trace.
/// </summary>
public static class CommandLine
{
    /// <summary>Exit code of a failed run.</summary>
    public const int Failure = 1;

    /// <summary>Exit code of a command line that does not parse.</summary>
    public const int UsageError = 2;

    /// <summary>Exit code of a run cancelled with Ctrl+C.</summary>
    public const int Cancelled = 130;

    /// <summary>Parses <paramref name="args"/> and runs the chosen command's action.</summary>
    public static async Task<int> RunAsync(RootCommand root, IReadOnlyList<string> args, CliContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);

        // "@file" would otherwise be read as a response file: a filter value may well start with '@'.
        var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parsed.Errors.Count > 0)
        {
            await context.Error.WriteLineAsync($"{context.ProgramName}: {Flatten(parsed.Errors[0].Message)} (see --help)").ConfigureAwait(false);
            return UsageError;
        }

        try
        {
            return await parsed.InvokeAsync(
                new InvocationConfiguration { Output = context.Out, Error = context.Error, EnableDefaultExceptionHandler = false },
                cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (e.InnerException is not TimeoutException)
        {
            // Ctrl+C: System.CommandLine cancels the action's token.
            await context.Error.WriteLineAsync($"{context.ProgramName}: cancelled").ConfigureAwait(false);
            return Cancelled;
        }
#pragma warning disable CA1031 // The one place every failure becomes one line instead of a stack trace.
        catch (Exception e)
#pragma warning restore CA1031
        {
            await context.Error.WriteLineAsync($"{context.ProgramName}: {Describe(e)}").ConfigureAwait(false);
            return Failure;
        }
    }

    /// <summary>One line that says what went wrong, without a stack trace or a secret.</summary>
    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var line = exception switch
        {
            CliException => exception.Message,
            BitrixException { ErrorCode: BitrixErrorCodes.TransportFailure } b => $"cannot reach the portal: {Innermost(b)}",
            BitrixException b => $"the portal answered {(b.ErrorCode.Length == 0 ? "an error" : b.ErrorCode)}{(b.StatusCode is { } s ? $" (HTTP {(int)s})" : "")}: {b.Description}",
            HttpRequestException h => $"cannot reach the portal: {Innermost(h)}",
            TimeoutException or OperationCanceledException => "the portal did not answer in time",
            ArgumentException a => StripParameter(a.Message),
            JsonException j => $"not valid JSON: {j.Message}",
            IOException or UnauthorizedAccessException => exception.Message,
            _ => $"{exception.GetType().Name}: {exception.Message}",
        };
        return Flatten(line);
    }

    /// <summary>The most telling message of the chain: the HTTP layer's names the address (<c>Connection refused (127.0.0.1:1)</c>).</summary>
    private static string Innermost(Exception exception)
    {
        var http = default(HttpRequestException);
        var inner = exception;
        for (var e = exception; e is not null; e = e.InnerException)
        {
            http ??= e as HttpRequestException;
            inner = e;
        }

        return inner switch
        {
            SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain } => $"unknown host ({http?.Message ?? inner.Message})",
            _ when http is not null => http.Message,
            _ when ReferenceEquals(inner, exception) && exception is BitrixException b => b.Description,
            _ => inner.Message,
        };
    }

    private static string StripParameter(string message)
    {
        var at = message.LastIndexOf(" (Parameter '", StringComparison.Ordinal);
        return at > 0 ? message[..at] : message;
    }

    private static string Flatten(string line) => string.Join(' ', line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
