namespace Bitrix.Runtime.Tests;

/// <summary>
/// An answer whose shape is not what the method returns is an INVALID_RESPONSE error naming the
/// method, with a short redacted excerpt — never a JsonException, never an empty list.
/// </summary>
public sealed class WrongShapeTests
{
    private const string Secretish = "a1B2c3D4e5F6g7H8i9J0";

    /// <summary>Offsets: the first page is a call of its own, answered as scripted (cursor reads start with a batch).</summary>
    private static readonly ListOptions FirstPageAlone = new() { Strategy = ListStrategy.Offset };

    private static BitrixClient Client(Func<HttpRequestMessage, string> answer, out StubHandler stub)
    {
        stub = new StubHandler(request => StubHandler.Answer(HttpStatusCode.OK, answer(request)));
        return new BitrixClient(new HttpClient(stub), "https://portal.example/rest/1/code/", Fast.Options());
    }

    private static void AssertWrongShape(BitrixException e, string method)
    {
        Assert.Equal(BitrixErrorCodes.InvalidResponse, e.ErrorCode);
        Assert.Equal(method, e.Method);
        Assert.Contains("Expected", e.Description, StringComparison.Ordinal);
        Assert.DoesNotContain(Secretish, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData($$"""{"result":"{{Secretish}} is no list"}""")]
    [InlineData("""{"result":42}""")]
    [InlineData("""{"result":true}""")]
    [InlineData("""{"result":null}""")]
    [InlineData("""{"result":{"deals":"none"}}""")]
    [InlineData("""{"result":{"total":3}}""")]
    [InlineData("""{"result":[1,2,3]}""")]
    [InlineData("""{"result":[{"ID":"1"},"two"]}""")]
    public async Task A_list_page_that_is_not_a_list_of_rows_is_an_error_not_an_empty_list(string page)
    {
        await using var client = Client(_ => page, out _);

        var e = await Assert.ThrowsAsync<BitrixException>(async () => await client.ListAllAsync("crm.deal.list", null, FirstPageAlone).ToListAsync());

        AssertWrongShape(e, "crm.deal.list");
    }

    [Theory]
    [InlineData("""{"result":{"items":"none"},"total":1}""")]
    [InlineData("""{"result":{"things":[{"id":1}]},"total":1}""")]
    [InlineData("""{"result":"items","total":1}""")]
    public async Task A_wrapped_list_without_its_rows_is_an_error(string page)
    {
        await using var client = Client(_ => page, out _);

        var e = await Assert.ThrowsAsync<BitrixException>(async () => await client.ListAllAsync("crm.item.list", new JsonObject { ["entityTypeId"] = 2 }, new ListOptions { Strategy = ListStrategy.Offset }).ToListAsync());

        AssertWrongShape(e, "crm.item.list");
    }

    [Fact]
    public async Task Empty_lists_in_either_shape_are_still_empty()
    {
        await using var legacy = Client(_ => """{"result":[],"total":0}""", out _);
        await using var wrapped = Client(_ => """{"result":{"items":[]},"total":0}""", out _);

        Assert.Empty(await legacy.ListAllAsync("crm.deal.list", null, FirstPageAlone).ToListAsync());
        Assert.Empty(await wrapped.ListAllAsync("crm.item.list", new JsonObject { ["entityTypeId"] = 2 }, FirstPageAlone).ToListAsync());
    }

    [Fact]
    public async Task A_page_inside_a_batch_of_pages_that_is_not_a_list_is_an_error()
    {
        var rows = string.Join(',', Enumerable.Range(1, 50).Select(i => $$"""{"ID":"{{i}}"}"""));
        await using var client = Client(request => request.RequestUri!.AbsolutePath.EndsWith("/batch.json", StringComparison.Ordinal)
            ? """{"result":{"result":{"p0":"not rows","p1":[],"p2":[]},"result_error":[]}}"""
            : $$"""{"result":[{{rows}}],"next":50,"total":200}""", out _);

        var e = await Assert.ThrowsAsync<BitrixException>(async () => await client.ListAllAsync("crm.deal.list", new JsonObject { ["order"] = new JsonObject { ["TITLE"] = "ASC" } }, new ListOptions { Strategy = ListStrategy.Offset }).ToListAsync());

        AssertWrongShape(e, "crm.deal.list");
    }

    [Theory]
    [InlineData("""{"result":"batch"}""")]
    [InlineData("""{"result":{"result":"x","result_error":[]}}""")]
    [InlineData("""{"result":{"result_total":[1]}}""")]
    [InlineData("""{"result":[1]}""")]
    public async Task A_batch_answer_that_is_not_a_batch_answer_is_an_error(string answer)
    {
        await using var client = Client(_ => answer, out _);

        var e = await Assert.ThrowsAsync<BitrixException>(() => client.BatchAsync(new BitrixBatch().Add("a", "crm.deal.get", new JsonObject { ["id"] = 1 })));

        AssertWrongShape(e, "batch");
    }

    [Fact]
    public async Task A_wrong_shaped_command_entry_fails_that_command_only()
    {
        await using var client = Client(_ => """{"result":{"result":{"a":{"ID":"1"}},"result_error":{"b":"boom","c":{"error":"NOT_FOUND","error_description":"Not found"}}}}""", out _);

        var batch = await client.BatchAsync(new BitrixBatch()
            .Add("a", "crm.deal.get", new JsonObject { ["id"] = 1 })
            .Add("b", "crm.deal.get", new JsonObject { ["id"] = 2 })
            .Add("c", "crm.deal.get", new JsonObject { ["id"] = 3 })
            .Add("d", "crm.deal.get", new JsonObject { ["id"] = 4 }));

        Assert.Equal("1", batch["a"].Result!.Value.GetProperty("ID").GetString());
        Assert.Equal(BitrixErrorCodes.InvalidResponse, batch["b"].Error!.Code);
        Assert.Contains("a string", batch["b"].Error!.Description, StringComparison.Ordinal);
        Assert.Equal("NOT_FOUND", batch["c"].Error!.Code);
        Assert.Equal(BitrixErrorCodes.InvalidResponse, batch["d"].Error!.Code); // ran without halt, yet no entry
    }

    [Fact]
    public async Task A_halted_batch_leaves_the_commands_that_did_not_run_out()
    {
        await using var client = Client(_ => """{"result":{"result":{"a":{"ID":"1"}},"result_error":{"b":{"error":"NOT_FOUND","error_description":"Not found"}}}}""", out _);

        var batch = await client.BatchAsync(new BitrixBatch { Halt = true }
            .Add("a", "crm.deal.get", new JsonObject { ["id"] = 1 })
            .Add("b", "crm.deal.get", new JsonObject { ["id"] = 2 })
            .Add("c", "crm.deal.get", new JsonObject { ["id"] = 3 }));

        Assert.Equal(["a", "b"], batch.Commands.Select(c => c.Name));
    }

    [Fact]
    public async Task A_bulk_batch_answer_that_is_not_a_batch_answer_fails_each_item_with_invalid_response()
    {
        await using var client = Client(_ => """{"result":"nope"}""", out var stub);

        var results = await client.CallManyAsync("crm.deal.get", Enumerable.Range(1, 3).Select(i => (JsonObject?)new JsonObject { ["id"] = i }));

        Assert.All(results, r => Assert.Equal(BitrixErrorCodes.InvalidResponse, r.Error!.Code));
        Assert.Equal(1, stub.Calls);
    }

    [Theory]
    [InlineData($$"""{"result":"{{Secretish}}"}""")]
    [InlineData("""{"result":[1,2]}""")]
    [InlineData("""{"result":{"ID":[]}}""")]
    public async Task A_typed_call_whose_result_has_another_shape_is_an_invalid_response(string answer)
    {
        await using var client = Client(_ => answer, out _);

        var byMetadata = await Assert.ThrowsAsync<BitrixException>(() => client.CallAsync("crm.deal.get", new JsonObject { ["id"] = 1 }, ShapeJson.Default.ShapeRow));
        var byReflection = await Assert.ThrowsAsync<BitrixException>(() => client.CallAsync<ShapeRow>("crm.deal.get", new { id = 1 }));

        AssertWrongShape(byMetadata, "crm.deal.get");
        AssertWrongShape(byReflection, "crm.deal.get");
        Assert.IsAssignableFrom<JsonException>(byMetadata.InnerException);
    }

    [Fact]
    public async Task A_typed_list_row_of_another_shape_is_an_invalid_response()
    {
        await using var client = Client(_ => """{"result":[{"ID":{"nested":true}}]}""", out _);

        var e = await Assert.ThrowsAsync<BitrixException>(async () => await client.ListAllAsync("crm.deal.list", null, ShapeJson.Default.ShapeRow, FirstPageAlone).ToListAsync());

        AssertWrongShape(e, "crm.deal.list");
    }

    [Fact]
    public void The_excerpt_masks_long_letter_and_digit_runs_and_stays_short()
    {
        var text = ResponseExcerpt.Redact($"token {Secretish} and a short one abc123, " + new string('x', 500));

        Assert.DoesNotContain(Secretish[..16], text, StringComparison.Ordinal);
        Assert.Contains("abc123", text, StringComparison.Ordinal);
        Assert.Contains(new string('*', Secretish.Length), text, StringComparison.Ordinal);
        Assert.True(text.Length <= 125, text);
        Assert.EndsWith("...", text, StringComparison.Ordinal);
        Assert.DoesNotContain("xxxx", text, StringComparison.Ordinal); // a cut run may be a secret's start
    }
}

/// <summary>A row type for the typed calls.</summary>
public sealed record ShapeRow(string? ID, string? TITLE);

[System.Text.Json.Serialization.JsonSerializable(typeof(ShapeRow))]
internal sealed partial class ShapeJson : System.Text.Json.Serialization.JsonSerializerContext;
