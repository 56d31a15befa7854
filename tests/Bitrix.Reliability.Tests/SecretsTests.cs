using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace Bitrix.Reliability.Tests;

/// <summary>
/// The webhook code, OAuth tokens and the client secret never show: not in logs (every level,
/// Trace included), exception messages, <c>ToString()</c> of any public type that can hold one,
/// nor telemetry (every activity of every source, every instrument of every meter) — through full
/// runs over loopback with faults, retries, errors and token renewals.
/// </summary>
public sealed partial class SecretsTests(ITestOutputHelper output)
{
    private static readonly string Code = "rel" + Guid.NewGuid().ToString("N")[..16];
    private const string ClientSecret = "rel-client-secret-5c1f9e";

    [Fact]
    public async Task Full_webhook_and_oauth_runs_with_faults_leak_no_secret_into_logs_exceptions_or_telemetry()
    {
        using var telemetry = new Telemetry();
        var logs = new CapturingLoggerFactory();
        var texts = new List<string>();
        var secrets = new ConcurrentBag<string> { Code, ClientSecret };
        await using var emulator = await BitrixEmulator.StartAsync(Lab.Open(o =>
        {
            o.Deals = 3_000;
            o.Webhook = "7/" + Code;
            o.OAuthClientSecret = ClientSecret;
            o.AccessTokenLifetime = TimeSpan.FromSeconds(1);
            o.FaultRate = 0.10;
            o.FaultKinds = Lab.AllFaults;
            o.SlowDelay = TimeSpan.FromSeconds(2);
            o.Seed = 41;
        }));
        BitrixClientOptions Options() => new()
        {
            LoggerFactory = logs,
            RateLimitStore = new InMemoryRateLimitStore(),
            RateLimit = new RateLimitPlan(1_000_000, 1_000_000),
            RetryBaseDelay = TimeSpan.FromMilliseconds(5),
            RequestTimeout = TimeSpan.FromMilliseconds(700),
            MaxRetries = 8,
        };

        // A webhook client that owns its handler: the code is written in at the socket.
        await using (var client = BitrixClient.FromWebhook(emulator.WebhookUrl.ToString(), Options()))
        {
            texts.Add(client.ToString()!);
            texts.Add(client.PortalUrl.ToString());
            await ExerciseAsync(client, texts);
        }

        // An OAuth client whose tokens expire every second, renewed at the emulator.
        var issued = await emulator.IssueOAuthTokensAsync();
        secrets.Add(issued.AccessToken);
        secrets.Add(issued.RefreshToken);
        var oauth = new BitrixOAuthOptions
        {
            PortalUrl = emulator.BaseAddress,
            TokenEndpoint = new Uri(emulator.BaseAddress, "/oauth/token/"),
            ClientId = emulator.Options.OAuthClientId,
            ClientSecret = ClientSecret,
            AccessToken = issued.AccessToken,
            RefreshToken = issued.RefreshToken,
            OnTokensRenewed = (tokens, _) =>
            {
                secrets.Add(tokens.AccessToken);
                secrets.Add(tokens.RefreshToken);
                texts.Add(tokens.ToString());
                return Task.CompletedTask;
            },
        };
        texts.Add(oauth.ToString());
        await using (var client = BitrixClient.FromOAuth(oauth, Options()))
        {
            texts.Add(client.ToString()!);
            await ExerciseAsync(client, texts);

            // Each pause outlasts the token, so each later round meets an expired one: at least two renewals.
            await Task.Delay(TimeSpan.FromSeconds(1.2));
            await ExerciseAsync(client, texts);
            await Task.Delay(TimeSpan.FromSeconds(1.2));
            await ExerciseAsync(client, texts);
        }

        // A renewal that fails (wrong secret) must not show the secret it sent either.
        await emulator.ExpireOAuthTokensAsync();
        var wrongSecret = "wrong-" + ClientSecret;
        secrets.Add(wrongSecret);
        var failing = new BitrixOAuthOptions { PortalUrl = oauth.PortalUrl, TokenEndpoint = oauth.TokenEndpoint, ClientId = oauth.ClientId, ClientSecret = wrongSecret, AccessToken = issued.AccessToken, RefreshToken = issued.RefreshToken };
        await using (var client = BitrixClient.FromOAuth(failing, Options()))
        {
            texts.Add((await Assert.ThrowsAsync<BitrixException>(() => client.CallAsync("crm.deal.get", new JsonObject { ["id"] = 1 }))).ToString());
        }

        var stats = await emulator.GetStatsAsync();
        var seen = telemetry.Text;
        output.WriteLine($"{stats.Requests} REST requests, {stats.Faults.Values.Sum()} faults, {stats.TokenRefreshes} token renewals; {logs.Lines.Count} log lines, {texts.Count} messages and ToString()s, {telemetry.Activities} activities from {string.Join(", ", telemetry.Sources)}, {telemetry.Measurements} measurements of {string.Join(", ", telemetry.Instruments)}");
        Assert.True(stats.TokenRefreshes >= 2, "the tokens were renewed too rarely to prove anything");
        Assert.True(stats.Faults.Values.Sum() > 0);
        Assert.Contains("Trace", logs.AllText, StringComparison.Ordinal);
        Assert.Contains("System.Net.Http", telemetry.Sources);
        Assert.Contains("bitrix.client.requests", telemetry.Instruments);
        foreach (var secret in secrets)
        {
            AssertAbsent(secret, logs.AllText, "the logs");
            AssertAbsent(secret, string.Join('\n', texts), "messages and ToString()");
            AssertAbsent(secret, seen, "telemetry");
        }
    }

