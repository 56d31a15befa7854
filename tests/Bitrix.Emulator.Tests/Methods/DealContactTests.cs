namespace Bitrix.Emulator.Tests.Methods;

public sealed class DealContactTests
{
    [Fact]
    public async Task A_seeded_deal_is_bound_to_its_seeded_contact_without_a_total()
    {
        await using var portal = TestPortal.Small();
        var deal = (await portal.OkAsync("crm.deal.list", new { filter = new Dictionary<string, object> { [">CONTACT_ID"] = 0 }, select = new[] { "ID", "CONTACT_ID" } }))[0]!;

        var answer = await portal.PostJsonAsync("crm.deal.contact.items.get", new { id = (string)deal["ID"]! });

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Null(answer.Json!["total"]);
        var binding = Assert.Single(answer.Result!.AsArray())!.AsObject();
        Assert.Equal(["CONTACT_ID", "SORT", "ROLE_ID", "IS_PRIMARY"], binding.Select(p => p.Key));
        Assert.Equal(long.Parse((string)deal["CONTACT_ID"]!, System.Globalization.CultureInfo.InvariantCulture), (long)binding["CONTACT_ID"]!);
        Assert.Equal(JsonValueKindName.Number, TestPortal.Kind(binding["SORT"]));
        Assert.Equal(0, (long)binding["ROLE_ID"]!);
        Assert.Equal("Y", (string?)binding["IS_PRIMARY"]);
    }

    [Fact]
    public async Task Items_set_replaces_the_bindings_and_the_deal_follows()
    {
        await using var portal = TestPortal.Small();
        var id = await portal.IdAsync("crm.deal", 9);
        var contacts = await portal.IdsAsync("crm.contact");
        long c21 = contacts[20], c22 = contacts[21], c23 = contacts[22];

        var set = await portal.OkAsync("crm.deal.contact.items.set", new
        {
            id,
            items = new object[]
            {
                new { CONTACT_ID = c21, SORT = 20 },
                new { CONTACT_ID = c22, SORT = 10, IS_PRIMARY = "Y" },
                new { CONTACT_ID = c23 },
            },
        });
        var bindings = (await portal.OkAsync("crm.deal.contact.items.get", new { id })).AsArray();
        var deal = await portal.OkAsync("crm.deal.get", new { id });
        var item = await portal.OkAsync("crm.item.get", new { entityTypeId = 2, id });

        Assert.True((bool)set);
        Assert.Equal([c22, c21, c23], bindings.Select(b => (long)b!["CONTACT_ID"]!));
        Assert.Equal(["Y", "N", "N"], bindings.Select(b => (string?)b!["IS_PRIMARY"]));
        Assert.Equal(30, (long)bindings[2]!["SORT"]!);
        Assert.Equal(Text(c22), (string?)deal["CONTACT_ID"]);
        Assert.False(deal.AsObject().ContainsKey("CONTACT_IDS"));
        Assert.Equal([c22, c21, c23], item["item"]!["contactIds"]!.AsArray().Select(c => (long)c!));
        Assert.Equal(c22, (long)item["item"]!["contactId"]!);
    }

    [Fact]
    public async Task Add_and_delete_bind_one_contact_at_a_time()
    {
        await using var portal = TestPortal.Small();
        var id = await portal.IdAsync("crm.deal", 10);
        var contacts = await portal.IdsAsync("crm.contact");
        long c30 = contacts[29], c31 = contacts[30];
        await portal.OkAsync("crm.deal.contact.items.delete", new { id });

        var first = await portal.OkAsync("crm.deal.contact.add", new { id, fields = new { CONTACT_ID = c30 } });
        var again = await portal.OkAsync("crm.deal.contact.add", new { id, fields = new { CONTACT_ID = c30 } });
        var second = await portal.OkAsync("crm.deal.contact.add", new { id, fields = new { CONTACT_ID = c31, IS_PRIMARY = "Y" } });
        var afterAdd = (await portal.OkAsync("crm.deal.contact.items.get", new { id })).AsArray();
        var removed = await portal.OkAsync("crm.deal.contact.delete", new { id, fields = new { CONTACT_ID = c31 } });
        var absent = await portal.OkAsync("crm.deal.contact.delete", new { id, fields = new { CONTACT_ID = c31 } });
        var afterDelete = (await portal.OkAsync("crm.deal.contact.items.get", new { id })).AsArray();

        Assert.True((bool)first);
        Assert.False((bool)again);
        Assert.True((bool)second);
        Assert.Equal([(Text(c30), "N"), (Text(c31), "Y")], afterAdd.Select(b => (Text((long)b!["CONTACT_ID"]!), (string?)b["IS_PRIMARY"])));
        Assert.True((bool)removed);
        Assert.False((bool)absent);
        var remaining = Assert.Single(afterDelete)!;
        Assert.Equal(c30, (long)remaining["CONTACT_ID"]!);
        Assert.Equal("Y", (string?)remaining["IS_PRIMARY"]);
    }

