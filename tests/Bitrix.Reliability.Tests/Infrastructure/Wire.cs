namespace Bitrix.Reliability.Tests.Infrastructure;

/// <summary>
/// Sits under a client and counts what goes over the wire: requests started, requests still in
/// flight (a send that has not completed — a leaked task would keep this above zero) and when the
/// last request started.
/// </summary>
public sealed class Wire : DelegatingHandler
{
    private long _started;
    private long _inFlight;
    private long _lastStart;

    public Wire(HttpMessageHandler inner)
        : base(inner)
    {
    }

    public long Started => Interlocked.Read(ref _started);

    public long InFlight => Interlocked.Read(ref _inFlight);

    /// <summary>Stopwatch ticks of the last request's start (0 before any).</summary>
    public long LastStart => Interlocked.Read(ref _lastStart);

    /// <summary>Runs before each request goes on (e.g. to cancel after some requests).</summary>
    public Action<HttpRequestMessage>? BeforeSend { get; set; }

    /// <summary>Awaited before each request goes on (e.g. to hold some requests up).</summary>
    public Func<HttpRequestMessage, CancellationToken, Task>? Hold { get; set; }

    /// <summary>Waits until nothing is in flight; false if something still is after <paramref name="timeout"/>.</summary>
    public async Task<bool> QuietAsync(TimeSpan timeout)
    {
        var until = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (InFlight > 0)
        {
            if (Stopwatch.GetTimestamp() > until)
            {
                return false;
            }

            await Task.Delay(10);
        }

        return true;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // A send whose token is already cancelled never reaches a socket (SocketsHttpHandler refuses it
        // at once); the in-memory emulator behind this handler must refuse it the same way, uncounted.
        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _started);
        Interlocked.Exchange(ref _lastStart, Stopwatch.GetTimestamp());
        Interlocked.Increment(ref _inFlight);
        try
        {
            BeforeSend?.Invoke(request);
            if (Hold is { } hold)
            {
                await hold(request, cancellationToken);
            }

            return await base.SendAsync(request, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
