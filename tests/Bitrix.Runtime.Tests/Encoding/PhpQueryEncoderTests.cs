using System.Globalization;
using System.Text;
using Bitrix.Emulator.Protocol;

namespace Bitrix.Runtime.Tests.QueryStrings;

/// <summary>
/// The query strings of batch commands: equal to PHP's <c>http_build_query</c> (goldens made by
/// real PHP, see http_build_query_goldens.php) and read back intact by the emulator's
/// <c>parse_str</c> clone.
/// </summary>
public sealed class PhpQueryEncoderTests
{
    public static TheoryData<string> GoldenCaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in Goldens.Value)
        {
            data.Add(c.Name);
        }

        return data;
    }

    private static readonly Lazy<IReadOnlyList<GoldenCase>> Goldens = new(() =>
    {
        var root = JsonNode.Parse(File.ReadAllText(TestFiles.Golden("http_build_query.golden.json")))!;
        return [.. root["cases"]!.AsArray().Select(c => new GoldenCase((string)c!["name"]!, (string)c["input"]!, (string)c["query"]!))];
    });

    private sealed record GoldenCase(string Name, string Input, string Query);

    [Fact]
    public void The_golden_file_was_made_by_php_and_has_every_case()
    {
        var root = JsonNode.Parse(File.ReadAllText(TestFiles.Golden("http_build_query.golden.json")))!;
        Assert.StartsWith("PHP ", (string?)root["generator"], StringComparison.Ordinal);
        Assert.True(Goldens.Value.Count >= 20, "expected the full set of golden cases");
    }

    [Theory]
    [MemberData(nameof(GoldenCaseNames))]
    public void Encodes_exactly_as_php_http_build_query(string name)
    {
        var golden = Goldens.Value.Single(c => c.Name == name);
        var input = JsonNode.Parse(golden.Input)!.AsObject();

        Assert.Equal(golden.Query, PhpQueryEncoder.Encode(input));
    }

    [Theory]
    [MemberData(nameof(GoldenCaseNames))]
    public void Round_trips_through_the_emulators_parse_str(string name)
    {
        var golden = Goldens.Value.Single(c => c.Name == name);
        var input = JsonNode.Parse(golden.Input)!.AsObject();
        if (name == "special characters in keys")
        {
            // PHP itself does not round-trip ']' inside a key, nor ' ' or '.' in a top-level name
            // (parse_str turns them into '_'); Bitrix parameter names never hold them.
            input.Remove("a b");
            input["filter"]!.AsObject().Remove("[weird]");
            input["filter"]!.AsObject().Remove("x]y");
        }

        var parsed = PhpQueryParser.Parse(PhpQueryEncoder.Encode(input));

        AssertJsonEqual(PhpView.Of(input), parsed);
    }

    [Fact]
    public void Round_trips_random_nested_parameters()
    {
        var random = new Random(20240601);
        for (var i = 0; i < 300; i++)
        {
            var input = new JsonObject();
            var keys = random.Next(1, 5);
            for (var k = 0; k < keys; k++)
            {
                input[TopLevelKey(random) + k.ToString(CultureInfo.InvariantCulture)] = RandomValue(random, depth: 0);
            }

            var query = PhpQueryEncoder.Encode(input);
            var parsed = PhpQueryParser.Parse(query);

            AssertJsonEqual(PhpView.Of(input), parsed, query);
        }
    }

    [Fact]
    public void Operators_lists_booleans_numbers_and_unicode_survive_a_round_trip()
    {
        var input = new JsonObject
        {
            ["filter"] = new JsonObject
            {
                [">=ID"] = 5,
                ["!@STAGE_ID"] = new JsonArray("WON", "LOSE"),
                ["%TITLE"] = "Сделка «№1» & co = 100%",
                ["=OPENED"] = true,
            },
            ["select"] = new JsonArray("ID", "TITLE"),
            ["start"] = -1,
            ["flag"] = false,
            ["amount"] = 19999.99m,
        };

        var parsed = PhpQueryParser.Parse(PhpQueryEncoder.Encode(input));

        Assert.Equal("5", (string?)parsed["filter"]![">=ID"]);
        Assert.Equal(["WON", "LOSE"], parsed["filter"]!["!@STAGE_ID"]!.AsArray().Select(v => (string?)v));
        Assert.Equal("Сделка «№1» & co = 100%", (string?)parsed["filter"]!["%TITLE"]);
        Assert.Equal("1", (string?)parsed["filter"]!["=OPENED"]);
        Assert.Equal(["ID", "TITLE"], parsed["select"]!.AsArray().Select(v => (string?)v));
        Assert.Equal("-1", (string?)parsed["start"]);
        Assert.Equal("0", (string?)parsed["flag"]);
        Assert.Equal("19999.99", (string?)parsed["amount"]);
    }

    [Fact]
    public void Floats_keep_every_digit_where_php_would_round_to_fourteen()
    {
        // http_build_query formats floats with PHP's `precision` (14): 0.1 + 0.2 -> "0.3". The
        // client sends the exact value instead; the server parses either back to the same float.
        var input = new JsonObject { ["x"] = 0.1 + 0.2, ["y"] = 1.0 / 3 };

        Assert.Equal("x=0.30000000000000004&y=0.3333333333333333", PhpQueryEncoder.Encode(input));
    }

    [Fact]
    public void Typed_json_values_are_encoded_by_their_json_text()
    {
        // A JsonObject built by hand holds CLR values (DateTime, Guid, char, decimal, enums) whose
        // JSON kind is a string or a number; each is written as its JSON value, unquoted.
        var when = new DateTimeOffset(2024, 9, 2, 18, 37, 18, TimeSpan.FromHours(2));
        var id = Guid.Parse("5f0c2c38-3b44-4d3e-9f8e-8f6f1c2b7a10");
        var input = new JsonObject
        {
            ["when"] = when,
            ["date"] = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Unspecified),
            ["guid"] = id,
            ["char"] = 'Y',
            ["money"] = 10.50m,
            ["long"] = long.MaxValue,
            ["kind"] = JsonValue.Create(DayOfWeek.Friday),
        };

        var parsed = PhpQueryParser.Parse(PhpQueryEncoder.Encode(input));

        Assert.Equal("2024-09-02T18:37:18+02:00", (string?)parsed["when"]);
        Assert.Equal("2024-01-02T03:04:05", (string?)parsed["date"]);
        Assert.Equal(id.ToString(), (string?)parsed["guid"]);
        Assert.Equal("Y", (string?)parsed["char"]);
        Assert.Equal("10.50", (string?)parsed["money"]);
        Assert.Equal("9223372036854775807", (string?)parsed["long"]);
        Assert.Equal("5", (string?)parsed["kind"]);
    }

    [Fact]
    public void Nulls_are_found_wherever_they_are()
    {
        Assert.False(PhpQueryEncoder.ContainsNull(new JsonObject { ["a"] = 1, ["b"] = new JsonArray(1, "x"), ["c"] = new JsonObject() }));
        Assert.True(PhpQueryEncoder.ContainsNull(new JsonObject { ["a"] = null }));
        Assert.True(PhpQueryEncoder.ContainsNull(new JsonObject { ["fields"] = new JsonObject { ["COMMENTS"] = null } }));
        Assert.True(PhpQueryEncoder.ContainsNull(new JsonObject { ["ids"] = new JsonArray(1, null) }));
        Assert.True(PhpQueryEncoder.ContainsNull(JsonNode.Parse("""{"a":{"b":[{"c":null}]}}""")));
    }

    [Fact]
    public void Only_parameters_a_query_string_carries_intact_fit_one()
    {
        Assert.True(PhpQueryEncoder.FitsQueryString(null));
        Assert.True(PhpQueryEncoder.FitsQueryString([]));
        Assert.True(PhpQueryEncoder.FitsQueryString(new JsonObject { ["a"] = 1, ["b"] = new JsonArray(1, "x"), ["c"] = new JsonObject { ["d"] = false } }));
        Assert.False(PhpQueryEncoder.FitsQueryString(new JsonObject { ["a"] = null }));
        Assert.False(PhpQueryEncoder.FitsQueryString(new JsonObject { ["fields"] = new JsonObject() }));
        Assert.False(PhpQueryEncoder.FitsQueryString(new JsonObject { ["filter"] = new JsonObject { ["@ID"] = new JsonArray() } }));
        Assert.False(PhpQueryEncoder.FitsQueryString(JsonNode.Parse("""{"a":{"b":[{"c":[]}]}}""")!.AsObject()));
    }

    [Fact]
    public void Escape_is_php_urlencode()
    {
        Assert.Equal("AZaz09-_.", PhpQueryEncoder.Escape("AZaz09-_."));
        Assert.Equal("+%2B%7E%2A%27%28%29%21", PhpQueryEncoder.Escape(" +~*'()!"));
        Assert.Equal("%D0%AF%F0%9F%98%80", PhpQueryEncoder.Escape("Я😀"));
    }

    private static void AssertJsonEqual(JsonNode expected, JsonNode actual, string? context = null)
    {
        var e = expected.ToJsonString();
        var a = actual.ToJsonString();
        Assert.True(JsonNode.DeepEquals(expected, actual), $"expected {e}\n  actual {a}\n  query {context}");
    }

    private const string Alphabet = "abcXYZ019 _-.~!*'()%&=+?#/\\\"<>[]{}|^`$@,;:Яё日😀\t\n";

    private static string TopLevelKey(Random random)
    {
        // Top-level names as Bitrix uses them: letters, digits, '_' (parse_str mangles ' ', '.', '[').
        const string safe = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_";
        return new string([.. Enumerable.Range(0, random.Next(1, 6)).Select(_ => safe[random.Next(safe.Length)])]);
    }

    private static string RandomText(Random random, bool key)
    {
        var builder = new StringBuilder();
        var length = random.Next(key ? 1 : 0, 8);
        var runes = Alphabet.EnumerateRunes().ToArray();
        for (var i = 0; i < length; i++)
        {
            var rune = runes[random.Next(runes.Length)];
            if (key && (rune.Value is '[' or ']'))
            {
                continue;
            }

            builder.Append(rune.ToString());
        }

        return key && builder.Length == 0 ? "k" : builder.ToString();
    }

    private static JsonNode? RandomValue(Random random, int depth)
    {
        var kind = random.Next(depth >= 3 ? 5 : 8);
        switch (kind)
        {
            case 0:
                return RandomText(random, key: false);
            case 1:
                return random.Next(-1000, 100000);
            case 2:
                return random.Next(2) == 0;
            case 3:
                return Math.Round(random.NextDouble() * 1000, 2);
            case 4:
                return (long)random.Next() * random.Next();
            case 5:
            case 6:
                var obj = new JsonObject();
                var n = random.Next(0, 4);
                for (var i = 0; i < n; i++)
                {
                    obj[random.Next(3) == 0 ? i.ToString(CultureInfo.InvariantCulture) : RandomText(random, key: true) + i.ToString(CultureInfo.InvariantCulture)] = RandomValue(random, depth + 1);
                }

                return obj;
            default:
                var list = new JsonArray();
                var m = random.Next(0, 4);
                for (var i = 0; i < m; i++)
                {
                    list.Add(RandomValue(random, depth + 1));
                }

                return list;
        }
    }
}