    [Fact]
    public async Task Items_delete_unbinds_everything()
    {
        await using var portal = TestPortal.Small();
        var id = await portal.IdAsync("crm.deal", 11);

        var deleted = await portal.OkAsync("crm.deal.contact.items.delete", new { id });
        var bindings = await portal.OkAsync("crm.deal.contact.items.get", new { id });
        var deal = await portal.OkAsync("crm.deal.get", new { id });

        Assert.True((bool)deleted);
        Assert.Equal("[]", bindings.ToJsonString());
        Assert.Equal("0", (string?)deal["CONTACT_ID"]);
    }

    [Fact]
    public async Task Rebinding_a_deal_through_its_own_fields_is_seen_by_the_links()
    {
        await using var portal = TestPortal.Small();
        var id = await portal.IdAsync("crm.deal", 12);
        var contacts = await portal.IdsAsync("crm.contact");
        await portal.OkAsync("crm.deal.contact.items.set", new { id, items = new[] { new { CONTACT_ID = contacts[4] } } });

        await portal.OkAsync("crm.item.update", new { entityTypeId = 2, id, fields = new { contactIds = new[] { contacts[5], contacts[6] } } });
        var bindings = (await portal.OkAsync("crm.deal.contact.items.get", new { id })).AsArray();

        Assert.Equal([contacts[5], contacts[6]], bindings.Select(b => (long)b!["CONTACT_ID"]!));
        Assert.Equal("Y", (string?)bindings[0]!["IS_PRIMARY"]);
    }

    [Fact]
    public async Task Errors_follow_the_legacy_shape()
    {
        await using var portal = TestPortal.Small();
        var id = await portal.IdAsync("crm.deal", 4);
        var contact = await portal.IdAsync("crm.contact", 0);

        Assert.Equal("The parameter ownerEntityID is invalid or not defined.", await portal.FailsAsync("crm.deal.contact.items.get", new { }, ""));
        Assert.Equal("Not found.", await portal.FailsAsync("crm.deal.contact.items.get", new { id = 5000 }, ""));
        Assert.Equal("The parameter items must be array.", await portal.FailsAsync("crm.deal.contact.items.set", new { id }, ""));
        Assert.Equal("The parameter 'ownerEntityID' is invalid or not defined.", await portal.FailsAsync("crm.deal.contact.add", new { id = 0, fields = new { CONTACT_ID = contact } }, ""));
        Assert.Equal("The parameter 'fields' must be array.", await portal.FailsAsync("crm.deal.contact.add", new { id }, ""));
        Assert.Equal("The parameter 'fields' is not valid.", await portal.FailsAsync("crm.deal.contact.add", new { id, fields = new { SORT = 10 } }, ""));
        Assert.Equal("The parameter 'item' must be array.", await portal.FailsAsync("crm.deal.contact.delete", new { id }, ""));
        await portal.AssertNoInternalFailuresAsync();
    }

    [Fact]
    public async Task Fields_answer_the_documented_catalog()
    {
        await using var portal = TestPortal.Small();

        var fields = await portal.OkAsync("crm.deal.contact.fields", new { });

        Assert.Equal(["SORT", "IS_PRIMARY", "CONTACT_ID"], fields.AsObject().Select(p => p.Key));
        Assert.True((bool)fields["CONTACT_ID"]!["isRequired"]!);
    }

    [Fact]
    public async Task Links_work_inside_a_batch_and_carry_no_total()
    {
        await using var portal = TestPortal.Small();
        var id = await portal.IdAsync("crm.deal", 13);
        var contacts = await portal.IdsAsync("crm.contact");

        var answer = await portal.PostJsonAsync("batch", new
        {
            halt = 1,
            cmd = new Dictionary<string, string>
            {
                ["set"] = $"crm.deal.contact.items.set?id={id}&items[0][CONTACT_ID]={contacts[7]}&items[1][CONTACT_ID]={contacts[8]}",
                ["get"] = $"crm.deal.contact.items.get?id={id}",
            },
        });

        var result = answer.Result!;
        Assert.True((bool)result["result"]!["set"]!);
        Assert.Equal([contacts[7], contacts[8]], result["result"]!["get"]!.AsArray().Select(b => (long)b!["CONTACT_ID"]!));
        Assert.Equal("[]", result["result_total"]!.ToJsonString());
    }

    private static string Text(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
