namespace Bitrix.Emulator.Tests.Methods;

/// <summary>Small seeded portals for method tests, and the checks every such test ends with.</summary>
internal static class TestPortal
{
    public static PortalClient Small() => PortalClient.InProcess(new EmulatorOptions
    {
        LatencyScale = 0,
        Deals = 120,
        Leads = 60,
        Contacts = 40,
        Companies = 20,
        Activities = 10,
        Tasks = 120,
        Users = 60,
    });

    /// <summary>The call succeeded; returns its <c>result</c>.</summary>
    public static async Task<JsonNode> OkAsync(this PortalClient portal, string method, object body)
    {
        var answer = await portal.PostJsonAsync(method, body);
        Assert.True(answer.Status == HttpStatusCode.OK, $"{method}: {answer.Status} {answer.Text}");
        return answer.Result!;
    }

    /// <summary>The call failed with the given HTTP status and error code; returns the description.</summary>
    public static async Task<string> FailsAsync(this PortalClient portal, string method, object body, string code, HttpStatusCode status = HttpStatusCode.BadRequest)
    {
        var answer = await portal.PostJsonAsync(method, body);
        Assert.Equal(status, answer.Status);
        Assert.Equal(code, answer.Error);
        Assert.Null(answer.Json!["result"]);
        return (string)answer.Json!["error_description"]!;
    }

    /// <summary>No handler hit an emulator defect (a non-PortalError exception).</summary>
    public static async Task AssertNoInternalFailuresAsync(this PortalClient portal)
    {
        var stats = await portal.Emulator.GetStatsAsync();
        Assert.True(stats.InternalFailures == 0, stats.LastInternalFailure);
    }

    public static JsonValueKindName Kind(JsonNode? node) => node switch
    {
        null => JsonValueKindName.Null,
        JsonArray => JsonValueKindName.Array,
        JsonObject => JsonValueKindName.Object,
        JsonValue v => v.GetValueKind() switch
        {
            System.Text.Json.JsonValueKind.String => JsonValueKindName.String,
            System.Text.Json.JsonValueKind.Number => JsonValueKindName.Number,
            System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => JsonValueKindName.Boolean,
            _ => JsonValueKindName.Null,
        },
        _ => JsonValueKindName.Null,
    };
}

/// <summary>What a JSON value is, for shape assertions.</summary>
internal enum JsonValueKindName
{
    Null,
    String,
    Number,
    Boolean,
    Array,
    Object,
}
