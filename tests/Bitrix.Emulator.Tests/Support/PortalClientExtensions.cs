namespace Bitrix.Emulator.Tests.Support;

/// <summary>Shortcuts over <see cref="PortalClient"/> for the requests these tests send again and again.</summary>
internal static class PortalClientExtensions
{
    public static Task<Answer> BatchAsync(this PortalClient portal, object cmd, object? halt = null)
        => portal.PostJsonAsync("batch", new Dictionary<string, object?> { ["halt"] = halt ?? 0, ["cmd"] = cmd });

    /// <summary>Sends raw bytes to a path under the webhook (or, when it starts with '/', under the portal).</summary>
    public static Task<Answer> RawAsync(this PortalClient portal, HttpMethod verb, string path, byte[]? body = null, string? contentType = null)
    {
        var uri = path.StartsWith('/') ? new Uri(portal.Emulator.BaseAddress, path) : new Uri(portal.Webhook, path);
        HttpContent? content = null;
        if (body is not null)
        {
            content = new ByteArrayContent(body);
            if (contentType is not null)
            {
                content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }

        return portal.SendAsync(verb, uri, content);
    }

    public static Task<Answer> RawAsync(this PortalClient portal, HttpMethod verb, string path, string body, string? contentType)
        => portal.RawAsync(verb, path, Encoding.UTF8.GetBytes(body), contentType);

    /// <summary>Reads every page of a legacy list (ordered by ID) and returns the rows.</summary>
    public static async Task<List<JsonObject>> ReadAllAsync(this PortalClient portal, string method, object? select = null, object? filter = null)
    {
        var rows = new List<JsonObject>();
        long start = 0;
        while (true)
        {
            var answer = await portal.PostJsonAsync(method, new Dictionary<string, object?>
            {
                ["select"] = select ?? new[] { "*" },
                ["filter"] = filter ?? new Dictionary<string, object>(),
                ["order"] = new Dictionary<string, string> { ["ID"] = "ASC" },
                ["start"] = start,
            });
            Assert.Equal(HttpStatusCode.OK, answer.Status);
            rows.AddRange(answer.Result!.AsArray().Select(r => r!.AsObject()));
            if (answer.Json!["next"] is not { } next)
            {
                return rows;
            }

            start = (long)next;
        }
    }

    public static List<long> Ids(this JsonNode? rows)
        => rows!.AsArray().Select(r => long.Parse((string)r!["ID"]!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
}
