namespace Bitrix.Emulator.Tests.Control;

/// <summary>A portal whose domain moved (docs/protocol.md §7): every REST call answers 302 to the same path and query on the new host.</summary>
public sealed class MovedPortalTests : PortalTestBase
{
    private static readonly Uri NewHost = new("https://moved-portal.bitrix24.example/");

    [Theory]
    [InlineData("crm.deal.get?id=1")]
    [InlineData("crm.deal.list?filter%5B%3EID%5D=5&select[]=ID")]
    [InlineData("batch")]
    public async Task A_webhook_call_is_redirected_with_its_path_and_query(string pathAndQuery)
    {
        var portal = InProcess(Moved());

        var get = await portal.GetAsync(pathAndQuery);
        var post = await portal.SendAsync(HttpMethod.Post, new Uri(portal.Webhook, pathAndQuery), new StringContent("""{"id": 2}""", Encoding.UTF8, "application/json"));

        var expected = new Uri(NewHost, new Uri(portal.Webhook, pathAndQuery).PathAndQuery);
        foreach (var answer in new[] { get, post })
        {
            Assert.Equal(HttpStatusCode.Found, answer.Status);
            Assert.Equal(expected, answer.Location);
            Assert.Equal(NewHost.Host, answer.Location!.Host);
        }
    }

    [Fact]
    public async Task An_oauth_call_is_redirected_too()
    {
        var portal = InProcess(Moved());

        var answer = await portal.RawAsync(HttpMethod.Get, "/rest/crm.deal.get?id=1&auth=abc");

        Assert.Equal(HttpStatusCode.Found, answer.Status);
        Assert.Equal(new Uri(NewHost, "/rest/crm.deal.get?id=1&auth=abc"), answer.Location);
    }

    [Fact]
    public async Task The_redirect_runs_nothing()
    {
        var portal = InProcess(Moved());
        var before = await portal.Emulator.GetIdsAsync("crm.deal");

        await portal.PostJsonAsync("crm.deal.add", new { fields = new { TITLE = "x" } });

        Assert.Equal(before, await portal.Emulator.GetIdsAsync("crm.deal"));
        Assert.Equal(HttpStatusCode.OK, (await portal.RawAsync(HttpMethod.Get, "/_emulator/stats")).Status);
    }

    [Fact]
    public async Task Over_loopback_the_client_sees_the_302_and_its_location()
    {
        var emulator = Track(await BitrixEmulator.StartAsync(Moved()));
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });

        using var response = await http.GetAsync(new Uri(emulator.WebhookUrl, "crm.deal.get?id=1"));

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal(new Uri(NewHost, "/rest/1/emulatorsecret/crm.deal.get?id=1"), response.Headers.Location);
    }

    private static EmulatorOptions Moved()
    {
        var options = Small();
        options.MovedTo = NewHost;
        return options;
    }
}
