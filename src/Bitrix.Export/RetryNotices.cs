using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Bitrix.Export;

/// <summary>
/// The client's log as a command-line program shows it: every retry of a transient failure and every
/// refusal waited out is one line on standard error (<c>bitrix: retry 2 of 5 in 1.8 s: ...</c>), so a
/// portal that does not answer is not minutes of silence before the error. Everything else is dropped.
/// The client's messages are free of secrets; nothing here adds any.
/// </summary>
internal sealed class RetryNotices(TextWriter error, string programName) : ILoggerFactory, ILogger
{
    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel) || state is not IReadOnlyList<KeyValuePair<string, object?>> values)
        {
            return;
        }

        string Value(string name) => Convert.ToString(values.FirstOrDefault(v => v.Key == name).Value, CultureInfo.InvariantCulture) ?? "?";
        var line = eventId.Name switch
        {
            "Retrying" => string.Create(CultureInfo.InvariantCulture,
                $"{programName}: retry {Value("Attempt")} of {Value("MaxRetries")} in {Convert.ToDouble(values.First(v => v.Key == "DelaySeconds").Value, CultureInfo.InvariantCulture):0.0} s: {Value("Method")} failed ({Value("ErrorCode")}: {Value("Reason").ReplaceLineEndings(" ")})"),
            "Refused" => $"{programName}: the portal refused {Value("Method")} ({Value("ErrorCode")}): waiting and sending again",
            _ => null,
        };
        if (line is null)
        {
            return;
        }

        lock (error)
        {
            error.WriteLine(line);
        }
    }
}
