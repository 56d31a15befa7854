using Bitrix.Emulator.Protocol;

namespace Bitrix.Emulator.Tests.Protocol;

/// <summary>
/// The PHP query parser against what PHP's <c>parse_str</c> (php_register_variable_ex) followed by
/// <c>json_encode</c> produces. Each expectation is PHP's documented or source-level behaviour:
/// '+' and %XX decode; pairs split at the first '='; in the base name leading spaces are dropped
/// and ' ' / '.' become '_'; an unmatched first '[' becomes '_' (and so do later ' ', '.', '[');
/// text after a closing ']' that is not '[' is ignored; '[]' or '[ ]' appends; integer-like keys
/// are integers; the last value of a repeated key wins; more than 64 levels drop the variable.
/// </summary>
public sealed class PhpQueryParserTests
{
    [Theory]
    [InlineData("a=1&b=2", """{"a":"1","b":"2"}""")]
    [InlineData("select[]=ID&select[]=TITLE", """{"select":["ID","TITLE"]}""")]
    [InlineData("filter[>ID]=5", """{"filter":{">ID":"5"}}""")]
    [InlineData("filter%5B%3EID%5D=5", """{"filter":{">ID":"5"}}""")]
    [InlineData("fields[PHONE][0][VALUE]=%2B7%20900&fields[PHONE][0][VALUE_TYPE]=WORK", """{"fields":{"PHONE":[{"VALUE":"+7 900","VALUE_TYPE":"WORK"}]}}""")]
    [InlineData("order[ID]=ASC&start=-1", """{"order":{"ID":"ASC"},"start":"-1"}""")]
    public void Bitrix_style_keys_become_nested_maps_and_lists(string query, string json)
        => AssertParsed(query, json);

    [Theory]
    [InlineData("v=%2B7+900", """{"v":"+7 900"}""")]
    [InlineData("v=a%26b%3Dc", """{"v":"a&b=c"}""")]
    [InlineData("v=%D0%A1%D0%B4%D0%B5%D0%BB%D0%BA%D0%B0", """{"v":"Сделка"}""")]
    [InlineData("v=%zz&w=%&x=100%", """{"v":"%zz","w":"%","x":"100%"}""")]
    public void Values_are_url_decoded_like_urldecode(string query, string json)
        => AssertParsed(query, json);

    [Theory]
    [InlineData("a=1=2", """{"a":"1=2"}""")]
    [InlineData("a", """{"a":""}""")]
    [InlineData("a=", """{"a":""}""")]
    [InlineData("&&a=1&&", """{"a":"1"}""")]
    [InlineData("", "{}")]
    public void Pairs_split_at_the_first_equals_sign_and_empty_pairs_are_skipped(string query, string json)
        => AssertParsed(query, json);

    [Fact]
    public void An_unencoded_equals_sign_inside_a_key_splits_the_pair_there()
    {
        // "filter[<=ID]=10" is the key "filter[<" with the value "ID]=10": the bracket is unmatched.
        AssertParsed("filter[<=ID]=10", """{"filter_<":"ID]=10"}""");
        AssertParsed("filter[%3C%3DID]=10", """{"filter":{"<=ID":"10"}}""");
    }

    [Theory]
    [InlineData("a=1&a=2", """{"a":"2"}""")]
    [InlineData("a[]=1&a=2", """{"a":"2"}""")]
    [InlineData("a=1&a[]=2", """{"a":["2"]}""")]
    [InlineData("a=1&b=2&a=3", """{"a":"3","b":"2"}""")]
    [InlineData("a[x]=1&a[x][y]=2", """{"a":{"x":{"y":"2"}}}""")]
    public void A_repeated_key_keeps_its_place_and_takes_the_last_value(string query, string json)
        => AssertParsed(query, json);

    [Theory]
    [InlineData("a[0]=x&a[1]=y", """{"a":["x","y"]}""")]
    [InlineData("a[1]=x&a[0]=y", """{"a":{"1":"x","0":"y"}}""")]
    [InlineData("a[1]=x&a[2]=y", """{"a":{"1":"x","2":"y"}}""")]
    [InlineData("a[]=x&a[5]=y&a[]=z", """{"a":{"0":"x","5":"y","6":"z"}}""")]
    [InlineData("a[01]=x", """{"a":{"01":"x"}}""")]
    [InlineData("a[0]=x&a[00]=y", """{"a":{"0":"x","00":"y"}}""")]
    [InlineData("a[-1]=x&a[]=y", """{"a":{"-1":"x","0":"y"}}""")]
    [InlineData("a[-0]=x", """{"a":{"-0":"x"}}""")]
    [InlineData("0=123&1[POST_MESSAGE]=hi", """{"0":"123","1":{"POST_MESSAGE":"hi"}}""")]
    public void Integer_like_keys_are_integers_and_only_0_to_n_minus_1_make_a_list(string query, string json)
        => AssertParsed(query, json);

