using System.Text;

namespace Bitrix.Transport;

/// <summary>
/// Wraps the plaintext HTTP/1.1 stream of a connection and puts the webhook code into the request
/// line at the last moment. Every layer above the socket — HttpClient logging, IHttpClientFactory
/// handlers, System.Net.Http's own activities and metrics (<c>url.full</c>, <c>url.path</c>) — sees
/// only <see cref="PortalEndpoint.Placeholder"/>. Only the request line is touched, never a body.
/// The code goes only into requests to a host the endpoint trusts (the portal, or a move the
/// redirect rules allowed). On the way back the code is masked (same length, so framing holds) in
/// every response's status line and headers: a <c>Location</c> echoing it never reaches the
/// response objects HttpClient hands to its diagnostics, logging handlers and the caller.
/// </summary>
internal sealed class SecretInjectingStream : Stream
{
    private static readonly byte[] PlaceholderBytes = Encoding.ASCII.GetBytes(PortalEndpoint.Placeholder);
    private readonly Stream _inner;
    private readonly byte[] _secret;
    private readonly bool _inject;

    // Response scanning: between a request and the end of its answer's header block.
    private volatile bool _inHeaders = true;
    private int _blockPosition;
    private bool _interim;
    private int _lineBreaks;
    private byte[] _pending = [];
    private byte[] _ready = [];
    private int _readyOffset;
    private int _readyCount;

    public SecretInjectingStream(Stream inner, string secret, bool inject = true)
    {
        _inner = inner;
        _secret = Encoding.ASCII.GetBytes(secret);
        _inject = inject;
    }

    /// <summary>The <see cref="System.Net.Http.SocketsHttpHandler.PlaintextStreamFilter"/> that installs this stream.</summary>
    public static Func<System.Net.Http.SocketsHttpPlaintextStreamFilterContext, CancellationToken, ValueTask<Stream>> Filter(string secret, PortalEndpoint endpoint)
        => (context, _) => ValueTask.FromResult<Stream>(new SecretInjectingStream(
            context.PlaintextStream,
            secret,
            inject: context.InitialRequestMessage.RequestUri is { } uri && endpoint.Trusts(uri)));

