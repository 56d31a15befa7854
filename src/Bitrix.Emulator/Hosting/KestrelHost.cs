using Bitrix.Emulator.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bitrix.Emulator.Hosting;

/// <summary>Serves the portal core over HTTP with Kestrel.</summary>
internal static class KestrelHost
{
    /// <summary>Starts listening on <paramref name="url"/> (port 0 picks a free port) and returns the app and its bound address.</summary>
    public static async Task<(WebApplication App, Uri Address)> StartAsync(Portal portal, string url, CancellationToken cancellationToken)
    {
        var https = url.StartsWith("https:", StringComparison.OrdinalIgnoreCase);
        if (https && portal.Options.ServerCertificate is null)
        {
            throw new ArgumentException("Listening on https needs EmulatorOptions.ServerCertificate.", nameof(url));
        }

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
            k.AddServerHeader = false;
            if (portal.Options.ServerCertificate is { } certificate)
            {
                k.ConfigureHttpsDefaults(h => h.ServerCertificate = certificate);
            }
        });
        if (https)
        {
            builder.WebHost.UseKestrelHttpsConfiguration();
        }

        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        builder.Services.AddRouting();
        var app = builder.Build();
        app.Run(context => ServeAsync(portal, context));
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return (app, new Uri(address));
    }

    private static async Task ServeAsync(Portal portal, HttpContext context)
    {
        var http = context.Request;
        using var buffer = new MemoryStream();
        await http.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        var request = new EmulatorRequest(
            http.Method,
            http.Path.Value ?? "/",
            http.QueryString.HasValue ? http.QueryString.Value![1..] : string.Empty,
            http.ContentType,
            buffer.ToArray(),
            http.Headers.Authorization.ToString() is { Length: > 0 } auth ? auth : null,
            new Uri($"{http.Scheme}://{http.Host}"));

        EmulatorResponse answer;
        try
        {
            answer = await portal.HandleAsync(request, context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        if (answer.Fault == TransportFault.ResetBeforeAnswer)
        {
            context.Abort();
            return;
        }

        if (answer.Fault == TransportFault.DelayAnswer)
        {
            try
            {
                await Task.Delay(answer.Delay, portal.Time, context.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        var response = context.Response;
        response.StatusCode = answer.Status;
        response.ContentType = answer.ContentType;
        if (answer.Location is not null)
        {
            response.Headers.Location = answer.Location;
        }

        if (answer.Fault is TransportFault.CutMatchingLength or TransportFault.CutShortLength)
        {
            // A complete HTTP answer whose JSON stops part way: the length header says what was sent.
            var cut = answer.Fault == TransportFault.CutMatchingLength ? answer.Body.Length / 2 : answer.Body.Length / 3;
            response.ContentLength = cut;
            if (answer.Fault == TransportFault.CutMatchingLength)
            {
                // The server closes the connection once these bytes are out.
                response.Headers.Connection = "close";
            }

            await response.Body.WriteAsync(answer.Body.AsMemory(0, cut), context.RequestAborted).ConfigureAwait(false);
            return;
        }

        response.ContentLength = answer.Body.Length;
        if (answer.Fault == TransportFault.TruncateAnswer)
        {
            await response.Body.WriteAsync(answer.Body.AsMemory(0, answer.Body.Length / 2), context.RequestAborted).ConfigureAwait(false);
            await response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            context.Abort();
            return;
        }

        await response.Body.WriteAsync(answer.Body, context.RequestAborted).ConfigureAwait(false);
    }
}
