using System.Diagnostics;
using Bitrix.Transport;

namespace Bitrix.Runtime.Tests;

/// <summary>The webhook code and OAuth tokens never show: not in logs (Trace included), messages, ToString, nor URLs above the socket.</summary>
public sealed class RedactionTests
{
    private const string Code = "Xk29fQpL0aZr7";

    private static EmulatorOptions Options()
    {
        var options = TestPortal.Options();
        options.Webhook = "7/" + Code;
        return options;
    }

    private static void AssertClean(string text, params string[] secrets)
    {
        foreach (var secret in secrets)
        {
            Assert.False(text.Contains(secret, StringComparison.Ordinal), $"a secret ({secret[..3]}...) leaked into: {text}");
        }
    }

    [Fact]
    public async Task A_full_webhook_run_logs_everything_at_trace_but_never_the_code()
    {
        var logs = new CapturingLoggerFactory();
        var messages = new List<string>();
        await using (var portal = TestPortal.Create(Options(), Fast.Options(o => { o.LoggerFactory = logs; })))
        {
            var client = portal.Client;
            Assert.Equal(Code, portal.WebhookCode);
            var ids = await portal.IdsAsync();
            await client.CallAsync("crm.deal.get", new { id = ids[0] });
            await client.CallRawAsync("crm.deal.update", new { id = ids[0], fields = new { COMMENTS = (string?)null } });
            await client.BatchAsync(new BitrixBatch().Add("a", "crm.deal.get", new { id = ids[1] }).Add("b", "crm.deal.get", new { id = 999999 }));
            var many = await client.CallManyAsync("crm.deal.get", Enumerable.Range(1, 60).Select(i => (object?)new { id = i == 30 ? 999999 : ids[i - 1] }));
            await client.GetByIdAsync("crm.deal.get", [ids[2], ids[3]]);
            messages.Add(many[29].Error!.ToException("crm.deal.get").ToString());
            messages.Add((await Assert.ThrowsAsync<BitrixException>(() => client.CallAsync("crm.nothing.here"))).ToString());
            messages.Add((await Assert.ThrowsAsync<BitrixException>(() => client.CallAsync("crm.deal.get", new { id = 999999 }))).ToString());
            messages.Add(client.ToString()!);
        }

        await using (var auto = TestPortal.Create(Options(), Fast.Options(o => { o.LoggerFactory = logs; o.AutoBatch = true; })))
        {
            var ids = await auto.IdsAsync();
            await Task.WhenAll(ids.Take(80).Select(id => auto.Client.CallAsync("crm.deal.get", new { id })));
        }

        var text = logs.AllText;
        AssertClean(text, Code);
        AssertClean(string.Join('\n', messages), Code);
        Assert.Contains("/rest/7/***/crm.deal.get.json", text, StringComparison.Ordinal);
        Assert.Contains("Trace", text, StringComparison.Ordinal);
        Assert.Contains("\"COMMENTS\":null", text, StringComparison.Ordinal); // request bodies are logged
        Assert.Contains("Not found", text, StringComparison.Ordinal); // and answer bodies
        Assert.True(logs.Lines.Count > 20);
    }

