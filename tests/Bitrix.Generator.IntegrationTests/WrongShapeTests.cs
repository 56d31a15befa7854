using System.Net;
using System.Text;

namespace Bitrix.Generator.IntegrationTests;

/// <summary>
/// The generated API against answers of the wrong shape: each is a BitrixException
/// INVALID_RESPONSE naming the method — never a FormatException or JsonException, never an empty
/// list — and in a bulk call only the item it concerns fails.
/// </summary>
public class WrongShapeTests
{
    private static BitrixClient Client(Func<HttpRequestMessage, string> answer)
        => new(new HttpClient(new Scripted(answer)), "https://portal.example/rest/1/code/", new BitrixClientOptions
        {
            RateLimit = new RateLimitPlan(100_000, 100_000),
            RateLimitStore = new InMemoryRateLimitStore(),
            MaxRetries = 0,
        });

    private static void AssertInvalid(BitrixException e, string method)
    {
        Assert.Equal(BitrixErrorCodes.InvalidResponse, e.ErrorCode);
        Assert.Equal(method, e.Method);
        Assert.StartsWith("Expected", e.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"a string\"")]
    [InlineData("42")]
    [InlineData("[1,2]")]
    [InlineData("[]")]
    [InlineData("true")]
    public async Task A_get_whose_result_is_not_a_row_is_an_invalid_response(string result)
    {
        await using var client = Client(_ => $$"""{"result":{{result}}}""");

        var e = await Assert.ThrowsAsync<BitrixException>(() => client.Crm.Deal.GetAsync(1));

        AssertInvalid(e, "crm.deal.get");
    }

    [Theory]
    [InlineData("\"no rows\"")]
    [InlineData("7")]
    [InlineData("[1,2,3]")]
    [InlineData("[{\"ID\":\"1\"},\"two\"]")]
    [InlineData("{\"1\":\"x\"}")]
    public async Task A_list_page_that_is_not_rows_is_an_invalid_response(string result)
    {
        await using var client = Client(_ => $$"""{"result":{{result}},"total":3}""");

        var e = await Assert.ThrowsAsync<BitrixException>(() => client.Crm.Deal.ListAsync());

        AssertInvalid(e, "crm.deal.list");
    }

    [Fact]
    public async Task A_page_of_rows_as_a_php_map_is_still_read()
    {
        await using var client = Client(_ => """{"result":{"7":{"ID":"7","TITLE":"a"},"9":{"ID":"9","TITLE":"b"}},"total":2}""");

        var page = await client.Crm.Deal.ListAsync();

        Assert.Equal([7L, 9L], page.Items.Select(d => d.Id!.Value));
    }

    [Fact]
    public async Task A_whole_list_whose_page_is_not_rows_is_an_invalid_response_not_an_empty_list()
    {
        await using var client = Client(_ => """{"result":"maintenance","total":120}""");

        var e = await Assert.ThrowsAsync<BitrixException>(async () => await client.Crm.Deal.ListAllAsync(options: new ListOptions { Strategy = ListStrategy.Offset }).ToListAsync());

        AssertInvalid(e, "crm.deal.list");
    }

    [Fact]
    public async Task In_a_bulk_get_only_the_wrong_shaped_item_fails()
    {
        await using var client = Client(_ => """{"result":{"result":{"0":{"ID":"1","TITLE":"a"},"1":"not a deal","2":{"ID":"3","TITLE":"c"}},"result_error":[]}}""");

        var results = await client.Crm.Deal.GetManyAsync([1, 2, 3]);

        Assert.Equal(1, results[0].Value!.Id);
        Assert.Equal(BitrixErrorCodes.InvalidResponse, results[1].Error!.Code);
        Assert.Equal(3, results[2].Value!.Id);
    }

    private sealed class Scripted(Func<HttpRequestMessage, string> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(answer(request), Encoding.UTF8, "application/json"), RequestMessage = request });
    }
}
