using System.Collections.Concurrent;
using System.Text;

namespace Bitrix.Runtime.Tests.Infrastructure;

/// <summary>One HTTP request as it left the client.</summary>
public sealed record RecordedRequest(HttpMethod Method, Uri Uri, string? ContentType, byte[] Body)
{
    public string BodyText => Encoding.UTF8.GetString(Body);

    public JsonNode? Json => Body.Length == 0 ? null : JsonNode.Parse(Body);

    /// <summary>The REST method of a <c>/rest/.../METHOD.json</c> URL.</summary>
    public string RestMethod
    {
        get
        {
            var last = Uri.AbsolutePath.TrimEnd('/').Split('/')[^1];
            return last.EndsWith(".json", StringComparison.Ordinal) ? last[..^5] : last;
        }
    }
}

/// <summary>
/// Sits between the client and the emulator's in-memory handler and records every request
/// (verb, URL, body) exactly as the client sent it; optionally runs a hook before forwarding.
/// </summary>
public sealed class RecordingHandler : DelegatingHandler
{
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    public RecordingHandler(HttpMessageHandler inner)
        : base(inner)
    {
    }

    /// <summary>Runs before each request is forwarded (e.g. to expire tokens mid-run).</summary>
    public Func<RecordedRequest, Task>? BeforeSend { get; set; }

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public IReadOnlyList<RecordedRequest> RestRequests => [.. _requests.Where(r => r.Uri.AbsolutePath.StartsWith("/rest/", StringComparison.Ordinal))];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var recorded = new RecordedRequest(request.Method, request.RequestUri!, request.Content?.Headers.ContentType?.MediaType, body);
        _requests.Enqueue(recorded);
        if (BeforeSend is { } hook)
        {
            await hook(recorded);
        }

        return await base.SendAsync(request, cancellationToken);
    }
}

/// <summary>Routes each request by its host to one of several in-memory portals.</summary>
public sealed class HostRouter : HttpMessageHandler
{
    private readonly Dictionary<string, HttpMessageInvoker> _routes = new(StringComparer.OrdinalIgnoreCase);

    public HostRouter Route(string host, HttpMessageHandler handler)
    {
        _routes[host] = new HttpMessageInvoker(handler, disposeHandler: true);
        return this;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        => _routes.TryGetValue(request.RequestUri!.Host, out var invoker)
            ? invoker.SendAsync(request, cancellationToken)
            : throw new HttpRequestException(HttpRequestError.NameResolutionError, $"No route to host {request.RequestUri.Host}.");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var invoker in _routes.Values)
            {
                invoker.Dispose();
            }
        }

        base.Dispose(disposing);
    }
}
