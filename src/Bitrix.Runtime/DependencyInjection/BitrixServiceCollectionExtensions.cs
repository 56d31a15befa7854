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

        BitrixServiceOptions Settings(IServiceProvider sp)
        {
            var settings = sp.GetRequiredService<IOptionsMonitor<BitrixServiceOptions>>().Get(optionsName);
            settings.Check(optionsName);
            return settings;
        }

        BitrixClient Create(IServiceProvider sp)
        {
            var settings = Settings(sp);
            var clientOptions = settings.Client;
            clientOptions.LoggerFactory ??= sp.GetService<ILoggerFactory>();
            var factory = sp.GetRequiredService<IHttpClientFactory>();
            HttpClient Http() => factory.CreateClient(httpName);
            if (settings.WebhookUrl is { } webhook)
            {
                return new BitrixClient(PortalEndpoint.ParseWebhook(webhook), null, null, Http, clientOptions);
            }

            var oauth = settings.OAuth!;
            var session = BitrixClient.OpenOAuth(oauth, clientOptions);
            return new BitrixClient(PortalEndpoint.ForOAuth(oauth.PortalUrl), session, oauth.ClientId, Http, clientOptions);
        }

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
                var settings = Settings(sp);
                var endpoint = settings.WebhookUrl is { } webhook ? PortalEndpoint.ParseWebhook(webhook) : PortalEndpoint.ForOAuth(settings.OAuth!.PortalUrl);
                return BitrixTransport.CreateHandler(endpoint, settings.Client.DangerousAcceptAnyServerCertificate);
            })
            .ConfigureHttpClient(http => http.Timeout = Timeout.InfiniteTimeSpan);
    }
}
