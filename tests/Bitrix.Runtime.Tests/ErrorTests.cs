namespace Bitrix.Runtime.Tests;

/// <summary>Errors: the portal's, the proxies', the network's, and the caller's own.</summary>
public sealed class ErrorTests
{
    private const string Secret = "s3cr3tc0de";

    private static TestPortal Faulty(FaultKind kind, BitrixClientOptions? clientOptions = null)
    {
        var options = TestPortal.Options();
        options.FaultRate = 1;
        options.FaultKinds = [kind];
        options.SlowDelay = TimeSpan.FromMinutes(5);
        return TestPortal.Create(options, clientOptions);
    }

    [Fact]
    public async Task An_unknown_method_carries_status_code_description_and_method()
    {
        await using var portal = TestPortal.Create();

        var e = await Assert.ThrowsAsync<BitrixException>(() => portal.Client.CallAsync("crm.nothing.here"));

        Assert.Equal(HttpStatusCode.NotFound, e.StatusCode);
        Assert.Equal("ERROR_METHOD_NOT_FOUND", e.ErrorCode);
        Assert.Equal("Method not found!", e.Description);
        Assert.Equal("crm.nothing.here", e.Method);
        Assert.Null(e.CommandName);
        Assert.Equal("Bitrix24 error in crm.nothing.here (HTTP 404): ERROR_METHOD_NOT_FOUND: Method not found!", e.Message);
        Assert.False(e.IsRejectedBeforeProcessing);
    }

    [Fact]
    public async Task A_legacy_error_has_an_empty_code()
    {
        await using var portal = TestPortal.Create();

        var e = await Assert.ThrowsAsync<BitrixException>(() => portal.Client.CallRawAsync("crm.deal.get", new { id = 999999 }));

        Assert.Equal(HttpStatusCode.BadRequest, e.StatusCode);
        Assert.Equal(string.Empty, e.ErrorCode);
        Assert.Equal("Not found", e.Description);
        Assert.Equal("Bitrix24 error in crm.deal.get (HTTP 400): Not found", e.Message);
    }

