using System.Globalization;
using System.Net;
using System.Text;

namespace Bitrix.Listing.Tests;

/// <summary>What a stub answers for a chained page whose <c>$result[...][49][ID]</c> reference does not resolve.</summary>
public enum Garbage
{
    /// <summary>The reference resolves to nothing, the lower bound is lost: rows from the start of the range.</summary>
    LowerIds,

    /// <summary>The previous page again, padded to a full page with its last row.</summary>
    RepeatedIds,

    /// <summary>Rows above the range's upper bound.</summary>
    AboveRange,

    /// <summary>Rows with no ID, or an ID that is not a number.</summary>
    NoIds,
}

/// <summary>
/// A hand-written portal for one legacy list method (rows <c>{"ID": "n"}</c>): answers single
/// calls and batches of pages, resolves <c>$result[name][49][ID]</c> references itself and answers
/// a reference that does not resolve with garbage. Optionally omits <c>total</c>, or overstates
/// or understates it by <paramref name="overcount"/> rows: more, as when rows were deleted between
/// the count and the read (a reader that plans its pages from counts chains past the end); fewer,
/// as when rows came to match the filter after the count (a reader that stopped at the count would
/// lose them).
/// </summary>
public sealed class StubPortal(IReadOnlyList<long> ids, Garbage garbage, bool withTotal = true, int overcount = 0) : HttpMessageHandler
{
    private long _requests;

    public long Requests => Interlocked.Read(ref _requests);

    public long GarbagePages { get; private set; }

    public BitrixClient CreateClient(int maxConcurrency = 6) => new(new HttpClient(this, disposeHandler: false), "https://stub.example/rest/1/secret/", new BitrixClientOptions
    {
        RateLimit = new RateLimitPlan(1_000_000, 1_000_000),
        RateLimitStore = new InMemoryRateLimitStore(),
        OperatingLimitSeconds = 1e9,
        MaxConcurrency = maxConcurrency,
    });

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _requests);
        var body = JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancellationToken))!.AsObject();
        var method = request.RequestUri!.AbsolutePath.Split('/')[^1].Replace(".json", string.Empty, StringComparison.Ordinal);
        JsonObject answer;
        if (method == "batch")
        {
            var results = new JsonObject();
            var totals = new JsonObject();
            var nexts = new JsonObject();
            var pages = new Dictionary<string, List<long>>();
            foreach (var (name, value) in body["cmd"]!.AsObject())
            {
                var command = (string)value!;
                var query = ParseQuery(command[(command.IndexOf('?', StringComparison.Ordinal) + 1)..]);
                var (rows, total, next) = Page(query, pages);
                pages[name] = rows;
                results[name] = Rows(rows);
                if (total is { } t)
                {
                    totals[name] = t;
                }

                if (next is { } n)
                {
                    nexts[name] = n;
                }
            }

            answer = new JsonObject
            {
                ["result"] = new JsonObject { ["result"] = results, ["result_error"] = new JsonArray(), ["result_total"] = totals, ["result_next"] = nexts, ["result_time"] = new JsonArray() },
            };
        }
        else
        {
            var query = new Dictionary<string, string>(StringComparer.Ordinal);
            Flatten(body, null, query);
            var (rows, total, next) = Page(query, []);
            answer = new JsonObject { ["result"] = Rows(rows) };
            if (total is { } t)
            {
                answer["total"] = t;
            }

            if (next is { } n)
            {
                answer["next"] = n;
            }
        }

        answer["time"] = new JsonObject { ["start"] = 0, ["finish"] = 0, ["duration"] = 0.001, ["processing"] = 0.001 };
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(answer.ToJsonString(), Encoding.UTF8, "application/json") };
    }

    private JsonArray Rows(List<long> rows) => new([.. rows.Select(id => (JsonNode)(id < 0 && garbage == Garbage.NoIds
        ? (id == -1 ? new JsonObject { ["TITLE"] = "no id" } : new JsonObject { ["ID"] = "x" + id.ToString(CultureInfo.InvariantCulture) })
        : new JsonObject { ["ID"] = id.ToString(CultureInfo.InvariantCulture), ["TITLE"] = "Deal " + id.ToString(CultureInfo.InvariantCulture) }))]);

    private (List<long> Rows, long? Total, long? Next) Page(Dictionary<string, string> query, Dictionary<string, List<long>> earlier)
    {
        var descending = string.Equals(query.GetValueOrDefault("order[ID]"), "DESC", StringComparison.OrdinalIgnoreCase);
        var start = long.Parse(query.GetValueOrDefault("start") ?? "0", CultureInfo.InvariantCulture);
        var upper = Long(query.GetValueOrDefault("filter[<=ID]")) ?? long.MaxValue;
        var lowerText = query.GetValueOrDefault("filter[>ID]");
        var belowText = query.GetValueOrDefault("filter[<ID]");
        var lower = Long(query.GetValueOrDefault("filter[>ID]")) ?? long.MinValue;
        var below = Long(belowText) ?? long.MaxValue;
        foreach (var text in new[] { lowerText, belowText })
        {
            if (text is not null && text.StartsWith("$result[", StringComparison.Ordinal))
            {
                var name = text["$result[".Length..text.IndexOf(']', StringComparison.Ordinal)];
                if (earlier.TryGetValue(name, out var previous) && previous.Count == 50)
                {
                    if (text == lowerText)
                    {
                        lower = previous[49];
                    }
                    else
                    {
                        below = previous[49];
                    }
                }
                else
                {
                    GarbagePages++;
                    var range = ids.Where(id => id <= upper).ToList();
                    var prior = earlier.TryGetValue(name, out var p) ? p : [];
                    var rows = garbage switch
                    {
                        Garbage.LowerIds => range.Take(50).ToList(),
                        Garbage.RepeatedIds => [.. prior, .. Enumerable.Repeat(prior.LastOrDefault(range.FirstOrDefault()), 50 - prior.Count)],
                        Garbage.AboveRange => Enumerable.Range(1, 50).Select(i => (upper == long.MaxValue ? ids[^1] : upper) + i).ToList(),
                        _ => Enumerable.Range(1, 50).Select(i => -(long)i).ToList(),
                    };
                    return (rows, null, null);
                }
            }
        }

        var matching = ids.Where(id => id > lower && id <= upper && id < below).ToList();
        if (descending)
        {
            matching.Reverse();
        }

        var skip = Math.Max(0, start);
        var page = matching.Skip((int)skip).Take(50).ToList();
        long? total = start >= 0 && withTotal ? Math.Max(0, matching.Count + (matching.Count > 0 ? overcount : 0)) : null;
        long? next = start >= 0 && skip + 50 < matching.Count ? skip + 50 : null;
        return (page, total, next);
    }

    private static long? Long(string? text) => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v : null;

    private static Dictionary<string, string> ParseQuery(string query)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            result[key] = eq < 0 ? string.Empty : Uri.UnescapeDataString(pair[(eq + 1)..]);
        }

        return result;
    }

    private static void Flatten(JsonNode? node, string? prefix, Dictionary<string, string> into)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    Flatten(value, prefix is null ? key : $"{prefix}[{key}]", into);
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    Flatten(array[i], $"{prefix}[{i}]", into);
                }

                break;
            case JsonValue value:
                into[prefix!] = value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();
                break;
        }
    }
}
