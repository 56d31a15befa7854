using Bitrix.Cli.Commands;
using Bitrix.Export;

namespace Bitrix.Cli.Tests;

public class CallParameterTests
{
    private static readonly System.Text.Json.JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [Theory]
    [InlineData(new[] { "id=5" }, """{"id":"5"}""")]
    [InlineData(new[] { "filter[>ID]=5", "select[]=ID", "select[]=TITLE" }, """{"filter":{">ID":"5"},"select":["ID","TITLE"]}""")]
    [InlineData(new[] { "filter[>=DATE_CREATE]=2024-01-01" }, """{"filter":{">=DATE_CREATE":"2024-01-01"}}""")]
    [InlineData(new[] { "fields[TITLE]=a=b" }, """{"fields":{"TITLE":"a=b"}}""")]
    [InlineData(new[] { "fields[PHONE][0][VALUE]=+7 900", "fields[PHONE][0][VALUE_TYPE]=WORK" }, """{"fields":{"PHONE":{"0":{"VALUE":"+7 900","VALUE_TYPE":"WORK"}}}}""")]
    [InlineData(new[] { "fields[OPPORTUNITY]:=100.5", "halt:=true", "cmd:={\"a\":\"crm.deal.get?id=1\"}" }, """{"fields":{"OPPORTUNITY":100.5},"halt":true,"cmd":{"a":"crm.deal.get?id=1"}}""")]
    [InlineData(new[] { """{"filter":{">ID":5},"select":["ID"]}""", "filter[<ID]=9" }, """{"filter":{">ID":5,"<ID":"9"},"select":["ID"]}""")]
    [InlineData(new[] { "fields[COMMENTS]:=null" }, """{"fields":{"COMMENTS":null}}""")]
    [InlineData(new[] { "empty=" }, """{"empty":""}""")]
    public void Php_style_keys_build_the_json_parameters(string[] arguments, string json)
        => Assert.Equal(json, CallParameters.Parse(arguments).ToJsonString(Relaxed));

    [Theory]
    [InlineData("nokey", "expected key=value")]
    [InlineData("=5", "the key is empty")]
    [InlineData("filter[>ID=5", "'[' without ']'")]
    [InlineData("a[b]c=5", "unexpected 'c' after ']'")]
    [InlineData("a:={nope", "not valid JSON")]
    [InlineData("[1,2]", "expected key=value")]
    public void A_malformed_parameter_says_what_is_wrong(string argument, string message)
    {
        var error = Assert.Throws<CliException>(() => CallParameters.Parse([argument]));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_used_as_a_value_and_as_a_list_is_refused()
        => Assert.Throws<CliException>(() => CallParameters.Parse(["a=1", "a[]=2"]));
}
