using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Bitrix.AspNetCore.Tests;

/// <summary>An application with the events endpoint on a free loopback port; it records every event handed over.</summary>
internal sealed class EventServer : IAsyncDisposable
{
    public const string Token = "51856fefc120afa4b628cc82d3935cce";

    private readonly WebApplication _app;

    private EventServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public Uri Endpoint => new(Address, "/bitrix/events");

    public ConcurrentQueue<BitrixEvent> Received { get; } = new();

    public static async Task<EventServer> StartAsync(Action<BitrixEventOptions>? configure = null, Func<BitrixEvent, Task>? onEvent = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var options = new BitrixEventOptions { ApplicationTokens = { Token } };
        configure?.Invoke(options);
        EventServer? server = null;
        app.MapBitrixEvents("/bitrix/events", async (e, _) =>
        {
            server!.Received.Enqueue(e);
            if (onEvent is not null)
            {
                await onEvent(e);
            }
        }, options);
        await app.StartAsync();
        server = new EventServer(app, new Uri(app.Urls.First()));
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
