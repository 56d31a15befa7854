using Bitrix.Emulator;

namespace Bitrix.Listing.Tests;

/// <summary>An emulated portal without effective rate limits, and a client on its in-process handler.</summary>
public sealed class Portal : EmulatedPortal
{
    public Portal(Action<EmulatorOptions> configure, Func<HttpMessageHandler, HttpMessageHandler>? wrap = null)
        : base(Open(configure))
    {
        Client = Connect(
            new BitrixClientOptions
            {
                RateLimit = new RateLimitPlan(1_000_000, 1_000_000),
                RateLimitStore = new InMemoryRateLimitStore(),
                OperatingLimitSeconds = 1e9,
            },
            wrap);
    }

    public BitrixClient Client { get; }

    public async Task<List<long>> ListIdsAsync(string method, JsonObject? parameters, ListStrategy strategy, string idKey = "ID")
    {
        var ids = new List<long>();
        await foreach (var row in Client.ListAllAsync(method, parameters, new ListOptions { Strategy = strategy }))
        {
            ids.Add(IdOf(row, idKey));
        }

        return ids;
    }

    public async Task<List<JsonElement>> ListRowsAsync(string method, JsonObject? parameters, ListOptions options)
    {
        var rows = new List<JsonElement>();
        await foreach (var row in Client.ListAllAsync(method, parameters, options))
        {
            rows.Add(row);
        }

        return rows;
    }
}

/// <summary>Counts the HTTP requests that reach the portal and, when asked, keeps the first batch answers.</summary>
public sealed class Recorder
{
    private long _requests;

    public long Requests => Interlocked.Read(ref _requests);

    public bool KeepBatchAnswers { get; init; }

    public System.Collections.Concurrent.ConcurrentQueue<(string Request, string Answer)> BatchAnswers { get; } = new();

    public HttpMessageHandler Wrap(HttpMessageHandler inner) => new Handler(this) { InnerHandler = inner };

    private sealed class Handler(Recorder recorder) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref recorder._requests);
            var response = await base.SendAsync(request, cancellationToken);
            if (recorder.KeepBatchAnswers && request.RequestUri!.AbsolutePath.EndsWith("/batch.json", StringComparison.Ordinal) && recorder.BatchAnswers.Count < 4)
            {
                var body = await request.Content!.ReadAsStringAsync(cancellationToken);
                var answer = await response.Content.ReadAsStringAsync(cancellationToken);
                var copy = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(answer));
                foreach (var header in response.Content.Headers)
                {
                    copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }

                response.Content = copy;
                recorder.BatchAnswers.Enqueue((body, answer));
            }

            return response;
        }
    }
}
