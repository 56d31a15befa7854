using Bitrix;
using Bitrix.DependencyInjection;
using Bitrix.Transport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="BitrixClient"/> in a service collection.</summary>
public static class BitrixServiceCollectionExtensions
{
    private const string HttpClientPrefix = "Bitrix.Client:";

    /// <summary>
    /// Registers a singleton <see cref="BitrixClient"/> configured by <paramref name="configure"/>.
    /// Its HTTP clients come from <c>IHttpClientFactory</c> (named <c>Bitrix.Client:</c>), whose primary
    /// handler keeps the webhook code out of every URL the factory's handlers and logs see; add your
    /// own handlers to the returned builder, but do not replace its primary handler.
    /// </summary>
    /// <returns>The builder of the client's named <see cref="HttpClient"/>.</returns>
    public static IHttpClientBuilder AddBitrix(this IServiceCollection services, Action<BitrixServiceOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return Add(services, name: null, o => o.Configure(configure));
    }

    /// <summary>
    /// Registers a singleton <see cref="BitrixClient"/> configured from a section such as
    /// <c>configuration.GetSection("Bitrix")</c>: <c>WebhookUrl</c> or an <c>OAuth</c> section
    /// (<c>PortalUrl</c>, <c>ClientId</c>, <c>ClientSecret</c>, <c>AccessToken</c>, <c>RefreshToken</c>,
    /// <c>TokenEndpoint</c>), and client settings named as on <see cref="BitrixClientOptions"/>
    /// (<c>Plan</c> = Standard or Enterprise, <c>MaxConcurrency</c>, <c>AutoBatch</c>, durations as
    /// <c>hh:mm:ss</c> or seconds). <paramref name="configure"/> runs afterwards.
    /// </summary>
    /// <returns>The builder of the client's named <see cref="HttpClient"/>.</returns>
    public static IHttpClientBuilder AddBitrix(this IServiceCollection services, IConfiguration configuration, Action<BitrixServiceOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return Add(services, name: null, o => FromConfiguration(o, configuration, configure));
    }

    /// <summary>
    /// Registers a keyed singleton <see cref="BitrixClient"/> for one of several portals; resolve it
    /// with <c>[FromKeyedServices(name)]</c> or <c>GetRequiredKeyedService&lt;BitrixClient&gt;(name)</c>.
    /// </summary>
    /// <returns>The builder of the client's named <see cref="HttpClient"/>.</returns>
    public static IHttpClientBuilder AddBitrix(this IServiceCollection services, string name, Action<BitrixServiceOptions> configure)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(configure);
        return Add(services, name, o => o.Configure(configure));
    }

    /// <summary>Registers a keyed singleton <see cref="BitrixClient"/> configured from a section (keys as in the unnamed overload).</summary>
    /// <returns>The builder of the client's named <see cref="HttpClient"/>.</returns>
    public static IHttpClientBuilder AddBitrix(this IServiceCollection services, string name, IConfiguration configuration, Action<BitrixServiceOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(configuration);
        return Add(services, name, o => FromConfiguration(o, configuration, configure));
    }

    /// <summary>What one registration's client and its HTTP handlers are built from.</summary>
    private sealed record ClientSetup(string? WebhookUrl, BitrixOAuthOptions? OAuth, Uri? PortalUrl, BitrixClientOptions Client)
    {
        public override string ToString() => $"ClientSetup {{ WebhookUrl = {(WebhookUrl is null ? "null" : PortalEndpoint.Mask(WebhookUrl))}, PortalUrl = {PortalUrl?.ToString() ?? "null"} }}";
    }

    private static void FromConfiguration(OptionsBuilder<BitrixServiceOptions> options, IConfiguration configuration, Action<BitrixServiceOptions>? configure)
    {
        options.Configure(o => BitrixConfiguration.Apply(configuration, o));
        if (configure is not null)
        {
            options.Configure(configure);
        }
    }

    private static IHttpClientBuilder Add(IServiceCollection services, string? name, Action<OptionsBuilder<BitrixServiceOptions>> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        var optionsName = name ?? Options.Options.DefaultName;
        configure(services.AddOptions<BitrixServiceOptions>(optionsName));
        var httpName = HttpClientPrefix + optionsName;

        // The settings are read once, for the client and every primary handler the factory builds
        // later, so both keep what the client was built with even if the monitored options change.
        ClientSetup Setup(IServiceProvider sp)
        {
            var settings = sp.GetRequiredService<IOptionsMonitor<BitrixServiceOptions>>().Get(optionsName);
            settings.Check(optionsName);
            // A copy gets the container's logger factory: the monitored options stay as configured.
            var clientOptions = settings.Client.Snapshot();
            clientOptions.LoggerFactory ??= sp.GetService<ILoggerFactory>();
            return new ClientSetup(settings.WebhookUrl, settings.OAuth, settings.OAuth?.PortalUrl, clientOptions);
        }

        BitrixClient Create(IServiceProvider sp)
        {
            var setup = sp.GetRequiredKeyedService<ClientSetup>(httpName);
            var factory = sp.GetRequiredService<IHttpClientFactory>();
            HttpClient Http() => factory.CreateClient(httpName);
            if (setup.WebhookUrl is { } webhook)
            {
                return new BitrixClient(PortalEndpoint.ParseWebhook(webhook), null, null, Http, setup.Client);
            }

            var oauth = setup.OAuth!;
            var session = BitrixClient.OpenOAuth(oauth, setup.Client);
            return new BitrixClient(PortalEndpoint.ForOAuth(setup.PortalUrl!), session, oauth.ClientId, Http, setup.Client);
        }

        services.TryAddKeyedSingleton(httpName, (sp, _) => Setup(sp));
        if (name is null)
        {
            services.TryAddSingleton(Create);
        }
        else
        {
            services.TryAddKeyedSingleton(name, (sp, _) => Create(sp));
        }

        return services.AddHttpClient(httpName)
            .ConfigurePrimaryHttpMessageHandler(sp =>
            {
                var setup = sp.GetRequiredKeyedService<ClientSetup>(httpName);
                var endpoint = setup.WebhookUrl is { } webhook ? PortalEndpoint.ParseWebhook(webhook) : PortalEndpoint.ForOAuth(setup.PortalUrl!);
                return BitrixTransport.CreateHandler(endpoint, setup.Client.DangerousAcceptAnyServerCertificate);
            })
            .ConfigureHttpClient(http => http.Timeout = Timeout.InfiniteTimeSpan);
    }
}