    public override bool CanRead => _inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => _inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush() => _inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return _readyCount > 0 ? 0 : _inner.Read(buffer);
        }

        while (true)
        {
            if (_readyCount > 0)
            {
                return Deliver(buffer);
            }

            if (buffer.Length <= _pending.Length)
            {
                var scratch = Scratch();
                var n = Scan(scratch, _pending.Length, _inner.Read(scratch, _pending.Length, scratch.Length - _pending.Length));
                MakeReady(scratch, n);
                if (n == 0 && _pending.Length == 0)
                {
                    return 0;
                }

                continue;
            }

            var kept = _pending.Length;
            _pending.CopyTo(buffer);
            var read = _inner.Read(buffer[kept..]);
            var ready = Scan(buffer, kept, read);
            if (ready > 0 || read == 0)
            {
                return ready;
            }
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            // A zero-byte read waits for data: some is already here when an answer is being delivered.
            return _readyCount > 0 ? 0 : await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        while (true)
        {
            if (_readyCount > 0)
            {
                return Deliver(buffer.Span);
            }

            if (buffer.Length <= _pending.Length)
            {
                var scratch = Scratch();
                var kept = _pending.Length;
                var got = await _inner.ReadAsync(scratch.AsMemory(kept), cancellationToken).ConfigureAwait(false);
                var n = Scan(scratch, kept, got);
                MakeReady(scratch, n);
                if (n == 0 && _pending.Length == 0)
                {
                    return 0;
                }

                continue;
            }

            // The read goes straight into the caller's buffer and is scanned there afterwards: the
            // handler may start a read on an idle connection before it writes the next request,
            // so whether the bytes begin an answer is known only once they have arrived.
            var held = _pending.Length;
            _pending.CopyTo(buffer.Span);
            var read = await _inner.ReadAsync(buffer[held..], cancellationToken).ConfigureAwait(false);
            var ready = Scan(buffer.Span, held, read);
            if (ready > 0 || read == 0)
            {
                return ready;
            }
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        NoteRequestStart(buffer);
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
    {
        NoteRequestStart(buffer.Span);
        return Inject(buffer.Span) is { } rewritten ? _inner.WriteAsync(rewritten, cancellationToken) : _inner.WriteAsync(buffer, cancellationToken);
    }

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
        if (!_inject || at < 0 || !StartsWithMethodToken(buffer))
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

    /// <summary>A new request on the connection: the next bytes read are its answer's status line and headers.</summary>
    private void NoteRequestStart(ReadOnlySpan<byte> buffer)
    {
        var lineEnd = buffer.IndexOf("\r\n"u8);
        if (lineEnd > 0 && StartsWithMethodToken(buffer) && buffer[..lineEnd].IndexOf(" HTTP/1."u8) > 0)
        {
            _inHeaders = true;
            _blockPosition = 0;
            _interim = false;
            _lineBreaks = 0;
        }
    }

    /// <summary>A buffer holding the bytes kept back from the last read, with room for the next read after them.</summary>
    private byte[] Scratch()
    {
        var scratch = new byte[_pending.Length + 1024];
        _pending.CopyTo(scratch, 0);
        return scratch;
    }

    private void MakeReady(byte[] scratch, int count)
    {
        _ready = scratch;
        _readyOffset = 0;
        _readyCount = count;
    }

    private int Deliver(Span<byte> buffer)
    {
        var n = Math.Min(buffer.Length, _readyCount);
        _ready.AsSpan(_readyOffset, n).CopyTo(buffer);
        _readyOffset += n;
        _readyCount -= n;
        return n;
    }

    /// <summary>
    /// Masks the code in the header part of <paramref name="data"/> (<paramref name="kept"/>
    /// bytes kept back from the last read, then <paramref name="read"/> new ones), in place, and
    /// returns how many bytes may go on: a tail that could be the start of the code is kept back
    /// while the header block goes on.
    /// </summary>
    private int Scan(Span<byte> data, int kept, int read)
    {
        var total = kept + read;
        _pending = [];
        if (read == 0)
        {
            // The end of the stream: what was kept back is only a part of the code, never all of it.
            return total;
        }

        if (!_inHeaders)
        {
            return total;
        }

        var headerEnd = -1;
        for (var i = kept; i < total && headerEnd < 0; i++)
        {
            if (EndsHeaderBlock(data[i]))
            {
                headerEnd = i + 1;
            }
        }

        var scanned = data[..(headerEnd >= 0 ? headerEnd : total)];
        for (var at = scanned.IndexOf(_secret); at >= 0;)
        {
            scanned.Slice(at, _secret.Length).Fill((byte)'*');
            var next = scanned[(at + _secret.Length)..].IndexOf(_secret);
            at = next < 0 ? -1 : at + _secret.Length + next;
        }

        if (headerEnd >= 0)
        {
            _inHeaders = false;
            return total;
        }

        // The header block goes on (it ends with an empty line), so bytes kept back always get company.
        for (var k = Math.Min(_secret.Length - 1, total); k > 0; k--)
        {
            if (data.Slice(total - k, k).SequenceEqual(_secret.AsSpan(0, k)))
            {
                _pending = data.Slice(total - k, k).ToArray();
                return total - k;
            }
        }

        return total;
    }

    /// <summary>Feeds one header byte; true when it ends a final answer's header block (an interim 1xx block is followed by another).</summary>
    private bool EndsHeaderBlock(byte b)
    {
        if (_blockPosition++ == 9 && b == (byte)'1')
        {
            _interim = true;
        }

        _lineBreaks = b switch
        {
            (byte)'\r' => _lineBreaks == 2 ? 3 : 1,
            (byte)'\n' => _lineBreaks is 1 or 3 ? _lineBreaks + 1 : 0,
            _ => 0,
        };
        if (_lineBreaks != 4)
        {
            return false;
        }

        _lineBreaks = 0;
        _blockPosition = 0;
        if (_interim)
        {
            _interim = false;
            return false;
        }

        return true;
    }
}
