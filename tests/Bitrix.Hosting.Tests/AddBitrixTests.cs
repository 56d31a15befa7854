using System.Text.Json.Nodes;
using Bitrix.Emulator;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bitrix.Hosting.Tests;

public sealed class AddBitrixTests
{
    [Fact]
    public async Task A_client_from_the_container_calls_through_IHttpClientFactory_and_the_factory_logs_never_see_the_code()
    {
        await using var emulator = await Portal.StartAsync();
        var logs = new CapturingLoggerFactory();
        var counter = new CountingHandler();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        services.AddBitrix(o =>
        {
            o.WebhookUrl = emulator.WebhookUrl.ToString();
            Portal.Apply(o.Client);
        }).AddHttpMessageHandler(() => counter);
        await using var provider = services.BuildServiceProvider();

        var bx = provider.GetRequiredService<BitrixClient>();
        var first = (await emulator.GetIdsAsync("crm.deal"))[0];
        var deal = await bx.CallAsync("crm.deal.get", new { id = first });
        var list = await bx.CallAsync("crm.deal.list", new { select = new[] { "ID" } });

        Assert.Equal(first.ToString(System.Globalization.CultureInfo.InvariantCulture), deal.GetProperty("ID").GetString());
        Assert.Equal(50, list.GetArrayLength());
        Assert.Same(bx, provider.GetRequiredService<BitrixClient>());
        // The caller's own handler from the builder ran for both requests.
        Assert.Equal(2, counter.Requests);
        // The factory's LoggingHttpMessageHandler logged each request's URL — with the placeholder.
        Assert.Contains(logs.Lines, l => l.Contains("System.Net.Http.HttpClient.Bitrix.Client:", StringComparison.Ordinal) && l.Contains("bx-webhook-code-redacted", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, l => l.StartsWith("Debug Bitrix.BitrixClient", StringComparison.Ordinal));
        Assert.DoesNotContain(Portal.Code(emulator), logs.AllText, StringComparison.Ordinal);
        Assert.All(counter.Urls, u => Assert.DoesNotContain(Portal.Code(emulator), u, StringComparison.Ordinal));
        await Portal.AssertHealthyAsync(emulator);
    }

    [Fact]
    public async Task Settings_come_from_configuration_and_the_configure_callback_runs_after_it()
    {
        await using var emulator = await Portal.StartAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Bitrix:WebhookUrl"] = emulator.WebhookUrl.ToString(),
            ["Bitrix:Plan"] = "Enterprise",
            ["Bitrix:MaxConcurrency"] = "3",
            ["Bitrix:AutoBatch"] = "true",
            ["Bitrix:AutoBatchWindow"] = "0.002",
            ["Bitrix:RequestTimeout"] = "00:00:30",
            ["Bitrix:OperatingLimitSeconds"] = "240",
            ["Bitrix:ReadMethods:0"] = "custom.report.build",
            ["Bitrix:CallTimeout"] = "00:05:00",
            ["Bitrix:MaxServerWait"] = "120",
            ["Bitrix:AllowPortalMoveTo:0"] = "crm.example.com",
        }).Build();
        var services = new ServiceCollection();
        services.AddBitrix(configuration.GetSection("Bitrix"), o => o.Client.RateLimitStore = new InMemoryRateLimitStore());
        await using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<BitrixServiceOptions>>().Value;
        Assert.Equal(RateLimitPlan.Enterprise, options.Client.RateLimit);
        Assert.Equal(3, options.Client.MaxConcurrency);
        Assert.True(options.Client.AutoBatch);
        Assert.Equal(TimeSpan.FromMilliseconds(2), options.Client.AutoBatchWindow);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Client.RequestTimeout);
        Assert.Equal(240, options.Client.OperatingLimitSeconds);
        Assert.Contains("custom.report.build", options.Client.ReadMethods);
        Assert.Equal(TimeSpan.FromMinutes(5), options.Client.CallTimeout);
        Assert.Equal(TimeSpan.FromMinutes(2), options.Client.MaxServerWait);
        Assert.Contains("crm.example.com", options.Client.AllowPortalMoveTo);
        Assert.Contains("bitrix24.de", options.Client.CloudPortalDomains);
        Assert.IsType<InMemoryRateLimitStore>(options.Client.RateLimitStore);
        Assert.DoesNotContain(Portal.Code(emulator), options.ToString(), StringComparison.Ordinal);

        // Auto-batching from configuration is live: concurrent gets share batches.
        var bx = provider.GetRequiredService<BitrixClient>();
        var ids = (await emulator.GetIdsAsync("crm.deal")).Take(20).ToList();
        var gets = ids.Select(id => bx.CallAsync("crm.deal.get", new { id }));
        var deals = await Task.WhenAll(gets);
        Assert.Equal(ids.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), deals.Select(d => d.GetProperty("ID").GetString()));
        Assert.True((await emulator.GetStatsAsync()).Requests < 20);
    }

    [Theory]
    [InlineData("MaxConcurrency", "many", "Bitrix:MaxConcurrency", "a whole number")]
    [InlineData("Plan", "Gold", "Bitrix:Plan", "Standard or Enterprise")]
    [InlineData("RequestTimeout", "soon", "Bitrix:RequestTimeout", "a duration")]
    [InlineData("RateLimit:DrainPerSecond", "fast", "Bitrix:RateLimit:DrainPerSecond", "a number")]
    public void A_bad_configuration_value_names_its_key_and_not_its_value(string key, string value, string path, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Bitrix:WebhookUrl"] = "https://example.bitrix24.com/rest/1/sEcReTcOdE123/",
            ["Bitrix:" + key] = value,
        }).Build();
        var services = new ServiceCollection();
        services.AddBitrix(configuration.GetSection("Bitrix"));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<BitrixClient>());
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(value, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sEcReTcOdE123", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Neither_credential_nor_both_is_a_clear_error_when_the_client_is_resolved()
    {
        var neither = new ServiceCollection();
        neither.AddBitrix(_ => { });
        using (var provider = neither.BuildServiceProvider())
        {
            var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<BitrixClient>());
            Assert.Contains("not neither", error.Message, StringComparison.Ordinal);
        }

        var both = new ServiceCollection();
        both.AddBitrix(o =>
        {
            o.WebhookUrl = "https://example.bitrix24.com/rest/1/sEcReTcOdE123/";
            o.OAuth = new BitrixOAuthOptions { PortalUrl = new Uri("https://example.bitrix24.com/"), ClientId = "app", ClientSecret = "s3cr3t", AccessToken = "tOkEn", RefreshToken = "rEfReSh" };
        });
        using (var provider = both.BuildServiceProvider())
        {
            var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<BitrixClient>());
            Assert.Contains("not both", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("sEcReTcOdE123", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_malformed_webhook_url_fails_with_a_message_that_hides_the_code()
    {
        var services = new ServiceCollection();
        services.AddBitrix(o => o.WebhookUrl = "https://example.bitrix24.com/rest/sEcReTcOdE123");
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<ArgumentException>(() => provider.GetRequiredService<BitrixClient>());
        Assert.DoesNotContain("sEcReTcOdE123", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_portals_are_keyed_clients_with_their_own_credentials()
    {
        await using var first = await Portal.StartAsync(deals: 10);
        var secondOptions = Portal.Options(deals: 30);
        secondOptions.Webhook = "7/anothersecret";
        await using var second = await BitrixEmulator.StartAsync(secondOptions);
        var services = new ServiceCollection();
        services.AddBitrix("north", o =>
        {
            o.WebhookUrl = first.WebhookUrl.ToString();
            Portal.Apply(o.Client);
        });
        services.AddBitrix("south", o =>
        {
            o.WebhookUrl = second.WebhookUrl.ToString();
            Portal.Apply(o.Client);
        });
        await using var provider = services.BuildServiceProvider();

        var north = provider.GetRequiredKeyedService<BitrixClient>("north");
        var south = provider.GetRequiredKeyedService<BitrixClient>("south");
        var northTotal = (await north.CallRawAsync("crm.deal.list", new { select = new[] { "ID" } })).Total;
        var southTotal = (await south.CallRawAsync("crm.deal.list", new { select = new[] { "ID" } })).Total;

        Assert.Equal(10, northTotal);
        Assert.Equal(30, southTotal);
        Assert.Null(provider.GetService<BitrixClient>());
    }

    [Fact]
    public async Task An_OAuth_application_from_configuration_renews_its_token_through_the_factory()
    {
        await using var emulator = await Portal.StartAsync();
        var tokens = await emulator.IssueOAuthTokensAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Bitrix:OAuth:PortalUrl"] = emulator.BaseAddress.ToString(),
            ["Bitrix:OAuth:TokenEndpoint"] = new Uri(emulator.BaseAddress, "/oauth/token/").ToString(),
            ["Bitrix:OAuth:ClientId"] = emulator.Options.OAuthClientId,
            ["Bitrix:OAuth:ClientSecret"] = emulator.Options.OAuthClientSecret,
            ["Bitrix:OAuth:AccessToken"] = tokens.AccessToken,
            ["Bitrix:OAuth:RefreshToken"] = tokens.RefreshToken,
        }).Build();
        var logs = new CapturingLoggerFactory();
        var renewed = new List<BitrixTokens>();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        services.AddBitrix(configuration.GetSection("Bitrix"), o =>
        {
            Portal.Apply(o.Client);
            o.OAuth!.OnTokensRenewed = (t, _) =>
            {
                renewed.Add(t);
                return Task.CompletedTask;
            };
        });
        await using var provider = services.BuildServiceProvider();
        var bx = provider.GetRequiredService<BitrixClient>();

        var ids = await emulator.GetIdsAsync("crm.deal");
        var before = await bx.CallAsync("crm.deal.get", new { id = ids[1] });
        await emulator.ExpireOAuthTokensAsync();
        var after = await bx.CallAsync("crm.deal.get", new { id = ids[2] });

        Assert.Equal(ids[1].ToString(System.Globalization.CultureInfo.InvariantCulture), before.GetProperty("ID").GetString());
        Assert.Equal(ids[2].ToString(System.Globalization.CultureInfo.InvariantCulture), after.GetProperty("ID").GetString());
        var renewal = Assert.Single(renewed);
        foreach (var secret in new[] { tokens.AccessToken, tokens.RefreshToken, renewal.AccessToken, renewal.RefreshToken, emulator.Options.OAuthClientSecret })
        {
            Assert.DoesNotContain(secret, logs.AllText, StringComparison.Ordinal);
        }

        await Portal.AssertHealthyAsync(emulator);
    }

    [Fact]
    public async Task Clients_log_through_the_container_while_the_monitored_options_keep_no_logger_factory()
    {
        await using var emulator = await Portal.StartAsync(deals: 10);
        var logs = new CapturingLoggerFactory();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        services.AddBitrix(o =>
        {
            o.WebhookUrl = emulator.WebhookUrl.ToString();
            Portal.Apply(o.Client);
        });
        services.AddBitrix("north", o =>
        {
            o.WebhookUrl = emulator.WebhookUrl.ToString();
            Portal.Apply(o.Client);
        });
        await using var provider = services.BuildServiceProvider();
        var monitor = provider.GetRequiredService<IOptionsMonitor<BitrixServiceOptions>>();
        var unnamed = monitor.Get(Options.DefaultName);
        var north = monitor.Get("north");

        var bx = provider.GetRequiredService<BitrixClient>();
        var northClient = provider.GetRequiredKeyedService<BitrixClient>("north");
        await bx.CallAsync("crm.deal.list", new { select = new[] { "ID" } });
        await northClient.CallAsync("crm.contact.list", new { select = new[] { "ID" } });

        // The clients were built from these very instances, which still hold no logger factory.
        Assert.Same(unnamed, monitor.Get(Options.DefaultName));
        Assert.Same(north, monitor.Get("north"));
        Assert.Null(unnamed.Client.LoggerFactory);
        Assert.Null(north.Client.LoggerFactory);
        Assert.Contains(logs.Lines, l => l.StartsWith("Debug Bitrix.BitrixClient", StringComparison.Ordinal) && l.Contains("Bitrix24 request crm.deal.list to", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, l => l.StartsWith("Debug Bitrix.BitrixClient", StringComparison.Ordinal) && l.Contains("Bitrix24 request crm.contact.list to", StringComparison.Ordinal));
        await Portal.AssertHealthyAsync(emulator);
    }

    [Fact]
    public async Task The_factorys_handlers_keep_the_webhook_the_client_was_built_with_when_the_monitored_options_change()
    {
        await using var emulator = await Portal.StartAsync(deals: 10);
        var services = new ServiceCollection();
        services.AddBitrix(o =>
        {
            o.WebhookUrl = emulator.WebhookUrl.ToString();
            Portal.Apply(o.Client);
        });
        await using var provider = services.BuildServiceProvider();
        var bx = provider.GetRequiredService<BitrixClient>();

        // Changed before the first call: the factory builds its first handler only then.
        var monitored = provider.GetRequiredService<IOptionsMonitor<BitrixServiceOptions>>().Get(Options.DefaultName);
        monitored.WebhookUrl = emulator.WebhookUrl.ToString().Replace(Portal.Code(emulator), "changedcode", StringComparison.Ordinal);
        var rows = await bx.CallAsync("crm.deal.list", new { select = new[] { "ID" } });

        Assert.Equal(10, rows.GetArrayLength());
        Assert.Equal(1, (await emulator.GetStatsAsync()).Requests);
        await Portal.AssertHealthyAsync(emulator);
    }

    [Fact]
    public async Task Disposing_the_container_synchronously_disposes_the_client()
    {
        var services = new ServiceCollection();
        services.AddBitrix(o => o.WebhookUrl = "https://example.bitrix24.com/rest/1/abc123/");
        BitrixClient bx;
        using (var provider = services.BuildServiceProvider())
        {
            bx = provider.GetRequiredService<BitrixClient>();
        }

        await Assert.ThrowsAsync<ObjectDisposedException>(() => bx.CallAsync("crm.deal.get", (JsonObject?)null));
    }

    private sealed class CountingHandler : DelegatingHandler
    {
        private int _requests;

        public int Requests => _requests;

        public System.Collections.Concurrent.ConcurrentQueue<string> Urls { get; } = new();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            Urls.Enqueue(request.RequestUri!.ToString());
            return base.SendAsync(request, cancellationToken);
        }
    }
}
