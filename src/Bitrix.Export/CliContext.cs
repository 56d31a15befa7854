using Spectre.Console;

namespace Bitrix.Export;

/// <summary>
/// What a command-line program runs against: its consoles, environment and client settings. The
/// defaults are the process's own; tests replace them (a test console, a private rate-limit store).
/// </summary>
public sealed class CliContext
{
    /// <summary>The program's name, the prefix of every error line (<c>bitrix: ...</c>).</summary>
    public string ProgramName { get; init; } = "bitrix";

    /// <summary>Where progress and summaries are rendered (standard output by default).</summary>
    public IAnsiConsole Console { get; init; } = CreateConsole();

    /// <summary>Plain standard output: help text and JSON results.</summary>
    public TextWriter Out { get; init; } = System.Console.Out;

    /// <summary>Standard error: one line per failure, and one per retry of a transient failure before it.</summary>
    public TextWriter Error { get; init; } = System.Console.Error;

    /// <summary>Reads an environment variable (<c>BITRIX_WEBHOOK</c>).</summary>
    public Func<string, string?> GetEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>Adjusts the options of every client the program creates (plan, rate-limit store).</summary>
    public Action<BitrixClientOptions>? ConfigureClient { get; init; }

    /// <summary>
    /// Supplies a portal when neither <c>--webhook</c> nor <c>BITRIX_WEBHOOK</c> is given (the sample's
    /// embedded emulator); without it, a missing webhook is an error.
    /// </summary>
    public Func<CancellationToken, Task<FallbackPortal>>? FallbackPortal { get; init; }

    /// <summary>
    /// The process's console. Redirected output is not a terminal: no live bar (Spectre prints occasional
    /// plain lines instead) and lines are not wrapped at 80 columns.
    /// </summary>
    private static IAnsiConsole CreateConsole()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings());
        if (System.Console.IsOutputRedirected)
        {
            console.Profile.Width = 400;
        }

        return console;
    }

    /// <summary>The webhook given on the command line, else <c>BITRIX_WEBHOOK</c>, else null.</summary>
    internal string? ResolveWebhook(string? given)
    {
        if (!string.IsNullOrWhiteSpace(given))
        {
            return given.Trim();
        }

        var fromEnvironment = GetEnvironmentVariable("BITRIX_WEBHOOK");
        return string.IsNullOrWhiteSpace(fromEnvironment) ? null : fromEnvironment.Trim();
    }

    /// <summary>A client of the webhook with <see cref="ConfigureClient"/> applied.</summary>
    internal BitrixClient CreateClient(string webhook)
    {
        if (!Uri.TryCreate(webhook, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new CliException("the webhook is not an http(s) URL: expected https://PORTAL/rest/USER_ID/CODE/");
        }

        // Retries are announced on standard error as they happen (reason, attempt), not only after the last one.
        var options = new BitrixClientOptions { RateLimit = RateLimitPlan.Standard, LoggerFactory = new RetryNotices(Error, ProgramName) };
        ConfigureClient?.Invoke(options);
        return BitrixClient.FromWebhook(webhook, options);
    }
}

/// <summary>A portal supplied for a run without a webhook; disposing it stops the portal.</summary>
/// <param name="WebhookUrl">The portal's webhook URL.</param>
/// <param name="Owner">What to dispose when the run ends.</param>
/// <param name="Description">A line saying what was started, printed before the run.</param>
public sealed record FallbackPortal(Uri WebhookUrl, IAsyncDisposable Owner, string Description);
