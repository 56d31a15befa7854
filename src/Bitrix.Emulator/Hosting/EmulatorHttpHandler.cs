using System.Net;
using System.Net.Http.Headers;
using Bitrix.Emulator.Protocol;

namespace Bitrix.Emulator.Hosting;

/// <summary>An <see cref="HttpMessageHandler"/> that answers from the portal core in memory: no sockets.</summary>
internal sealed class EmulatorHttpHandler : HttpMessageHandler
{
    private readonly Portal _portal;

    public EmulatorHttpHandler(Portal portal) => _portal = portal;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri ?? throw new InvalidOperationException("request has no URI");
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var contentType = request.Content?.Headers.ContentType?.ToString();
        var authorization = request.Headers.Authorization?.ToString();
        var emulatorRequest = new EmulatorRequest(
            request.Method.Method,
            Uri.UnescapeDataString(uri.AbsolutePath),
            uri.Query.TrimStart('?'),
            contentType,
            body,
            authorization,
            new Uri(uri.GetLeftPart(UriPartial.Authority)));

        var answer = await _portal.HandleAsync(emulatorRequest, cancellationToken).ConfigureAwait(false);
        switch (answer.Fault)
        {
            case TransportFault.ResetBeforeAnswer:
                throw new HttpRequestException(HttpRequestError.ResponseEnded, "An error occurred while sending the request.", new IOException("Connection reset by peer"));
            case TransportFault.DelayAnswer:
                await Task.Delay(answer.Delay, _portal.Time, cancellationToken).ConfigureAwait(false);
                break;
        }

        var sent = answer.Fault switch
        {
            TransportFault.CutMatchingLength => answer.Body[..(answer.Body.Length / 2)],
            TransportFault.CutShortLength => answer.Body[..(answer.Body.Length / 3)],
            _ => answer.Body,
        };
        var response = new HttpResponseMessage((HttpStatusCode)answer.Status)
        {
            RequestMessage = request,
            Content = answer.Fault == TransportFault.TruncateAnswer
                ? new StreamContent(new TruncatedStream(answer.Body, answer.Body.Length / 2))
                : new ByteArrayContent(sent),
        };
        response.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(answer.ContentType.Length == 0 ? "text/plain" : answer.ContentType);
        response.Content.Headers.ContentLength = sent.Length;
        if (answer.Location is not null)
        {
            response.Headers.Location = new Uri(answer.Location);
        }

        return response;
    }

    /// <summary>Yields the first bytes of an answer, then fails as a dropped connection does.</summary>
    private sealed class TruncatedStream(byte[] body, int cut) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => body.Length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position >= cut)
            {
                throw new IOException("The response ended prematurely: connection reset by peer.");
            }

            var n = Math.Min(count, cut - _position);
            Array.Copy(body, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