    [Fact]
    public async Task No_public_type_that_can_hold_a_secret_shows_it()
    {
        // Every public type of Bitrix.Runtime with a constructor, factory or property that takes a
        // secret (a token, a client secret, a webhook) is built with secrets in all of them; its
        // ToString() and every other public property must not show one.
        var secret = "sec" + Guid.NewGuid().ToString("N")[..12];
        var webhook = $"https://portal.example/rest/3/{secret}/";
        var checkedTypes = new List<string>();
        foreach (var type in typeof(BitrixClient).Assembly.GetExportedTypes().Where(t => t is { IsClass: true, IsAbstract: false, ContainsGenericParameters: false }))
        {
            foreach (var instance in Build(type, secret, webhook))
            {
                checkedTypes.Add(type.Name);
                AssertAbsent(secret, instance.ToString() ?? string.Empty, $"{type.Name}.ToString()");
                foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0 && !SecretName(p.Name)))
                {
                    AssertAbsent(secret, Convert.ToString(property.GetValue(instance), System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty, $"{type.Name}.{property.Name}");
                }

                if (instance is IAsyncDisposable disposable)
                {
                    await disposable.DisposeAsync();
                }
            }
        }

        output.WriteLine("checked: " + string.Join(", ", checkedTypes));
        Assert.Contains(nameof(BitrixClient), checkedTypes);
        Assert.Contains(nameof(BitrixOAuthOptions), checkedTypes);
        Assert.Contains(nameof(BitrixTokens), checkedTypes);
    }

    /// <summary>Instances of <paramref name="type"/> with a secret in every place that takes one; none if it has no such place.</summary>
    private static IEnumerable<object> Build(Type type, string secret, string webhook)
    {
        object? Fill(ParameterInfo p) => p.ParameterType == typeof(string) ? (p.Name!.Contains("webhook", StringComparison.OrdinalIgnoreCase) ? webhook : SecretName(p.Name) ? secret : "x")
            : p.ParameterType == typeof(Uri) ? new Uri("https://portal.example/")
            : p.ParameterType == typeof(HttpClient) ? new HttpClient()
            : p.ParameterType == typeof(BitrixOAuthOptions) ? OAuthOptions(secret)
            : p.HasDefaultValue ? p.DefaultValue
            : p.ParameterType.IsValueType ? Activator.CreateInstance(p.ParameterType) : null;

        var makers = type.GetConstructors().Cast<MethodBase>()
            .Concat(type.GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.ReturnType == type))
            .Where(m => m.GetParameters().Any(p => p.ParameterType == typeof(BitrixOAuthOptions) || (p.ParameterType == typeof(string) && (SecretName(p.Name!) || p.Name!.Contains("webhook", StringComparison.OrdinalIgnoreCase)))));
        var secretProperties = type.GetProperties().Where(p => p.CanWrite && p.PropertyType == typeof(string) && SecretName(p.Name)).ToList();
        if (secretProperties.Count > 0 && type.GetConstructor(Type.EmptyTypes) is { } parameterless)
        {
            makers = makers.Append(parameterless);
        }

        foreach (var maker in makers)
        {
            var instance = maker is ConstructorInfo ctor ? ctor.Invoke([.. ctor.GetParameters().Select(Fill)]) : ((MethodInfo)maker).Invoke(null, [.. maker.GetParameters().Select(Fill)]);
            foreach (var property in type.GetProperties().Where(p => p.CanWrite))
            {
                if (property.PropertyType == typeof(string) && SecretName(property.Name))
                {
                    property.SetValue(instance, secret);
                }
                else if (property.PropertyType == typeof(Uri) && property.GetValue(instance) is null)
                {
                    property.SetValue(instance, new Uri("https://portal.example/"));
                }
                else if (property.PropertyType == typeof(string) && property.GetValue(instance) is null)
                {
                    property.SetValue(instance, "x");
                }
            }

            yield return instance!;
        }
    }

    private static BitrixOAuthOptions OAuthOptions(string secret) => new()
    {
        PortalUrl = new Uri("https://portal.example/"),
        ClientId = "app",
        ClientSecret = secret,
        AccessToken = secret,
        RefreshToken = secret,
    };

    private static bool SecretName(string name) => SecretPattern().IsMatch(name);

    [GeneratedRegex("token|secret|password|credential", RegexOptions.IgnoreCase)]
    private static partial Regex SecretPattern();

    private static void AssertAbsent(string secret, string text, string where)
    {
        var at = text.IndexOf(secret, StringComparison.Ordinal);
        Assert.True(at < 0, $"a secret ({secret[..3]}...) leaked into {where}: ...{(at < 0 ? string.Empty : text[Math.Max(0, at - 120)..Math.Min(text.Length, at + secret.Length + 40)])}...");
    }

    /// <summary>Every call the client offers, with errors, against the faulty portal.</summary>
    private static async Task ExerciseAsync(BitrixClient client, List<string> texts)
    {
        async Task Catch(Func<Task> call)
        {
            try
            {
                await call();
            }
            catch (BitrixException e)
            {
                texts.Add(e.ToString());
            }
        }

        await Catch(() => client.CallAsync("crm.deal.get", new JsonObject { ["id"] = 1 }));
        await Catch(() => client.CallAsync("crm.deal.get", new JsonObject { ["id"] = 999_999 }));
        await Catch(() => client.CallAsync("crm.no.such.method"));
        await Catch(() => client.CallRawAsync("crm.deal.update", new JsonObject { ["id"] = 2, ["fields"] = new JsonObject { ["COMMENTS"] = null } }));
        await Catch(() => client.BatchAsync(new BitrixBatch().Add("a", "crm.deal.get", new JsonObject { ["id"] = 3 }).Add("b", "crm.deal.get", new JsonObject { ["id"] = 999_999 })));
        await Catch(async () =>
        {
            var results = await client.CallManyAsync("crm.deal.add", Enumerable.Range(0, 120).Select(i => (JsonObject?)new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = "s" + i } }));
            texts.AddRange(results.Where(r => !r.IsSuccess).Select(r => r.ToString() + " " + r.Error!.ToException("crm.deal.add")));
        });
        await Catch(() => client.GetByIdAsync("crm.deal.get", [1, 2, 999_999]));
        foreach (var strategy in new[] { ListStrategy.Offset, ListStrategy.ChainedCursor, ListStrategy.ParallelCursor })
        {
            await Catch(async () =>
            {
                await foreach (var _ in client.ListAllAsync("crm.deal.list", new JsonObject { ["select"] = new JsonArray("ID") }, new ListOptions { Strategy = strategy }))
                {
                }
            });
        }
    }

    /// <summary>
    /// Records every activity of every source and every measurement of every meter, with all their
    /// tags — except the emulator's own server side (Microsoft.AspNetCore*), which sees the code in
    /// the URL it is sent to, as the portal does.
    /// </summary>
    private sealed class Telemetry : IDisposable
    {
        private readonly ActivityListener _activities;
        private readonly MeterListener _meters = new();
        private readonly ConcurrentQueue<string> _records = new();
        private readonly ConcurrentDictionary<string, byte> _sources = new();
        private readonly ConcurrentDictionary<string, byte> _instruments = new();
        private int _activityCount;
        private int _measurementCount;

        public Telemetry()
        {
            _activities = new ActivityListener
            {
                ShouldListenTo = source => !Server(source.Name),
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = Record,
            };
            ActivitySource.AddActivityListener(_activities);
            _meters.InstrumentPublished = (instrument, listener) =>
            {
                if (!Server(instrument.Meter.Name))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _meters.SetMeasurementEventCallback<long>((i, v, tags, _) => Measure(i, v, tags));
            _meters.SetMeasurementEventCallback<int>((i, v, tags, _) => Measure(i, v, tags));
            _meters.SetMeasurementEventCallback<double>((i, v, tags, _) => Measure(i, v, tags));
            _meters.Start();
        }

        public int Activities => _activityCount;

        private static bool Server(string name) => name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal);

        public int Measurements => _measurementCount;

        public IReadOnlyCollection<string> Sources => [.. _sources.Keys.Order()];

        public IReadOnlyCollection<string> Instruments => [.. _instruments.Keys.Order()];

        public string Text => string.Join('\n', _records);

        private void Record(Activity activity)
        {
            Interlocked.Increment(ref _activityCount);
            _sources.TryAdd(activity.Source.Name, 0);
            var text = new StringBuilder($"{activity.Source.Name} {activity.OperationName} {activity.DisplayName} {activity.StatusDescription}");
            foreach (var (key, value) in activity.EnumerateTagObjects())
            {
                text.Append($" {key}={value}");
            }

            foreach (var e in activity.Events)
            {
                text.Append($" event {e.Name}");
                foreach (var (key, value) in e.EnumerateTagObjects())
                {
                    text.Append($" {key}={value}");
                }
            }

            foreach (var (key, value) in activity.Baggage)
            {
                text.Append($" baggage {key}={value}");
            }

            _records.Enqueue(text.ToString());
        }

        private void Measure<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            Interlocked.Increment(ref _measurementCount);
            _instruments.TryAdd(instrument.Name, 0);
            var text = new StringBuilder($"{instrument.Meter.Name} {instrument.Name} {value}");
            foreach (var (key, tag) in tags)
            {
                text.Append($" {key}={tag}");
            }

            _records.Enqueue(text.ToString());
        }

        public void Dispose()
        {
            _activities.Dispose();
            _meters.Dispose();
        }
    }
}
