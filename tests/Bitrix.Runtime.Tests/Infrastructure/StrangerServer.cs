using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;

namespace Bitrix.Runtime.Tests.Infrastructure;

/// <summary>
/// A loopback HTTP/1.1 server that keeps every request exactly as it arrived on the socket
/// (request line, headers and body) and answers each with what the test scripts — by default a
/// well-formed envelope, so that a client which did send something here would believe it.
/// </summary>
public sealed class StrangerServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly Func<string, string> _answer;
    private readonly Task _loop;

    /// <param name="answer">The raw HTTP answer (status line, headers, body) to a raw request.</param>
    public StrangerServer(Func<string, string>? answer = null)
    {
        _answer = answer ?? (_ => Ok("""{"result":{"ID":"1","stranger":true},"time":{"start":1}}"""));
        _listener.Start();
        BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _loop = AcceptAsync();
    }

    public Uri BaseAddress { get; }

    /// <summary>Every request received, raw.</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    public static string Ok(string json)
        => $"HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {Encoding.UTF8.GetByteCount(json)}\r\n\r\n{json}";

    public static string Redirect(int status, string location)
        => $"HTTP/1.1 {status} Moved\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n";

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var buffer = new List<byte>();
            var chunk = new byte[8192];
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    var headEnd = IndexOfHeadEnd(buffer);
                    while (headEnd < 0)
                    {
                        var n = await stream.ReadAsync(chunk, _stop.Token);
                        if (n == 0)
                        {
                            return;
                        }

                        buffer.AddRange(chunk.AsSpan(0, n).ToArray());
                        headEnd = IndexOfHeadEnd(buffer);
                    }

                    var head = Encoding.ASCII.GetString(buffer.GetRange(0, headEnd).ToArray());
                    var length = ContentLength(head);
                    while (buffer.Count < headEnd + length)
                    {
                        var n = await stream.ReadAsync(chunk, _stop.Token);
                        if (n == 0)
                        {
                            break;
                        }

                        buffer.AddRange(chunk.AsSpan(0, n).ToArray());
                    }

                    var total = Math.Min(buffer.Count, headEnd + length);
                    var request = Encoding.UTF8.GetString(buffer.GetRange(0, total).ToArray());
                    buffer.RemoveRange(0, total);
                    _requests.Enqueue(request);
                    var answer = Encoding.UTF8.GetBytes(_answer(request));
                    await stream.WriteAsync(answer, _stop.Token);
                }
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
            }
            catch (IOException)
            {
            }
        }
    }

    private static int IndexOfHeadEnd(List<byte> buffer)
    {
        for (var i = 3; i < buffer.Count; i++)
        {
            if (buffer[i - 3] == '\r' && buffer[i - 2] == '\n' && buffer[i - 1] == '\r' && buffer[i] == '\n')
            {
                return i + 1;
            }
        }

        return -1;
    }

    private static int ContentLength(string head)
    {
        foreach (var line in head.Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                return int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }
}
