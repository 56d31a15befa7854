namespace Bitrix.Emulator.Tests.Conformance;

/// <summary>Legacy add/update/delete/get (docs/protocol.md §6): int IDs that only grow, null erases, multifields by ID, legacy errors.</summary>
public sealed class WriteTests : PortalTestBase
{
    [Theory]
    [InlineData("crm.deal")]
    [InlineData("crm.lead")]
    [InlineData("crm.contact")]
    [InlineData("crm.company")]
    [InlineData("crm.activity")]
    public async Task Add_returns_the_new_id_as_a_json_int_one_above_the_highest(string entity)
    {
        var portal = InProcess();
        var before = await portal.Emulator.GetIdsAsync(entity);

        var first = await portal.PostJsonAsync(entity + ".add", new { fields = new { TITLE = "First", NAME = "First", SUBJECT = "First" } });
        var second = await portal.PostJsonAsync(entity + ".add", new { fields = new { TITLE = "Second", NAME = "Second", SUBJECT = "Second" } });

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal("number", JsonShape.KindOf(first.Result));
        Assert.Equal(before[^1] + 1, (long)first.Result!);
        Assert.Equal((long)first.Result! + 1, (long)second.Result!);
        Assert.NotNull(first.Json!["time"]);
    }

    [Fact]
    public async Task A_deleted_id_is_never_given_again()
    {
        var portal = InProcess();
        var lastSeeded = (await portal.IdsAsync("crm.deal"))[^1];
        var added = (long)(await portal.PostJsonAsync("crm.deal.add", new { fields = new { TITLE = "A" } })).Result!;

        var deleted = await portal.PostJsonAsync("crm.deal.delete", new { id = added });
        var next = (long)(await portal.PostJsonAsync("crm.deal.add", new { fields = new { TITLE = "B" } })).Result!;
        await portal.PostJsonAsync("crm.deal.delete", new { id = lastSeeded });
        var after = (long)(await portal.PostJsonAsync("crm.deal.add", new { fields = new { TITLE = "C" } })).Result!;

        Assert.True((bool)deleted.Result!);
        Assert.Equal(lastSeeded + 1, added);
        Assert.Equal(added + 1, next);
        Assert.Equal(next + 1, after);
        Assert.DoesNotContain(added, await portal.Emulator.GetIdsAsync("crm.deal"));
    }

    [Fact]
    public async Task Added_values_come_back_as_legacy_strings()
    {
        var portal = InProcess();

        var id = (long)(await portal.PostJsonAsync("crm.deal.add", new { fields = new { TITLE = "Pump", OPPORTUNITY = 19999.99, PROBABILITY = 40, BEGINDATE = "2024-09-02", CLOSEDATE = "2024-09-30T10:00:00+02:00" } })).Result!;
        var deal = (await portal.PostJsonAsync("crm.deal.get", new { id })).Result!;

        Assert.Equal(id.ToString(System.Globalization.CultureInfo.InvariantCulture), (string)deal["ID"]!);
        Assert.Equal("Pump", (string)deal["TITLE"]!);
        Assert.Equal("19999.99", (string)deal["OPPORTUNITY"]!);
        Assert.Equal("40", (string)deal["PROBABILITY"]!);
        Assert.Matches(JsonShape.DateTimeWithOffset(), (string)deal["BEGINDATE"]!);
        Assert.Matches(JsonShape.DateTimeWithOffset(), (string)deal["DATE_CREATE"]!);
        // CLOSEDATE is a date: the day is kept, printed as midnight UTC shown in the portal's zone.
        Assert.Equal("2024-09-30T03:00:00+03:00", (string)deal["CLOSEDATE"]!);
    }

