using System.Net;
using System.Text;

namespace Bitrix.Testing;

/// <summary>Answers every request with what a test scripts: shapes no well-behaved portal sends.</summary>
public sealed class StubHandler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
{
    public int Calls { get; private set; }

    public static StubHandler Always(HttpStatusCode status, string body, string mediaType = "application/json")
        => new(_ => Answer(status, body, mediaType));

    public static HttpResponseMessage Answer(HttpStatusCode status, string body, string mediaType = "application/json")
        => new(status) { Content = new StringContent(body, Encoding.UTF8, mediaType) };

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Calls++;
        var response = answer(request);
        response.RequestMessage = request;
        return Task.FromResult(response);
    }
}
