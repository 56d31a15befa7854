using System.Net;
using System.Net.Http;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Bitrix.Reliability.Tests;

/// <summary>
/// The emulator over HTTPS with a self-signed certificate: by default the client refuses it (a
/// typed failure); only the explicit <see cref="BitrixClientOptions.DangerousAcceptAnyServerCertificate"/>
/// lets it through, with a warning in the log — and the webhook code, written into the request
/// line below TLS, still reaches the portal.
/// </summary>
public sealed class TlsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_self_signed_certificate_is_refused_by_default_and_accepted_only_when_asked_with_a_warning()
    {
        using var certificate = SelfSigned();
        await using var emulator = await BitrixEmulator.StartAsync(Lab.Open(o =>
        {
            o.Deals = 100;
            o.Webhook = "5/tlsWebhookCode42";
            o.ServerCertificate = certificate;
        }), "https://127.0.0.1:0");
        Assert.Equal(Uri.UriSchemeHttps, emulator.WebhookUrl.Scheme);

        // Default: certificates are validated; the failure is the client's transport error.
        var logs = new CapturingLoggerFactory();
        await using (var strict = BitrixClient.FromWebhook(emulator.WebhookUrl.ToString(), Options(logs, dangerous: false)))
        {
            var e = await Assert.ThrowsAsync<BitrixException>(() => strict.CallAsync("crm.deal.get", new JsonObject { ["id"] = 1 }));
            output.WriteLine(e.Message);
            Assert.Equal(BitrixErrorCodes.TransportFailure, e.ErrorCode);
            var http = Assert.IsType<HttpRequestException>(e.InnerException);
            Assert.Equal(HttpRequestError.SecureConnectionError, http.HttpRequestError);
            Assert.IsType<AuthenticationException>(http.InnerException);
        }

        Assert.DoesNotContain("DangerousAcceptAnyServerCertificate", logs.AllText, StringComparison.Ordinal);
        Assert.Equal(0, (await emulator.GetStatsAsync()).Requests);

        // Asked for explicitly: every kind of call works over TLS, and the creation was warned about.
        await using (var trusting = BitrixClient.FromWebhook(emulator.WebhookUrl.ToString(), Options(logs, dangerous: true)))
        {
            Assert.Contains(logs.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("DangerousAcceptAnyServerCertificate", StringComparison.Ordinal));
            var first = (await emulator.GetIdsAsync("crm.deal"))[0];
            var deal = await trusting.CallAsync("crm.deal.get", new JsonObject { ["id"] = first });
            Assert.Equal(first.ToString(System.Globalization.CultureInfo.InvariantCulture), deal.GetProperty("ID").GetString());
            var added = await trusting.CallManyAsync("crm.deal.add", Enumerable.Range(0, 120).Select(i => (JsonObject?)new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = $"tls {i}" } }));
            Assert.All(added, r => Assert.True(r.IsSuccess, r.ToString()));
            var ids = new List<long>();
            await foreach (var row in trusting.ListAllAsync("crm.deal.list", new JsonObject { ["select"] = new JsonArray("ID") }))
            {
                ids.Add(Lab.IdOf(row));
            }

            Assert.Equal(await emulator.GetIdsAsync("crm.deal"), ids);
        }

        // The portal saw the real code in every request (a wrong one is answered 401).
        var stats = await emulator.GetStatsAsync();
        output.WriteLine($"{stats.Requests} requests over HTTPS, answers {string.Join(", ", stats.AnswersByStatus.Select(a => $"{a.Key}: {a.Value}"))}");
        Assert.True(stats.Requests >= 3);
        Assert.Equal(stats.Requests, stats.AnswersByStatus.GetValueOrDefault(200));
        Assert.DoesNotContain("tlsWebhookCode42", logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_option_does_not_touch_a_handler_the_caller_brings_and_says_so()
    {
        var logs = new CapturingLoggerFactory();
        using var http = new HttpClient(new StubHandler(_ => StubHandler.Answer(HttpStatusCode.OK, """{"result":true}""")));
        await using var client = new BitrixClient(http, "https://portal.example/rest/1/code/", Options(logs, dangerous: true));

        Assert.Contains(logs.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("no effect", StringComparison.Ordinal));
        Assert.False(new BitrixClientOptions().DangerousAcceptAnyServerCertificate);
    }

    private static BitrixClientOptions Options(CapturingLoggerFactory logs, bool dangerous) => new()
    {
        LoggerFactory = logs,
        DangerousAcceptAnyServerCertificate = dangerous,
        RateLimitStore = new InMemoryRateLimitStore(),
        RateLimit = new RateLimitPlan(1_000_000, 1_000_000),
        MaxRetries = 1,
        RetryBaseDelay = TimeSpan.FromMilliseconds(5),
    };

    /// <summary>A self-signed certificate for 127.0.0.1 and localhost, with its private key.</summary>
    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=TypedBitrix test portal", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), password: null);
    }
}
