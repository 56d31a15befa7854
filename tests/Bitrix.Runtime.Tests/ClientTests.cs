namespace Bitrix.Runtime.Tests;

/// <summary>Client settings, lifetime and the mocking seam.</summary>
public sealed class ClientTests
{
    /// <summary>Counts requests in flight at once; holds each a moment so that overlaps show.</summary>
    private sealed class ConcurrencyProbe(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private int _inFlight;

        public int Max { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var now = Interlocked.Increment(ref _inFlight);
            lock (this)
            {
                Max = Math.Max(Max, now);
            }

            try
            {
                await Task.Delay(20, cancellationToken);
                return await base.SendAsync(request, cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task No_more_requests_than_MaxConcurrency_are_in_flight(int maxConcurrency)
    {
        await using var emulator = new BitrixEmulator(TestPortal.Options(deals: 1000));
        var probe = new ConcurrencyProbe(emulator.CreateHandler());
        using var http = new HttpClient(probe);
        await using var client = new BitrixClient(http, emulator.WebhookUrl.ToString(), Fast.Options(o => { o.MaxConcurrency = maxConcurrency; }));

        var ids = await emulator.GetIdsAsync("crm.deal");

        var results = await client.CallManyAsync("crm.deal.get", ids.Take(500).Select(id => (object?)new { ID = id }));
        await Task.WhenAll(ids.Take(10).Select(id => client.CallAsync("crm.deal.get", new { ID = id })));

        Assert.All(results, r => Assert.True(r.IsSuccess));
        Assert.Equal(maxConcurrency, probe.Max);
    }

    [Fact]
    public void Options_are_checked()
    {
        using var http = new HttpClient();
        const string url = "https://portal.example/rest/1/code/";

        Assert.Throws<ArgumentOutOfRangeException>(() => new BitrixClient(http, url, Fast.Options(o => { o.MaxConcurrency = 0; })));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BitrixClient(http, url, Fast.Options(o => { o.RequestTimeout = TimeSpan.Zero; })));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BitrixClient(http, url, Fast.Options(o => { o.AutoBatchWindow = TimeSpan.FromMilliseconds(-1); })));
        Assert.Throws<ArgumentNullException>(() => new BitrixClient(null!, url));
    }

    [Fact]
    public async Task A_client_can_be_disposed_twice_and_refuses_work_afterwards()
    {
        await using var portal = TestPortal.Create();
        var id = await portal.IdAsync("crm.deal", 0);
        await portal.Client.CallAsync("crm.deal.get", new { id });

        await portal.Client.DisposeAsync();
        await portal.Client.DisposeAsync();

        await Assert.ThrowsAnyAsync<ObjectDisposedException>(() => portal.Client.CallAsync("crm.deal.get", new { id }));
    }

    [Fact]
    public async Task A_client_owning_its_handler_works_over_loopback()
    {
        await using var emulator = await BitrixEmulator.StartAsync(TestPortal.Options());
        await using var client = BitrixClient.FromWebhook(emulator.WebhookUrl.ToString(), Fast.Options());
        var ids = await emulator.GetIdsAsync("crm.deal");

        var deal = await client.CallAsync("crm.deal.get", new { id = ids[1] });
        var many = await client.CallManyAsync("crm.deal.get", ids.Take(120).Select(id => (object?)new { id }));

        Assert.Equal(ids[1].ToString(System.Globalization.CultureInfo.InvariantCulture), deal.GetProperty("ID").GetString());
        Assert.All(many, r => Assert.True(r.IsSuccess));
        Assert.Equal(emulator.BaseAddress, client.PortalUrl);
        Assert.Equal(4, (await emulator.GetStatsAsync()).AnswersByStatus[200]);
    }

    private sealed class FakeClient : BitrixClient
    {
        public List<string> Calls { get; } = [];

        public override Task<JsonElement> CallAsync(string method, JsonObject? parameters, CancellationToken cancellationToken = default)
        {
            Calls.Add(method + " " + parameters?.ToJsonString());
            return Task.FromResult(JsonDocument.Parse("""{"ID":"42"}""").RootElement.Clone());
        }
    }

    [Fact]
    public async Task A_subclass_can_stand_in_for_the_client_in_tests()
    {
        await using var fake = new FakeClient();
        BitrixClient client = fake;

        var viaObject = await client.CallAsync("crm.deal.get", new { ID = 42 });
        var typed = await client.CallAsync<DealRow>("crm.deal.get", new JsonObject { ["ID"] = 42 }, TestJsonContext.Default.DealRow);

        Assert.Equal("42", viaObject.GetProperty("ID").GetString());
        Assert.Equal("42", typed!.ID);
        Assert.Equal(["crm.deal.get {\"ID\":42}", "crm.deal.get {\"ID\":42}"], fake.Calls);
    }
}
