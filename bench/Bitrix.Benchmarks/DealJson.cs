using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bitrix.Emulator;

namespace Bitrix.Benchmarks;

/// <summary>
/// Realistic deal JSON for the micro benchmarks: rows as the emulator's deal generator makes them and
/// the portal sends them (legacy string-typed values: <c>"ID":"1"</c>, <c>"OPPORTUNITY":"25365.47"</c>,
/// ISO dates with offsets, <c>"Y"</c>/<c>"N"</c>, nulls), fetched once through the in-process emulator.
/// </summary>
internal static class DealJson
{
    private static readonly JsonSerializerOptions WireFormat = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The default export select of the macro benchmarks.</summary>
    public static readonly string[] FiveFields = ["ID", "TITLE", "STAGE_ID", "OPPORTUNITY", "DATE_CREATE"];

    private static readonly MediaTypeHeaderValue JsonType = new("application/json") { CharSet = "utf-8" };

    /// <summary>An emulator with open limits and no modelled waiting.</summary>
    public static BitrixEmulator OpenEmulator(int deals) => new(new EmulatorOptions
    {
        Deals = deals,
        LatencyScale = 0,
        BucketCapacity = 1e9,
        DrainPerSecond = 1e9,
        OperatingLimitSeconds = 1e12,
    });

    /// <summary>
    /// <c>{"result":[rows],"total":N}</c> with the first <paramref name="rows"/> deals: the 5-field select, or
    /// <c>select: ["*"]</c> (every one of the 44 regular fields a legacy deal row has: CONTACT_IDS is not among them) when <paramref name="allFields"/>.
    /// </summary>
    /// <remarks>
    /// <paramref name="portalEscaped"/>: the bytes as the portal's JSON encoder escapes them (every non-ASCII
    /// character as <c>\uxxxx</c>, <c>" &amp; &lt; &gt; '</c> in hex, <c>/</c> as <c>\/</c>), the emulator's wire
    /// format; otherwise only what JSON requires is escaped.
    /// </remarks>
    public static async Task<byte[]> RowsAsync(int rows, bool allFields, bool portalEscaped = false)
    {
        await using var emulator = OpenEmulator(rows);
        using var http = new HttpClient(emulator.CreateHandler());
        var all = new JsonArray();
        for (var start = 0; start < rows; start += 50)
        {
            var page = await PostAsync(http, new Uri(emulator.WebhookUrl, "crm.deal.list"), ListBody(allFields, start)).ConfigureAwait(false);
            foreach (var row in (JsonArray)JsonNode.Parse(page)!["result"]!)
            {
                all.Add(row!.DeepClone());
            }
        }

        var expectedFields = allFields ? 44 : FiveFields.Length;
        if (all.Count != rows || ((JsonObject)all[0]!).Count != expectedFields)
        {
            throw new InvalidOperationException($"expected {rows} rows of {expectedFields} fields, got {all.Count} of {((JsonObject)all[0]!).Count}");
        }

        // '+' of date offsets is never escaped; Cyrillic text and '/' are escaped only in the portal's form.
        var unescaped = Encoding.UTF8.GetBytes(new JsonObject { ["result"] = all, ["total"] = rows }.ToJsonString(WireFormat));
        return portalEscaped ? Bitrix.Emulator.Protocol.PortalJsonEscaping.Apply(unescaped) : unescaped;
    }

    /// <summary>The emulator's own answer (the whole envelope with <c>time</c>) to a first <c>crm.deal.list</c> page.</summary>
    public static async Task<byte[]> PageEnvelopeAsync(BitrixEmulator emulator, HttpClient http, bool allFields)
        => await PostAsync(http, new Uri(emulator.WebhookUrl, "crm.deal.list"), ListBody(allFields, 0)).ConfigureAwait(false);

    /// <summary>The emulator's answer to a <c>batch</c> of 50 <c>crm.deal.list</c> pages: 2,500 rows, as a cursor export reads them.</summary>
    public static async Task<byte[]> BatchEnvelopeAsync(BitrixEmulator emulator, HttpClient http)
    {
        var commands = new JsonObject();
        for (var i = 0; i < 50; i++)
        {
            commands["p" + i.ToString(CultureInfo.InvariantCulture)] = "crm.deal.list?" + string.Join('&', FiveFields.Select(f => "select[]=" + f)) + "&start=" + (i * 50).ToString(CultureInfo.InvariantCulture);
        }

        return await PostAsync(http, new Uri(emulator.WebhookUrl, "batch"), new JsonObject { ["halt"] = 0, ["cmd"] = commands }).ConfigureAwait(false);
    }

    private static JsonObject ListBody(bool allFields, int start) => new()
    {
        ["order"] = new JsonObject { ["ID"] = "ASC" },
        ["select"] = allFields ? new JsonArray("*") : new JsonArray([.. FiveFields.Select(f => (JsonNode)f)]),
        ["start"] = start,
    };

    private static async Task<byte[]> PostAsync(HttpClient http, Uri uri, JsonObject body)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body.ToJsonString()));
        content.Headers.ContentType = JsonType;
        using var response = await http.PostAsync(uri, content).ConfigureAwait(false);
        var bytes = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{uri.AbsolutePath} answered {(int)response.StatusCode}: {Encoding.UTF8.GetString(bytes)}");
        }

        return bytes;
    }
}
