using System.Text.Json;

namespace Bitrix.Emulator.Tests;

/// <summary>A bare HTTP client for tests of the emulator: it sends what it is given, nothing more.</summary>
public sealed class PortalClient : IAsyncDisposable
{
    private readonly HttpClient _http;

    private PortalClient(BitrixEmulator emulator, HttpClient http)
    {
        Emulator = emulator;
        _http = http;
    }

    public BitrixEmulator Emulator { get; }

    public Uri Webhook => Emulator.WebhookUrl;

    /// <summary>The IDs an entity has now, ascending. Seeded IDs have holes: a row's ID is not its rank.</summary>
    public Task<IReadOnlyList<long>> IdsAsync(string entity) => Emulator.GetIdsAsync(entity);

    /// <summary>The ID of the row at a rank (0 = the oldest) in an entity's ascending IDs.</summary>
    public async Task<long> IdAsync(string entity, int rank) => (await Emulator.GetIdsAsync(entity))[rank];

    /// <summary>An emulator answered in memory; latency 0 unless the options say otherwise.</summary>
    public static PortalClient InProcess(EmulatorOptions? options = null)
    {
        options ??= new EmulatorOptions { LatencyScale = 0 };
        var emulator = new BitrixEmulator(options);
        return new PortalClient(emulator, new HttpClient(emulator.CreateHandler(), disposeHandler: true));
    }

    /// <summary>An emulator served by Kestrel on a free loopback port.</summary>
    public static async Task<PortalClient> OverLoopbackAsync(EmulatorOptions? options = null)
    {
        options ??= new EmulatorOptions { LatencyScale = 0 };
        var emulator = await BitrixEmulator.StartAsync(options);
        return new PortalClient(emulator, new HttpClient());
    }

    public Task<Answer> PostJsonAsync(string method, object? body)
        => SendAsync(HttpMethod.Post, new Uri(Webhook, method), body is null ? null : new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"));

    public Task<Answer> PostFormAsync(string method, string form)
        => SendAsync(HttpMethod.Post, new Uri(Webhook, method), new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded"));

    public Task<Answer> GetAsync(string pathAndQuery) => SendAsync(HttpMethod.Get, new Uri(Webhook, pathAndQuery), null);

    public Task<Answer> SendAsync(HttpMethod verb, Uri uri, HttpContent? content)
        => SendAsync(new HttpRequestMessage(verb, uri) { Content = content });

    public async Task<Answer> SendAsync(HttpRequestMessage request)
    {
        using (request)
        using (var response = await _http.SendAsync(request))
        {
            var text = await response.Content.ReadAsStringAsync();
            return new Answer(response.StatusCode, response.Content.Headers.ContentType?.MediaType, text, response.Headers.Location);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await Emulator.DisposeAsync();
    }
}

/// <summary>An HTTP answer with its JSON parsed when it is JSON.</summary>
public sealed record Answer(HttpStatusCode Status, string? MediaType, string Text, Uri? Location)
{
    public JsonNode? Json => MediaType == "application/json" ? JsonNode.Parse(Text) : null;

    public JsonNode? Result => Json?["result"];

    public string? Error => (string?)Json?["error"];
}
