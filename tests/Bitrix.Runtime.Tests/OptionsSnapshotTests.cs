using System.Net;
using System.Reflection;
using Bitrix.Emulator;
using Bitrix.Runtime.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bitrix.Runtime.Tests;

/// <summary>
/// A client keeps the settings it was built with: changing the caller's options object afterwards
/// (its values or its sets) changes nothing in that client — not the redirect limit, the hosts a
/// portal may move to, the timeouts, the answer size limit or which methods are reads.
/// </summary>
public sealed class OptionsSnapshotTests
{
    private static readonly Uri OldPortal = new("http://old.portal/");
    private static readonly Uri NewPortal = new("http://new.portal/");

    /// <summary>Holds every request a moment before passing it on.</summary>
    private sealed class SlowHandler(HttpMessageHandler inner, TimeSpan delay) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await Task.Delay(delay, cancellationToken);
            return await base.SendAsync(request, cancellationToken);
        }
    }

    private static EmulatorOptions Moved(Uri? to)
    {
        var options = TestPortal.Options(10);
        options.MovedTo = to;
        return options;
    }

    [Fact]
    public async Task A_move_the_client_was_built_to_follow_is_followed_after_the_options_forbid_it()
    {
        await using var oldPortal = new BitrixEmulator(Moved(NewPortal));
        await using var newPortal = new BitrixEmulator(Moved(null));
        using var http = new HttpClient(new HostRouter().Route(OldPortal.Host, oldPortal.CreateHandler()).Route(NewPortal.Host, newPortal.CreateHandler()));
        var options = Fast.Options(o =>
        {
            o.MaxRedirects = 1;
            o.AllowPortalMoveTo.Add(NewPortal.Host);
        });
        await using var client = new BitrixClient(http, new Uri(OldPortal, newPortal.WebhookUrl.AbsolutePath).ToString(), options);

        options.MaxRedirects = 0;
        options.AllowPortalMoveTo.Clear();
        var id = (await newPortal.GetIdsAsync("crm.deal"))[0];
        var deal = await client.CallAsync("crm.deal.get", new { id });

        Assert.Equal(id.ToString(System.Globalization.CultureInfo.InvariantCulture), deal.GetProperty("ID").GetString());
        Assert.Equal(NewPortal, client.PortalUrl);
        Assert.Equal(1, (await oldPortal.GetStatsAsync()).AnswersByStatus[302]);
        Assert.Equal(1, (await newPortal.GetStatsAsync()).Requests);
    }

    [Fact]
    public async Task A_host_allowed_after_the_client_was_built_is_still_refused()
    {
        await using var oldPortal = new BitrixEmulator(Moved(NewPortal));
        await using var newPortal = new BitrixEmulator(Moved(null));
        using var http = new HttpClient(new HostRouter().Route(OldPortal.Host, oldPortal.CreateHandler()).Route(NewPortal.Host, newPortal.CreateHandler()));
        var options = Fast.Options();
        await using var client = new BitrixClient(http, new Uri(OldPortal, newPortal.WebhookUrl.AbsolutePath).ToString(), options);

        options.AllowPortalMoveTo.Add(NewPortal.Host);
        options.CloudPortalDomains.Add("portal");
        var e = await Assert.ThrowsAsync<BitrixException>(() => client.CallAsync("crm.deal.get", new { id = 1 }));

        Assert.Equal(BitrixErrorCodes.RedirectRefused, e.ErrorCode);
        Assert.Contains("not a Bitrix24 cloud portal", e.Message, StringComparison.Ordinal);
        Assert.Equal(OldPortal, client.PortalUrl);
        Assert.Equal(0, (await newPortal.GetStatsAsync()).Requests);
    }

    [Theory]
    [InlineData("request")]
    [InlineData("call")]
    public async Task A_timeout_shortened_after_the_client_was_built_does_not_cut_its_calls(string which)
    {
        await using var portal = new BitrixEmulator(TestPortal.Options(10));
        using var http = new HttpClient(new SlowHandler(portal.CreateHandler(), TimeSpan.FromMilliseconds(300)));
        var options = Fast.Options(o => o.MaxRetries = 0);
        await using var client = new BitrixClient(http, portal.WebhookUrl.ToString(), options);

        if (which == "request")
        {
            options.RequestTimeout = TimeSpan.FromMilliseconds(20);
        }
        else
        {
            options.CallTimeout = TimeSpan.FromMilliseconds(20);
        }

        var rows = await client.CallAsync("crm.deal.list", new { select = new[] { "ID" } });

        Assert.Equal(10, rows.GetArrayLength());
        Assert.Equal(1, (await portal.GetStatsAsync()).Requests);
    }

    [Fact]
    public async Task An_answer_limit_lowered_after_the_client_was_built_does_not_refuse_its_answers()
    {
        var options = new BitrixClientOptions();
        await using var portal = TestPortal.Create(TestPortal.Options(10), options);

        options.MaxResponseBytes = 16;
        var rows = await portal.Client.CallAsync("crm.deal.list", new { select = new[] { "ID", "TITLE" } });

        Assert.Equal(10, rows.GetArrayLength());
    }

    [Fact]
    public async Task A_method_added_to_ReadMethods_after_the_client_was_built_stays_a_write()
    {
        // The method answers 502 the first time, then its result.
        static StubHandler FailingOnce()
        {
            var calls = 0;
            return new(_ => Interlocked.Increment(ref calls) == 1
                ? StubHandler.Answer(HttpStatusCode.BadGateway, "")
                : StubHandler.Answer(HttpStatusCode.OK, """{"result":{"ok":true}}"""));
        }

        const string Url = "https://portal.example/rest/1/abc123/";

        // A read is resent after the 502; the same method built as a write is not.
        var readStub = FailingOnce();
        using (var readHttp = new HttpClient(readStub))
        {
            await using var reads = new BitrixClient(readHttp, Url, Fast.Options(o => o.ReadMethods.Add("custom.report.build")));
            var result = await reads.CallAsync("custom.report.build");
            Assert.True(result.GetProperty("ok").GetBoolean());
            Assert.Equal(2, readStub.Calls);
        }

        var writeStub = FailingOnce();
        using var writeHttp = new HttpClient(writeStub);
        var options = Fast.Options();
        await using var client = new BitrixClient(writeHttp, Url, options);

        options.ReadMethods.Add("custom.report.build");
        await Assert.ThrowsAsync<BitrixException>(() => client.CallAsync("custom.report.build"));

        Assert.Equal(1, writeStub.Calls);
    }

    [Fact]
    public void A_snapshot_copies_every_setting_and_owns_its_sets()
    {
        var source = new BitrixClientOptions();
        var properties = typeof(BitrixClientOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance);
        var sets = properties.Where(p => p.PropertyType == typeof(ISet<string>)).ToList();
        var values = properties.Where(p => p.CanWrite).ToList();
        foreach (var property in values)
        {
            property.SetValue(source, Changed(property, property.GetValue(source)));
        }

        foreach (var set in sets)
        {
            ((ISet<string>)set.GetValue(source)!).Add($"{set.Name}.example");
        }

        var snapshot = source.Snapshot();

        Assert.Equal(values.Count + sets.Count, properties.Length);
        Assert.Equal(3, sets.Count);
        foreach (var property in values)
        {
            Assert.True(Equals(property.GetValue(source), property.GetValue(snapshot)), property.Name);
        }

        foreach (var set in sets)
        {
            var copied = (ISet<string>)set.GetValue(snapshot)!;
            var original = (ISet<string>)set.GetValue(source)!;
            Assert.NotSame(original, copied);
            Assert.True(copied.SetEquals(original), set.Name);
            Assert.Contains($"{set.Name.ToUpperInvariant()}.EXAMPLE", copied);
            original.Clear();
            Assert.Contains($"{set.Name}.example", copied);
            Assert.Throws<NotSupportedException>(() => copied.Add("other.example"));
        }

        foreach (var property in values)
        {
            var before = property.GetValue(snapshot);
            property.SetValue(source, Changed(property, property.GetValue(source)));
            Assert.True(Equals(before, property.GetValue(snapshot)), property.Name);
        }
    }

    /// <summary>A value unlike <paramref name="current"/>; a setting of a new type needs a case here.</summary>
    private static object? Changed(PropertyInfo property, object? current) => current switch
    {
        bool b => !b,
        int i => i + 7,
        long l => l + 7,
        double d => d + 7,
        TimeSpan t => t + TimeSpan.FromSeconds(7),
        null when property.PropertyType == typeof(TimeSpan?) => TimeSpan.FromSeconds(7),
        null when property.PropertyType == typeof(IRateLimitStore) => new InMemoryRateLimitStore(),
        null when property.PropertyType == typeof(Microsoft.Extensions.Logging.ILoggerFactory) => new NullLoggerFactory(),
        RateLimitPlan plan => plan with { Capacity = plan.Capacity + 7 },
        IRateLimitStore => new InMemoryRateLimitStore(),
        Microsoft.Extensions.Logging.ILoggerFactory => new NullLoggerFactory(),
        TimeProvider => new Microsoft.Extensions.Time.Testing.FakeTimeProvider(),
        _ => throw new InvalidOperationException($"No changed value for {property.Name} ({property.PropertyType}): add one."),
    };
}