    [Theory]
    [InlineData("a.b=1", """{"a_b":"1"}""")]
    [InlineData("a+b=1", """{"a_b":"1"}""")]
    [InlineData("a.b[c.d]=1", """{"a_b":{"c.d":"1"}}""")]
    [InlineData("%20%20a=1", """{"a":"1"}""")]
    [InlineData("a]b=1", """{"a]b":"1"}""")]
    public void The_base_name_drops_leading_spaces_and_turns_spaces_and_dots_into_underscores(string query, string json)
        => AssertParsed(query, json);

    [Theory]
    [InlineData("a[b=1", """{"a_b":"1"}""")]
    [InlineData("a[b.c d=1", """{"a_b_c_d":"1"}""")]
    [InlineData("a[b[c=1", """{"a_b_c":"1"}""")]
    [InlineData("a[b][c=1", """{"a":{"b":"1"}}""")]
    [InlineData("a[b]c=1", """{"a":{"b":"1"}}""")]
    [InlineData("e[][]][]=3", """{"e":[["3"]]}""")]
    public void Broken_brackets_follow_php(string query, string json)
        => AssertParsed(query, json);

    [Theory]
    [InlineData("a[ ]=1&a[ ]=2", """{"a":["1","2"]}""")]
    [InlineData("a[ b]=1", """{"a":{" b":"1"}}""")]
    public void A_single_blank_between_brackets_appends(string query, string json)
        => AssertParsed(query, json);

    [Theory]
    [InlineData("[]=x")]
    [InlineData("=x")]
    [InlineData("[a]=1")]
    [InlineData("%20=1")]
    public void A_pair_without_a_base_name_is_dropped(string query)
        => AssertParsed(query, "{}");

    [Fact]
    public void Sixty_four_levels_of_brackets_are_kept()
    {
        var parsed = PhpQueryParser.Parse("a" + string.Concat(Enumerable.Repeat("[]", 64)) + "=deep&b=1");

        JsonNode? node = parsed["a"];
        for (var i = 0; i < 64; i++)
        {
            node = node!.AsArray()[0];
        }

        Assert.Equal("deep", (string)node!);
        Assert.Equal("1", (string)parsed["b"]!);
    }

    [Fact]
    public void Sixty_five_levels_drop_the_whole_variable_as_max_input_nesting_level_does()
    {
        var parsed = PhpQueryParser.Parse("a[x]=1&a" + string.Concat(Enumerable.Repeat("[]", 65)) + "=deep&b=1");

        Assert.Equal("""{"b":"1"}""", parsed.ToJsonString());
    }

    [Fact]
    public void Thousands_of_keys_are_all_kept()
    {
        var query = string.Join("&", Enumerable.Range(0, 10_000).Select(i => $"filter[F{i}]={i}"));

        var parsed = PhpQueryParser.Parse(query);

        Assert.Equal(10_000, parsed["filter"]!.AsObject().Count);
    }

    [Fact]
    public void A_json_list_body_becomes_positional_keys()
    {
        var values = RequestDecoder.DecodeJson("""[123, {"POST_MESSAGE": "hi"}]"""u8.ToArray());

        Assert.Equal("""{"0":123,"1":{"POST_MESSAGE":"hi"}}""", values.ToJsonString());
    }

    [Theory]
    [InlineData("{\"a\":")]
    [InlineData("not json")]
    [InlineData("\"a string\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("{\"a\":1}}")]
    public void A_json_body_that_is_broken_or_not_an_object_reads_as_no_parameters(string body)
    {
        Assert.Empty(RequestDecoder.DecodeJson(System.Text.Encoding.UTF8.GetBytes(body)));
    }

    [Fact]
    public void A_repeated_json_key_takes_the_last_value_as_json_decode_does()
    {
        var values = RequestDecoder.DecodeJson("""{"id": 1, "id": 2}"""u8.ToArray());

        Assert.Equal(2, (int)values["id"]!);
    }

    private static void AssertParsed(string query, string json)
    {
        var parsed = PhpQueryParser.Parse(query);
        Assert.Equal(json, parsed.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }
}
