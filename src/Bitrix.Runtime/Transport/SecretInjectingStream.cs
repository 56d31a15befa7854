using System.Text;

namespace Bitrix.Transport;

/// <summary>
/// Wraps the plaintext HTTP/1.1 stream of a connection and puts the webhook code into the request
/// line at the last moment. Every layer above the socket — HttpClient logging, IHttpClientFactory
/// handlers, System.Net.Http's own activities and metrics (<c>url.full</c>, <c>url.path</c>) — sees
/// only <see cref="PortalEndpoint.Placeholder"/>. Only the request line is touched, never a body.
/// </summary>
internal sealed class SecretInjectingStream : Stream
{
    private static readonly byte[] PlaceholderBytes = Encoding.ASCII.GetBytes(PortalEndpoint.Placeholder);
    private readonly Stream _inner;
    private readonly byte[] _secret;

    public SecretInjectingStream(Stream inner, string secret)
    {
        _inner = inner;
        _secret = Encoding.ASCII.GetBytes(secret);
    }

    /// <summary>The <see cref="System.Net.Http.SocketsHttpHandler.PlaintextStreamFilter"/> that installs this stream.</summary>
    public static Func<System.Net.Http.SocketsHttpPlaintextStreamFilterContext, CancellationToken, ValueTask<Stream>> Filter(string secret)
        => (context, _) => ValueTask.FromResult<Stream>(new SecretInjectingStream(context.PlaintextStream, secret));

    public override bool CanRead => _inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => _inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush() => _inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

    public override int Read(Span<byte> buffer) => _inner.Read(buffer);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _inner.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _inner.ReadAsync(buffer, offset, count, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (Inject(buffer) is { } rewritten)
        {
            _inner.Write(rewritten);
        }
        else
        {
            _inner.Write(buffer);
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        => Inject(buffer.Span) is { } rewritten ? _inner.WriteAsync(rewritten, cancellationToken) : _inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync() => _inner.DisposeAsync();

    /// <summary>A copy with the placeholder replaced, when the write starts a request whose line holds it.</summary>
    private byte[]? Inject(ReadOnlySpan<byte> buffer)
    {
        var lineEnd = buffer.IndexOf("\r\n"u8);
        var firstLine = lineEnd < 0 ? buffer : buffer[..lineEnd];
        var at = firstLine.IndexOf(PlaceholderBytes);
        if (at < 0 || !StartsWithMethodToken(buffer))
        {
            return null;
        }

        var result = new byte[buffer.Length - PlaceholderBytes.Length + _secret.Length];
        buffer[..at].CopyTo(result);
        _secret.CopyTo(result.AsSpan(at));
        buffer[(at + PlaceholderBytes.Length)..].CopyTo(result.AsSpan(at + _secret.Length));
        return result;
    }

    private static bool StartsWithMethodToken(ReadOnlySpan<byte> buffer)
    {
        var space = buffer.IndexOf((byte)' ');
        if (space <= 0)
        {
            return false;
        }

        foreach (var b in buffer[..space])
        {
            if (b is < (byte)'A' or > (byte)'Z')
            {
                return false;
            }
        }

        return true;
    }
}