    [Fact]
    public async Task A_wrong_webhook_code_is_a_401_that_does_not_echo_the_code()
    {
        await using var emulator = new BitrixEmulator(TestPortal.Options());
        using var http = new HttpClient(emulator.CreateHandler());
        await using var client = new BitrixClient(http, new Uri(emulator.BaseAddress, $"/rest/1/{Secret}/").ToString(), Fast.Options());

        var e = await Assert.ThrowsAsync<BitrixException>(() => client.CallAsync("crm.deal.get", new { id = 1 }));

        Assert.Equal(HttpStatusCode.Unauthorized, e.StatusCode);
        Assert.Equal("INVALID_CREDENTIALS", e.ErrorCode);
        Assert.True(e.IsRejectedBeforeProcessing);
        Assert.DoesNotContain(Secret, e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_html_502_from_a_proxy_is_reported_clearly_not_as_a_json_crash()
    {
        await using var portal = Faulty(FaultKind.BadGatewayHtml);

        var e = await Assert.ThrowsAsync<BitrixException>(() => portal.Client.CallAsync("crm.deal.get", new { id = 1 }));

        Assert.Equal(BitrixErrorCodes.InvalidResponse, e.ErrorCode);
        Assert.Equal(HttpStatusCode.BadGateway, e.StatusCode);
        Assert.Equal("crm.deal.get", e.Method);
        Assert.Contains("HTTP 502", e.Message, StringComparison.Ordinal);
        Assert.Contains("text/html", e.Message, StringComparison.Ordinal);
        Assert.Contains("502 Bad Gateway", e.Message, StringComparison.Ordinal);
        Assert.IsNotType<JsonException>(e.InnerException);
        Assert.Null(e.InnerException);
        Assert.DoesNotContain("JSON parse", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_html_503_from_a_proxy_is_reported_clearly()
    {
        await using var portal = Faulty(FaultKind.ServiceUnavailable);

        var e = await Assert.ThrowsAsync<BitrixException>(() => portal.Client.BatchAsync(new BitrixBatch().Add("crm.deal.get", new { id = 1 })));

        Assert.Equal(BitrixErrorCodes.InvalidResponse, e.ErrorCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, e.StatusCode);
        Assert.Contains("HTTP 503", e.Message, StringComparison.Ordinal);
        Assert.Contains("text/html", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_json_500_is_the_portals_internal_error()
    {
        await using var portal = Faulty(FaultKind.InternalError);

        var e = await Assert.ThrowsAsync<BitrixException>(() => portal.Client.CallAsync("crm.deal.get", new { id = 1 }));

        Assert.Equal("INTERNAL_SERVER_ERROR", e.ErrorCode);
        Assert.Equal(HttpStatusCode.InternalServerError, e.StatusCode);
    }

    [Fact]
    public async Task A_truncated_answer_is_a_transport_failure()
    {
        await using var portal = Faulty(FaultKind.Truncate);

        var e = await Assert.ThrowsAsync<BitrixException>(() => portal.Client.CallAsync("crm.deal.list", new { select = new[] { "ID", "TITLE" } }));

        Assert.Equal(BitrixErrorCodes.TransportFailure, e.ErrorCode);
        Assert.Equal("crm.deal.list", e.Method);
        Assert.Contains("cut off", e.Message, StringComparison.Ordinal);
        Assert.NotNull(e.InnerException);
        Assert.False(e.IsRejectedBeforeProcessing);
    }

    [Fact]
    public async Task A_connection_reset_is_a_transport_failure()
    {
        await using var portal = Faulty(FaultKind.Reset);

        var e = await Assert.ThrowsAsync<BitrixException>(() => portal.Client.CallAsync("crm.deal.get", new { id = 1 }));

        Assert.Equal(BitrixErrorCodes.TransportFailure, e.ErrorCode);
        Assert.Null(e.StatusCode);
        Assert.IsType<HttpRequestException>(e.InnerException);
    }

    [Fact]
    public async Task An_answer_that_never_comes_is_a_transport_failure_after_the_request_timeout()
    {
        await using var portal = Faulty(FaultKind.Slow, Fast.Options(o => { o.RequestTimeout = TimeSpan.FromMilliseconds(100); }));

        var e = await Assert.ThrowsAsync<BitrixException>(() => portal.Client.CallAsync("crm.deal.get", new { id = 1 }));

        Assert.Equal(BitrixErrorCodes.TransportFailure, e.ErrorCode);
        Assert.Contains("whether the call ran is unknown", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_callers_cancellation_is_a_cancellation_not_a_portal_error()
    {
        await using var portal = Faulty(FaultKind.Slow);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => portal.Client.CallAsync("crm.deal.get", new { id = 1 }, cancelled.Token));
    }

    [Fact]
    public async Task The_leaky_bucket_refusal_is_a_503_rejected_before_processing()
    {
        var options = TestPortal.Options();
        options.BucketCapacity = 1;
        options.DrainPerSecond = 0;
        await using var portal = TestPortal.Create(options);
        var id = await portal.IdAsync("crm.deal", 0);
        await portal.Client.CallAsync("crm.deal.get", new { id });

        var e = await Assert.ThrowsAsync<BitrixException>(() => portal.Client.CallAsync("crm.deal.get", new { id }));

        Assert.Equal(BitrixErrorCodes.QueryLimitExceeded, e.ErrorCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, e.StatusCode);
        Assert.True(e.IsRejectedBeforeProcessing);
    }

    [Fact]
    public async Task A_spent_operating_budget_is_waited_out_and_the_call_sent_again()
    {
        var options = TestPortal.Options();
        options.OperatingLimitSeconds = 0.001;
        options.OperatingWindow = TimeSpan.FromSeconds(1);
        await using var portal = TestPortal.Create(options);
        var id = await portal.IdAsync("crm.deal", 0);
        await portal.Client.CallAsync("crm.deal.get", new { id });

        var second = await portal.Client.CallAsync("crm.deal.get", new { id });

        var stats = await portal.Emulator.GetStatsAsync();
        Assert.Equal(id.ToString(System.Globalization.CultureInfo.InvariantCulture), second.GetProperty("ID").GetString());
        Assert.Equal(1, stats.Rejected429);
        Assert.Equal(2, stats.CallsByMethod["crm.deal.get"]);
    }

    [Fact]
    public void Refusals_are_known_to_have_happened_before_processing()
    {
        Assert.True(new BitrixException(BitrixErrorCodes.OperationTimeLimit, "blocked", HttpStatusCode.TooManyRequests).IsRejectedBeforeProcessing);
        Assert.True(new BitrixException(BitrixErrorCodes.QueryLimitExceeded, "too many", HttpStatusCode.ServiceUnavailable).IsRejectedBeforeProcessing);
        Assert.False(new BitrixException("INTERNAL_SERVER_ERROR", "oops", HttpStatusCode.InternalServerError).IsRejectedBeforeProcessing);
    }

    public static TheoryData<string?> BadMethodNames() =>
    [
        null, string.Empty, " ", "\t", "crm deal get", "crm..deal", ".crm.deal", "crm.deal.", "crm/deal/get", "crm.deal.list?start=5",
        "crm.deal.list#x", "crm.deal.list&x=1", "крм.deal.get", "crm.deal.get\n", "../../admin", "crm.deal.get.json/", "%63rm.deal.get",
    ];

    [Theory]
    [MemberData(nameof(BadMethodNames))]
    public async Task Malformed_method_names_are_rejected_before_sending(string? method)
    {
        await using var portal = TestPortal.Create();

        var e = await Assert.ThrowsAnyAsync<ArgumentException>(() => portal.Client.CallAsync(method!, new { id = 1 }));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => portal.Client.CallRawAsync(method!, new { id = 1 }));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => portal.Client.CallManyAsync(method!, [new { id = 1 }]));
        Assert.ThrowsAny<ArgumentException>(() => new BitrixBatch().Add("a", method!, new { id = 1 }));

        Assert.Equal("method", e.ParamName);
        Assert.Equal(0, await portal.RequestsAsync());
        Assert.Empty(portal.Recorder.Requests);
    }

    public static TheoryData<string> BadWebhookUrls() =>
    [
        $"https://portal.example/rest/{Secret}/",
        $"https://portal.example/rest/{Secret}",
        $"https://portal.example/rest/admin/{Secret}/",
        $"https://portal.example/rest/1x/{Secret}/",
        $"https://portal.example/rest//{Secret}/",
        $"https://portal.example/api/1/{Secret}/",
        $"https://portal.example/{Secret}/",
        $"ftp://portal.example/rest/1/{Secret}/",
        $"portal.example/rest/1/{Secret}/",
        $"/rest/1/{Secret}/",
        $"https://portal.example/rest/1/{Secret}/?auth=x",
        $"https://portal.example/rest/1/{Secret}/crm.deal.get/extra/",
        $"https://portal.example/rest/1/{Secret}!/",
        $"https://portal.example/rest/1/{Secret} x/",
        $"https://por tal.example/rest/1/{Secret}/",
        $"https://[portal/rest/1/{Secret}/",
        $"{Secret}",
        $"https://{Secret}.example/api",
    ];

    [Theory]
    [MemberData(nameof(BadWebhookUrls))]
    public void Invalid_webhook_urls_are_rejected_without_showing_the_code(string url)
    {
        using var http = new HttpClient(new StubHandler(_ => throw new InvalidOperationException("nothing may be sent")));

        var e = Assert.ThrowsAny<ArgumentException>(() => BitrixClient.FromWebhook(url));
        var e2 = Assert.ThrowsAny<ArgumentException>(() => new BitrixClient(http, url));

        Assert.DoesNotContain(Secret, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, e.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, e2.Message, StringComparison.Ordinal);
        Assert.Equal("webhookUrl", e.ParamName);
    }

    [Fact]
    public void A_placeholder_webhook_with_a_Cyrillic_code_is_refused_with_a_message_that_says_why()
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => BitrixClient.FromWebhook("https://ваш-портал.bitrix24.ru/rest/1/код_вебхука/"));

        Assert.StartsWith("'https://ваш-портал.bitrix24.ru/rest/1/***/' is not a webhook URL: its code has characters a portal never issues (a code is Latin letters and digits)", e.Message, StringComparison.Ordinal);
        Assert.Contains("placeholder", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("код_вебхука", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_webhook_whose_user_ID_is_not_a_number_is_refused_with_a_message_that_says_so()
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => BitrixClient.FromWebhook($"https://portal.example/rest/admin/{Secret}/"));

        Assert.Contains("the user ID after /rest/ must be a number", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Empty_webhook_urls_are_rejected(string url)
        => Assert.ThrowsAny<ArgumentException>(() => BitrixClient.FromWebhook(url));

    [Theory]
    [InlineData("https://portal.example/rest/1/abc123/")]
    [InlineData("https://portal.example/rest/1/abc123")]
    [InlineData("http://127.0.0.1:8080/rest/17/a_b-C9/")]
    [InlineData("  https://portal.example/REST/1/abc123/  ")]
    public async Task Valid_webhook_urls_are_accepted(string url)
    {
        await using var client = BitrixClient.FromWebhook(url);

        Assert.Equal(new Uri(url.Trim()).GetLeftPart(UriPartial.Authority) + "/", client.PortalUrl.ToString());
        Assert.DoesNotContain("abc123", client.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.OK, "", "an empty body")]
    [InlineData(HttpStatusCode.OK, "{\"foo\":1}", "application/json")]
    [InlineData(HttpStatusCode.OK, "[1,2,3]", "application/json")]
    [InlineData(HttpStatusCode.OK, "{\"result\":", "application/json")]
    [InlineData(HttpStatusCode.InternalServerError, "", "an empty body")]
    [InlineData(HttpStatusCode.GatewayTimeout, "{\"result\":true}", "application/json")]
    public async Task Answers_that_are_not_the_envelope_are_invalid_responses(HttpStatusCode status, string body, string expected)
    {
        using var http = new HttpClient(StubHandler.Always(status, body));
        await using var client = new BitrixClient(http, $"https://portal.example/rest/1/{Secret}/", Fast.Options());

        var e = await Assert.ThrowsAsync<BitrixException>(() => client.CallAsync("crm.deal.get", new { id = 1 }));

        Assert.Equal(BitrixErrorCodes.InvalidResponse, e.ErrorCode);
        Assert.Equal(status, e.StatusCode);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Contains($"HTTP {(int)status}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Error_envelopes_in_every_shape_become_BitrixException()
    {
        var answers = new Queue<HttpResponseMessage>(
        [
            StubHandler.Answer(HttpStatusCode.OK, """{"error":"ERROR_CORE","error_description":"On a 200"}"""),
            StubHandler.Answer(HttpStatusCode.BadRequest, """{"error":42,"error_description":"numeric"}"""),
            StubHandler.Answer(HttpStatusCode.Unauthorized, """{"error":"expired_token"}"""),
            StubHandler.Answer(HttpStatusCode.ServiceUnavailable, """{"error":"query_limit_exceeded","error_description":"Too many requests"}"""),
        ]);
        using var http = new HttpClient(new StubHandler(_ => answers.Dequeue()));
        await using var client = new BitrixClient(http, $"https://portal.example/rest/1/{Secret}/", Fast.Options());

        var onOk = await Assert.ThrowsAsync<BitrixException>(() => client.CallAsync("a.b"));
        var numeric = await Assert.ThrowsAsync<BitrixException>(() => client.CallAsync("a.b"));
        var noDescription = await Assert.ThrowsAsync<BitrixException>(() => client.CallAsync("a.b"));
        var lowerCase = await Assert.ThrowsAsync<BitrixException>(() => client.CallAsync("a.b"));

        Assert.Equal(("ERROR_CORE", "On a 200", HttpStatusCode.OK), (onOk.ErrorCode, onOk.Description, onOk.StatusCode!.Value));
        Assert.Equal("42", numeric.ErrorCode);
        Assert.Equal(("expired_token", string.Empty), (noDescription.ErrorCode, noDescription.Description));
        Assert.Equal("query_limit_exceeded", lowerCase.ErrorCode);
    }
}
