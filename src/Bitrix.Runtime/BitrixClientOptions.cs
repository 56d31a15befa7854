using Microsoft.Extensions.Logging;

namespace Bitrix;

/// <summary>Settings of a <see cref="BitrixClient"/>.</summary>
public sealed class BitrixClientOptions
{
    /// <summary>
    /// Coalesce independent <see cref="BitrixClient.CallAsync(string, object?, CancellationToken)"/> calls issued
    /// concurrently into batches of up to 50, transparently to the callers.
    /// </summary>
    public bool AutoBatch { get; set; }

    /// <summary>How long the first queued call waits for companions before its batch is sent.</summary>
    public TimeSpan AutoBatchWindow { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Requests in flight at once.</summary>
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>Timeout of one HTTP request (the portal itself stops a request after 60 s).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>Where the client logs; secrets are redacted from every message.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>The clock for windows and delays; tests may pass a fake one.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>How many redirects (a portal's domain move answers 302) are followed per call.</summary>
    public int MaxRedirects { get; set; } = 5;

    internal BitrixClientOptions Validate()
    {
        if (MaxConcurrency < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConcurrency), MaxConcurrency, "At least one request must be allowed in flight.");
        }

        if (AutoBatchWindow < TimeSpan.Zero || RequestTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(RequestTimeout), "Windows and timeouts must be positive.");
        }

        return this;
    }
}