    [Fact]
    public async Task A_written_date_time_without_an_offset_is_portal_time()
    {
        var portal = InProcess();
        var id = await portal.IdAsync("crm.activity", 1);

        await portal.PostJsonAsync("crm.activity.update", new { id, fields = new { START_TIME = "2024-09-02T10:15:00", END_TIME = "2024-09-02 11:15:00", DEADLINE = "2024-09-02T12:00:00Z" } });
        var activity = (await portal.PostJsonAsync("crm.activity.get", new { id })).Result!;
        var offset = ((string)activity["START_TIME"]!)[^6..];

        Assert.Equal("2024-09-02T10:15:00" + offset, (string)activity["START_TIME"]!);
        Assert.Equal("2024-09-02T11:15:00" + offset, (string)activity["END_TIME"]!);
        Assert.Equal(DateTimeOffset.Parse("2024-09-02T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.Parse((string)activity["DEADLINE"]!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(offset, ((string)activity["DEADLINE"]!)[^6..]);
    }

    [Fact]
    public async Task Update_returns_true_and_changes_only_the_given_fields()
    {
        var portal = InProcess();
        var id = await portal.IdAsync("crm.deal", 7);
        var before = (await portal.PostJsonAsync("crm.deal.get", new { id })).Result!;

        var update = await portal.PostJsonAsync("crm.deal.update", new { id, fields = new { TITLE = "Renamed" } });
        var after = (await portal.PostJsonAsync("crm.deal.get", new { id })).Result!;

        Assert.True((bool)update.Result!);
        Assert.Equal("Renamed", (string)after["TITLE"]!);
        Assert.Equal((string?)before["OPPORTUNITY"], (string?)after["OPPORTUNITY"]);
        Assert.Equal((string?)before["STAGE_ID"], (string?)after["STAGE_ID"]);
    }

    [Fact]
    public async Task Update_with_json_null_erases_a_field()
    {
        var portal = InProcess();
        var id = await portal.IdAsync("crm.deal", 8);
        var body = JsonNode.Parse($$$"""{"id": {{{id}}}, "fields": {"COMMENTS": "to be erased", "TITLE": "Kept"}}""");
        await portal.PostJsonAsync("crm.deal.update", body);
        Assert.Equal("to be erased", (string?)(await portal.PostJsonAsync("crm.deal.get", new { id })).Result!["COMMENTS"]);

        var erase = await portal.PostJsonAsync("crm.deal.update", JsonNode.Parse($$$"""{"id": {{{id}}}, "fields": {"COMMENTS": null}}"""));
        var after = (await portal.PostJsonAsync("crm.deal.get", new { id })).Result!.AsObject();

        Assert.True((bool)erase.Result!);
        Assert.True(after.ContainsKey("COMMENTS"));
        Assert.Null(after["COMMENTS"]);
        Assert.Equal("Kept", (string)after["TITLE"]!);
    }

    [Fact]
    public async Task An_empty_form_value_sets_an_empty_string_not_null()
    {
        var portal = InProcess();
        var id = await portal.IdAsync("crm.deal", 9);
        await portal.PostJsonAsync("crm.deal.update", new { id, fields = new { COMMENTS = "text" } });

        await portal.PostFormAsync("crm.deal.update", $"id={id}&fields[COMMENTS]=");
        var after = (await portal.PostJsonAsync("crm.deal.get", new { id })).Result!;

        Assert.Equal(string.Empty, (string?)after["COMMENTS"]);
    }

    [Fact]
    public async Task Multifields_are_added_changed_and_deleted_by_their_id()
    {
        var portal = InProcess();
        var id = (long)(await portal.PostJsonAsync("crm.contact.add", new
        {
            fields = new { NAME = "Olga", PHONE = new[] { new { VALUE = "+7 900 000-00-01", VALUE_TYPE = "WORK" }, new { VALUE = "+7 900 000-00-02", VALUE_TYPE = "MOBILE" } } },
        })).Result!;
        var added = (await portal.PostJsonAsync("crm.contact.get", new { id })).Result!["PHONE"]!.AsArray();
        Assert.Equal(["+7 900 000-00-01", "+7 900 000-00-02"], added.Select(p => (string)p!["VALUE"]!));
        Assert.Equal("Y", (string)(await portal.PostJsonAsync("crm.contact.get", new { id })).Result!["HAS_PHONE"]!);
        var firstId = (string)added[0]!["ID"]!;
        var secondId = (string)added[1]!["ID"]!;

        await portal.PostJsonAsync("crm.contact.update", new
        {
            id,
            fields = new { PHONE = new object[] { new { ID = firstId, VALUE = "+7 900 111-11-11", VALUE_TYPE = "HOME" }, new { ID = secondId, DELETE = "Y" }, new { VALUE = "+7 900 222-22-22", VALUE_TYPE = "WORK" } } },
        });
        var changed = (await portal.PostJsonAsync("crm.contact.get", new { id })).Result!["PHONE"]!.AsArray();

        Assert.Equal(2, changed.Count);
        Assert.Equal(firstId, (string)changed[0]!["ID"]!);
        Assert.Equal("+7 900 111-11-11", (string)changed[0]!["VALUE"]!);
        Assert.Equal("HOME", (string)changed[0]!["VALUE_TYPE"]!);
        Assert.DoesNotContain(changed, p => (string)p!["ID"]! == secondId);
        Assert.True(long.Parse((string)changed[1]!["ID"]!, System.Globalization.CultureInfo.InvariantCulture) > long.Parse(secondId, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Multifields_of_a_seeded_contact_can_be_removed_and_has_phone_follows()
    {
        var portal = InProcess();
        var id = await portal.IdAsync("crm.contact", 3);
        var phone = (await portal.PostJsonAsync("crm.contact.get", new { id })).Result!["PHONE"]![0]!;

        await portal.PostFormAsync("crm.contact.update", $"id={id}&fields[PHONE][0][ID]={(string)phone["ID"]!}&fields[PHONE][0][DELETE]=Y");
        var contact = (await portal.PostJsonAsync("crm.contact.get", new { id })).Result!.AsObject();

        Assert.False(contact.ContainsKey("PHONE"));
        Assert.Equal("N", (string)contact["HAS_PHONE"]!);
    }

    [Fact]
    public async Task Get_after_delete_is_the_legacy_not_found_error()
    {
        var portal = InProcess();
        var id = await portal.IdAsync("crm.lead", 4);
        var deleted = await portal.PostJsonAsync("crm.lead.delete", new { id });
        Assert.Equal(HttpStatusCode.OK, deleted.Status);

        var answer = await portal.PostJsonAsync("crm.lead.get", new { id });

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal(["error", "error_description"], answer.Json!.AsObject().Select(p => p.Key));
        Assert.Equal(string.Empty, answer.Error);
        Assert.Equal("Not found", (string)answer.Json!["error_description"]!);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"id": 0}""")]
    [InlineData("""{"id": -4}""")]
    [InlineData("""{"id": "abc"}""")]
    public async Task A_missing_or_invalid_id_is_the_legacy_id_error(string body)
    {
        var portal = InProcess();

        foreach (var method in new[] { "crm.deal.get", "crm.deal.update", "crm.deal.delete" })
        {
            var answer = await portal.PostJsonAsync(method, JsonNode.Parse(body));

            Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
            Assert.Equal(string.Empty, answer.Error);
            Assert.Equal("ID is not defined or invalid.", (string)answer.Json!["error_description"]!);
        }
    }

    [Fact]
    public async Task Deleting_or_updating_a_missing_row_is_not_found()
    {
        var portal = InProcess();

        var delete = await portal.PostJsonAsync("crm.company.delete", new { id = 99999 });
        var update = await portal.PostJsonAsync("crm.company.update", new { id = 99999, fields = new { TITLE = "x" } });

        Assert.Equal("Not found", (string)delete.Json!["error_description"]!);
        Assert.Equal("Not found", (string)update.Json!["error_description"]!);
        Assert.Equal(HttpStatusCode.BadRequest, update.Status);
    }

    [Fact]
    public async Task Read_only_and_unknown_fields_are_ignored_on_write()
    {
        var portal = InProcess();
        var id = (long)(await portal.PostJsonAsync("crm.deal.add", new { fields = new Dictionary<string, object> { ["TITLE"] = "T", ["ID"] = 5, ["NOT_A_FIELD"] = "x", ["DATE_CREATE"] = "2001-01-01T00:00:00+00:00" } })).Result!;

        var deal = (await portal.PostJsonAsync("crm.deal.get", new { id })).Result!.AsObject();

        Assert.NotEqual(5, id);
        Assert.False(deal.ContainsKey("NOT_A_FIELD"));
        Assert.DoesNotContain("2001", (string)deal["DATE_CREATE"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleted_rows_leave_lists_and_totals()
    {
        var portal = InProcess();
        var ids = await portal.IdsAsync("crm.deal");
        await portal.PostJsonAsync("crm.deal.delete", new { id = ids[1] });

        var answer = await portal.PostJsonAsync("crm.deal.list", new { select = new[] { "ID" } });

        Assert.Equal(119, (long)answer.Json!["total"]!);
        Assert.DoesNotContain(ids[1], answer.Result.Ids());
        Assert.Equal(ids[50], answer.Result.Ids()[^1]);
    }
}