    [Fact]
    public async Task A_code_echoed_by_the_server_or_a_proxy_is_scrubbed()
    {
        var answers = new Queue<HttpResponseMessage>(
        [
            StubHandler.Answer(HttpStatusCode.OK, $$$"""{"result":{"echo":"https://portal.example/rest/1/{{{Code}}}/"}}"""),
            StubHandler.Answer(HttpStatusCode.Unauthorized, $$"""{"error":"INVALID_CREDENTIALS","error_description":"Webhook {{Code}} is not valid"}"""),
            StubHandler.Answer(HttpStatusCode.BadGateway, $"<html><body>upstream /rest/1/{Code}/crm.deal.get.json failed</body></html>", "text/html"),
        ]);
        var logs = new CapturingLoggerFactory();
        using var http = new HttpClient(new StubHandler(_ => answers.Dequeue()));
        await using var client = new BitrixClient(http, $"https://portal.example/rest/1/{Code}/", Fast.Options(o => { o.LoggerFactory = logs; o.MaxRetries = 0; }));

        await client.CallAsync("crm.deal.get", new { id = 1 });
        var unauthorized = await Assert.ThrowsAsync<BitrixException>(() => client.CallAsync("crm.deal.get", new { id = 1 }));
        var badGateway = await Assert.ThrowsAsync<BitrixException>(() => client.CallAsync("crm.deal.get", new { id = 1 }));

        AssertClean(logs.AllText, Code);
        AssertClean(unauthorized.ToString(), Code);
        AssertClean(badGateway.ToString(), Code);
        Assert.Contains("Webhook *** is not valid", unauthorized.Description, StringComparison.Ordinal);
        Assert.Contains("/rest/1/***/", badGateway.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_full_oauth_run_with_a_renewal_never_shows_a_token_or_the_secret()
    {
        var logs = new CapturingLoggerFactory();
        await using var emulator = new BitrixEmulator(Options());
        var issued = await emulator.IssueOAuthTokensAsync();
        using var http = new HttpClient(emulator.CreateHandler());
        var renewed = new List<BitrixTokens>();
        var oauth = new BitrixOAuthOptions
        {
            PortalUrl = emulator.BaseAddress,
            TokenEndpoint = new Uri(emulator.BaseAddress, "/oauth/token/"),
            ClientId = emulator.Options.OAuthClientId,
            ClientSecret = emulator.Options.OAuthClientSecret,
            AccessToken = issued.AccessToken,
            RefreshToken = issued.RefreshToken,
            OnTokensRenewed = (tokens, _) =>
            {
                renewed.Add(tokens);
                return Task.CompletedTask;
            },
        };
        var messages = new List<string>();
        var ids = await emulator.GetIdsAsync("crm.deal");
        await using (var client = BitrixClient.FromOAuth(oauth, http, Fast.Options(o => { o.LoggerFactory = logs; o.MaxConcurrency = 8; })))
        {
            await client.CallAsync("crm.deal.get", new { id = ids[0] });
            await emulator.ExpireOAuthTokensAsync();
            await Task.WhenAll(ids.Take(8).Select(id => client.CallAsync("crm.deal.get", new { id })));
            await client.BatchAsync(new BitrixBatch().Add("crm.deal.get", new { id = ids[4] }));
            await client.CallManyAsync("crm.deal.get", ids.Take(55).Select(id => (object?)new { id }));
            messages.Add((await Assert.ThrowsAsync<BitrixException>(() => client.CallAsync("crm.deal.get", new { id = 999999 }))).ToString());
            messages.Add(client.ToString()!);
        }

        // A failed renewal (wrong secret) in the same log.
        await emulator.ExpireOAuthTokensAsync();
        var current = renewed.Single();
        var wrongSecret = new BitrixOAuthOptions
        {
            PortalUrl = oauth.PortalUrl,
            TokenEndpoint = oauth.TokenEndpoint,
            ClientId = oauth.ClientId,
            ClientSecret = "wrong-" + oauth.ClientSecret,
            AccessToken = current.AccessToken,
            RefreshToken = current.RefreshToken,
        };
        await using (var failing = BitrixClient.FromOAuth(wrongSecret, http, Fast.Options(o => { o.LoggerFactory = logs; })))
        {
            messages.Add((await Assert.ThrowsAsync<BitrixException>(() => failing.CallAsync("crm.deal.get", new { id = 1 }))).ToString());
        }

        messages.Add(oauth.ToString());
        messages.Add(wrongSecret.ToString());
        messages.Add(current.ToString());
        messages.Add(issued.ToString());
        string[] secrets = [issued.AccessToken, issued.RefreshToken, current.AccessToken, current.RefreshToken, oauth.ClientSecret, Code];
        AssertClean(logs.AllText, secrets);
        AssertClean(string.Join('\n', messages), secrets);
        Assert.Equal(1, (await emulator.GetStatsAsync()).TokenRefreshes);
        Assert.Contains("renewed", logs.AllText, StringComparison.Ordinal);
        Assert.Contains("ClientSecret = ***", oauth.ToString(), StringComparison.Ordinal);
        Assert.Contains(oauth.ClientId, oauth.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ToString_of_clients_options_and_tokens_hides_secrets()
    {
        await using var webhook = BitrixClient.FromWebhook($"https://portal.example/rest/1/{Code}/", Fast.Options());
        var tokens = new BitrixTokens("access-token-value-1", "refresh-token-value-2", DateTimeOffset.UnixEpoch);
        var options = new BitrixOAuthOptions
        {
            PortalUrl = new Uri("https://portal.example/"),
            ClientId = "app.id",
            ClientSecret = "client-secret-value-3",
            AccessToken = tokens.AccessToken,
            RefreshToken = tokens.RefreshToken,
        };
        await using var oauth = BitrixClient.FromOAuth(options);

        var text = string.Join('\n', webhook.ToString(), oauth.ToString(), options.ToString(), tokens.ToString(), PortalEndpoint.ParseWebhook($"https://portal.example/rest/1/{Code}/").ToString(), PortalEndpoint.ParseWebhook($"https://portal.example/rest/1/{Code}/").Display("crm.deal.get"));

        AssertClean(text, Code, "access-token-value-1", "refresh-token-value-2", "client-secret-value-3");
        Assert.Contains("portal.example", webhook.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_network_failure_of_a_client_owning_its_handler_does_not_show_the_code()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there now
        await using var client = BitrixClient.FromWebhook($"http://127.0.0.1:{port}/rest/1/{Code}/", Fast.Options());

        var e = await Assert.ThrowsAsync<BitrixException>(() => client.CallAsync("crm.deal.get", new { id = 1 }));

        Assert.Equal(BitrixErrorCodes.TransportFailure, e.ErrorCode);
        AssertClean(e.ToString(), Code);
    }

    [Fact]
    public async Task Over_loopback_urls_above_the_socket_never_hold_the_code_and_calls_still_succeed()
    {
        await using var emulator = await BitrixEmulator.StartAsync(Options());
        var port = emulator.BaseAddress.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var activities = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var requestUris = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var activityListener = new ActivityListener
        {
            ShouldListenTo = source => source.Name.Contains("System.Net", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                var tags = string.Join(' ', activity.TagObjects.Select(t => $"{t.Key}={t.Value}"));
                if (tags.Contains(port, StringComparison.Ordinal))
                {
                    activities.Enqueue($"{activity.Source.Name} {activity.OperationName} {activity.DisplayName} {tags}");
                }
            },
        };
        ActivitySource.AddActivityListener(activityListener);
        using var diagnostics = DiagnosticListener.AllListeners.Subscribe(new RequestObserver(requestUris, port));

        var ids = await emulator.GetIdsAsync("crm.deal");
        await using (var client = BitrixClient.FromWebhook(emulator.WebhookUrl.ToString(), Fast.Options(o => { o.AutoBatch = true; })))
        {
            Assert.Equal(ids[2].ToString(System.Globalization.CultureInfo.InvariantCulture), (await client.CallAsync("crm.deal.get", new { id = ids[2] })).GetProperty("ID").GetString());
            Assert.True((await client.BatchAsync(new BitrixBatch().Add("crm.deal.get", new { id = ids[3] })))["0"].IsSuccess);
            Assert.All(await client.CallManyAsync("crm.deal.get", ids.Take(60).Select(id => (object?)new { id })), r => Assert.True(r.IsSuccess));
            var auto = await Task.WhenAll(ids.Take(70).Select(id => client.CallAsync("crm.deal.get", new { id })));
            Assert.Equal(70, auto.Length);
        }

        var stats = await emulator.GetStatsAsync();
        Assert.Equal(stats.Requests, stats.AnswersByStatus.GetValueOrDefault(200));
        Assert.Equal(0, stats.InternalFailures);
        Assert.NotEmpty(activities);
        Assert.Contains(activities, a => a.Contains("url.full=", StringComparison.Ordinal) && a.Contains(PortalEndpoint.Placeholder, StringComparison.Ordinal));
        AssertClean(string.Join('\n', activities), Code);
        Assert.NotEmpty(requestUris);
        Assert.All(requestUris, u => Assert.Contains(PortalEndpoint.Placeholder, u, StringComparison.Ordinal));
        AssertClean(string.Join('\n', requestUris), Code);
    }

    /// <summary>Records the request URIs System.Net.Http's DiagnosticListener shows to subscribers.</summary>
    private sealed class RequestObserver(System.Collections.Concurrent.ConcurrentQueue<string> uris, string port) : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>
    {
        public void OnNext(DiagnosticListener value)
        {
            if (value.Name == "HttpHandlerDiagnosticListener")
            {
                value.Subscribe(this);
            }
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (value.Value?.GetType().GetProperty("Request")?.GetValue(value.Value) is HttpRequestMessage { RequestUri: { } uri } && uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) == port)
            {
                uris.Enqueue(uri.ToString());
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }
    }
}
