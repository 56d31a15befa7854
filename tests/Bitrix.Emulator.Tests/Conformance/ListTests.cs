namespace Bitrix.Emulator.Tests.Conformance;

/// <summary>Legacy lists (docs/protocol.md §3): paging, every filter operator, order and select.</summary>
public sealed class ListTests : PortalTestBase
{
    private static readonly string[] DealColumns = ["ID", "TITLE", "OPPORTUNITY", "STAGE_ID", "ASSIGNED_BY_ID", "DATE_CREATE", "CONTACT_ID", "COMPANY_ID", "BEGINDATE"];

    // ---- paging ----

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(49)]
    [InlineData(50)]
    [InlineData(51)]
    public async Task The_first_page_holds_at_most_fifty_rows_with_exact_next_and_total(int deals)
    {
        var options = Small();
        options.Deals = deals;
        var portal = InProcess(options);

        var answer = await portal.PostJsonAsync("crm.deal.list", new { select = new[] { "ID" } });

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(Math.Min(deals, 50), answer.Result!.AsArray().Count);
        Assert.Equal(deals, (long)answer.Json!["total"]!);
        if (deals > 50)
        {
            Assert.Equal(50, (long)answer.Json!["next"]!);
        }
        else
        {
            Assert.False(answer.Json!.AsObject().ContainsKey("next"));
        }
    }

    [Theory]
    [InlineData(51, 1)]
    [InlineData(99, 49)]
    [InlineData(100, 50)]
    public async Task The_second_page_starts_at_fifty_and_has_next_only_while_rows_remain(int deals, int rowsOnSecondPage)
    {
        var options = Small();
        options.Deals = deals;
        var portal = InProcess(options);

        var ids = await portal.IdsAsync("crm.deal");

        var answer = await portal.PostJsonAsync("crm.deal.list", new { select = new[] { "ID" }, start = 50 });

        Assert.Equal(rowsOnSecondPage, answer.Result!.AsArray().Count);
        Assert.Equal(deals, (long)answer.Json!["total"]!);
        Assert.False(answer.Json!.AsObject().ContainsKey("next"));
        if (rowsOnSecondPage > 0)
        {
            Assert.Equal(ids.Skip(50), answer.Result.Ids());
        }
    }

    // The legacy list builder (b24restdocs api-reference/crm/deals/crm-deal-list.md: "start" is a page
    // start, pages of 50) turns start into a page number, start / 50 + 1; a page number past the last
    // page falls back to page 1, which has next=50 when there is more than one page.
    [Theory]
    [InlineData(120, 5000, 50L)]
    [InlineData(100, 100, 50L)]
    [InlineData(120, 150, 50L)]
    [InlineData(50, 50, null)]
    [InlineData(37, 999, null)]
    public async Task A_legacy_start_at_or_past_the_total_gives_the_first_page_again(int deals, int start, long? next)
    {
        var options = Small();
        options.Deals = deals;
        var portal = InProcess(options);

        var ids = await portal.IdsAsync("crm.deal");

        var answer = await portal.PostJsonAsync("crm.deal.list", new { start, select = new[] { "ID" } });

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(ids.Take(50), answer.Result.Ids());
        Assert.Equal(deals, (long)answer.Json!["total"]!);
        Assert.Equal(next, (long?)answer.Json!["next"]);
    }

    [Theory]
    [InlineData(49, 0)]
    [InlineData(50, 50)]
    [InlineData(99, 50)]
    [InlineData(101, 100)]
    [InlineData(119, 100)]
    public async Task A_legacy_start_is_rounded_down_to_a_multiple_of_fifty(int start, int pageStart)
    {
        var portal = InProcess();
        var ids = await portal.IdsAsync("crm.deal");

        var answer = await portal.PostJsonAsync("crm.deal.list", new { start, select = new[] { "ID" }, order = new { ID = "ASC" } });

        Assert.Equal(ids.Skip(pageStart).Take(50), answer.Result.Ids());
        Assert.Equal(Math.Min(50, 120 - pageStart), answer.Result!.AsArray().Count);
        Assert.Equal(pageStart + 50 < 120 ? pageStart + 50 : null, (long?)answer.Json!["next"]);
    }

    [Fact]
    public async Task Crm_item_list_keeps_an_exact_offset()
    {
        // Only the legacy list builder pages by page number: crm.item.list takes the offset as given.
        var portal = InProcess();

        var ids = await portal.IdsAsync("crm.deal");
        var inside = await portal.PostJsonAsync("crm.item.list", new { entityTypeId = 2, start = 49, select = new[] { "id" } });
        var past = await portal.PostJsonAsync("crm.item.list", new { entityTypeId = 2, start = 5000, select = new[] { "id" } });

        Assert.Equal(ids[49], (long)inside.Result!["items"]![0]!["id"]!);
        Assert.Empty(past.Result!["items"]!.AsArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(49)]
    [InlineData(120)]
    public async Task Start_minus_one_skips_the_count_no_next_and_total_zero(int deals)
    {
        var options = Small();
        options.Deals = deals;
        var portal = InProcess(options);

        var answer = await portal.PostJsonAsync("crm.deal.list", new { select = new[] { "ID" }, start = -1 });

        Assert.Equal(Math.Min(deals, 50), answer.Result!.AsArray().Count);
        Assert.False(answer.Json!.AsObject().ContainsKey("next"));
        Assert.Equal(0, (long?)answer.Json!["total"] ?? 0);
    }

    [Fact]
    public async Task An_id_cursor_with_start_minus_one_reads_every_row_exactly_once()
    {
        var options = Small();
        options.Deals = 173;
        var portal = InProcess(options);
        var seeded = await portal.IdsAsync("crm.deal");
        await portal.PostJsonAsync("crm.deal.delete", new { id = seeded[59] });
        var seen = new List<long>();
        long last = 0;

        while (true)
        {
            var page = await portal.PostJsonAsync("crm.deal.list", new
            {
                order = new { ID = "ASC" },
                filter = new Dictionary<string, object> { [">ID"] = last },
                select = new[] { "ID" },
                start = -1,
            });
            var ids = page.Result.Ids();
            seen.AddRange(ids);
            if (ids.Count < 50)
            {
                break;
            }

            last = ids[^1];
        }

        Assert.Equal(seeded.Where(i => i != seeded[59]), seen);
    }

    [Fact]
    public async Task Offset_pages_read_every_row_exactly_once_with_next()
    {
        var options = Small();
        options.Deals = 137;
        var portal = InProcess(options);
        var ids = await portal.IdsAsync("crm.deal");

        var rows = await portal.ReadAllAsync("crm.deal.list", new[] { "ID" });

        Assert.Equal(137, ids.Count);
        Assert.Equal(ids, rows.Select(r => long.Parse((string)r["ID"]!, CultureInfo.InvariantCulture)));
    }

    // ---- filter operators ----

    [Fact]
    public async Task Equal_is_the_default_operator_and_matches_exactly()
    {
        var portal = InProcess();
        var all = await AllDealsAsync(portal);

        await AssertFilterAsync(portal, all, new() { ["STAGE_ID"] = "WON" }, r => S(r, "STAGE_ID") == "WON");
        await AssertFilterAsync(portal, all, new() { ["=STAGE_ID"] = "WON" }, r => S(r, "STAGE_ID") == "WON");
        var seventh = S(all[6], "ID")!;
        var one = await AssertFilterAsync(portal, all, new() { ["ID"] = I(all[6]) }, r => S(r, "ID") == seventh);
        Assert.Equal(1, (long)one.Json!["total"]!);
    }

    [Fact]
    public async Task Bang_and_bang_equal_exclude_a_value()
    {
        var portal = InProcess();
        var all = await AllDealsAsync(portal);

        await AssertFilterAsync(portal, all, new() { ["!STAGE_ID"] = "WON" }, r => S(r, "STAGE_ID") != "WON");
        await AssertFilterAsync(portal, all, new() { ["!=STAGE_ID"] = "WON" }, r => S(r, "STAGE_ID") != "WON");
    }

    [Fact]
    public async Task Greater_and_less_compare_doubles_as_numbers_not_as_text()
    {
        var portal = InProcess();
        var all = await AllDealsAsync(portal);

        await AssertFilterAsync(portal, all, new() { [">OPPORTUNITY"] = "20000" }, r => D(r, "OPPORTUNITY") > 20000m);
        await AssertFilterAsync(portal, all, new() { ["<OPPORTUNITY"] = "20000" }, r => D(r, "OPPORTUNITY") < 20000m);
        await AssertFilterAsync(portal, all, new() { [">=OPPORTUNITY"] = S(all[4], "OPPORTUNITY")! }, r => D(r, "OPPORTUNITY") >= D(all[4], "OPPORTUNITY"));
        await AssertFilterAsync(portal, all, new() { ["<=OPPORTUNITY"] = S(all[4], "OPPORTUNITY")! }, r => D(r, "OPPORTUNITY") <= D(all[4], "OPPORTUNITY"));
    }

    [Fact]
    public async Task Greater_or_equal_and_less_or_equal_bound_ids_inclusively()
    {
        var portal = InProcess();
        var all = await AllDealsAsync(portal);

        long low = I(all[9]), high = I(all[19]);

        var answer = await AssertFilterAsync(portal, all, new() { [">=ID"] = low, ["<=ID"] = high }, r => I(r) >= low && I(r) <= high);
        Assert.Equal(11, (long)answer.Json!["total"]!);
        var open = await AssertFilterAsync(portal, all, new() { [">ID"] = low, ["<ID"] = high }, r => I(r) > low && I(r) < high);
        Assert.Equal(9, (long)open.Json!["total"]!);
    }

    [Fact]
    public async Task Date_time_filters_compare_instants()
    {
        var portal = InProcess();
        var all = await AllDealsAsync(portal);
        var pivot = S(all[30], "DATE_CREATE")!;
        var instant = DateTimeOffset.Parse(pivot, CultureInfo.InvariantCulture);

        await AssertFilterAsync(portal, all, new() { ["<DATE_CREATE"] = pivot }, r => T(r, "DATE_CREATE") < instant);
        await AssertFilterAsync(portal, all, new() { [">=DATE_CREATE"] = pivot }, r => T(r, "DATE_CREATE") >= instant);
        // The same instant written in UTC selects the same rows.
        var utc = instant.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", CultureInfo.InvariantCulture);
        await AssertFilterAsync(portal, all, new() { ["<DATE_CREATE"] = utc }, r => T(r, "DATE_CREATE") < instant);
    }

    [Fact]
    public async Task A_date_time_without_an_offset_is_read_in_the_portals_time_zone()
    {
        var portal = InProcess();
        var all = await AllDealsAsync(portal);
        var pivot = S(all[30], "DATE_CREATE")!;
        var instant = DateTimeOffset.Parse(pivot, CultureInfo.InvariantCulture);
        var portalLocal = instant.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        var portalLocalIso = instant.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);

        // The docs: dates and times are kept in the server's (portal's) time zone, the one its answers print.
        await AssertFilterAsync(portal, all, new() { ["<DATE_CREATE"] = portalLocal }, r => T(r, "DATE_CREATE") < instant);
        await AssertFilterAsync(portal, all, new() { [">=DATE_CREATE"] = portalLocalIso }, r => T(r, "DATE_CREATE") >= instant);
    }

    [Fact]
    public async Task At_is_in_and_bang_at_is_not_in()
    {
        var portal = InProcess();
        var all = await AllDealsAsync(portal);

        await AssertFilterAsync(portal, all, new() { ["@ASSIGNED_BY_ID"] = new[] { 1, 2 } }, r => S(r, "ASSIGNED_BY_ID") is "1" or "2");
        await AssertFilterAsync(portal, all, new() { ["!@ASSIGNED_BY_ID"] = new[] { 1, 2 } }, r => S(r, "ASSIGNED_BY_ID") is not ("1" or "2"));
        await AssertFilterAsync(portal, all, new() { ["@ID"] = new[] { 3, 5, 8, 1000 } }, r => I(r) is 3 or 5 or 8);
        await AssertFilterAsync(portal, all, new() { ["@STAGE_ID"] = new[] { "WON", "LOSE" } }, r => S(r, "STAGE_ID") is "WON" or "LOSE");
    }

    [Fact]
    public async Task An_equal_filter_with_a_list_value_is_an_in()
    {
        var portal = InProcess();
        var all = await AllDealsAsync(portal);

        await AssertFilterAsync(portal, all, new() { ["STAGE_ID"] = new[] { "WON", "NEW" } }, r => S(r, "STAGE_ID") is "WON" or "NEW");
    }

    [Fact]
    public async Task Percent_is_a_case_insensitive_substring_match_without_wildcards()
    {
        var portal = InProcess();
        var all = await AllDealsAsync(portal);

        var answer = await AssertFilterAsync(portal, all, new() { ["%TITLE"] = "licence" }, r => S(r, "TITLE")!.Contains("licence", StringComparison.OrdinalIgnoreCase));
        Assert.NotEmpty(answer.Result!.AsArray());
        await AssertFilterAsync(portal, all, new() { ["%TITLE"] = "ANNUAL" }, r => S(r, "TITLE")!.Contains("annual", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Equal_percent_and_percent_equal_take_explicit_wildcards()
    {
        var portal = InProcess();
        var all = await AllDealsAsync(portal);

        var prefix = await AssertFilterAsync(portal, all, new() { ["=%TITLE"] = "Annual%" }, r => S(r, "TITLE")!.StartsWith("Annual", StringComparison.OrdinalIgnoreCase));
        Assert.NotEmpty(prefix.Result!.AsArray());
        await AssertFilterAsync(portal, all, new() { ["%=TITLE"] = "%Trading" }, r => S(r, "TITLE")!.EndsWith("Trading", StringComparison.OrdinalIgnoreCase));
        // Without a wildcard the pattern must match the whole value.
        await AssertFilterAsync(portal, all, new() { ["=%TITLE"] = "Annual" }, r => string.Equals(S(r, "TITLE"), "Annual", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Bang_percent_is_not_like()
    {
        var portal = InProcess();
        var all = await AllDealsAsync(portal);

        await AssertFilterAsync(portal, all, new() { ["!%TITLE"] = "licence" }, r => !S(r, "TITLE")!.Contains("licence", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Like_on_a_crm_status_field_compares_exactly()
    {
        var portal = InProcess();
        var all = await AllDealsAsync(portal);

        var partial = await AssertFilterAsync(portal, all, new() { ["%STAGE_ID"] = "WO" }, _ => false);
        Assert.Empty(partial.Result!.AsArray());
        await AssertFilterAsync(portal, all, new() { ["%STAGE_ID"] = "WON" }, r => S(r, "STAGE_ID") == "WON");
        await AssertFilterAsync(portal, all, new() { ["!%STAGE_ID"] = "WON" }, r => S(r, "STAGE_ID") != "WON");
    }

    [Fact]
    public async Task Like_on_crm_contact_and_crm_company_fields_compares_exactly()
    {
        var portal = InProcess();
        var all = await AllDealsAsync(portal);
        Assert.Contains(all, r => S(r, "CONTACT_ID") is { Length: 2 } id && id.StartsWith('1'));

        await AssertFilterAsync(portal, all, new() { ["%CONTACT_ID"] = "1" }, r => S(r, "CONTACT_ID") == "1");
        await AssertFilterAsync(portal, all, new() { ["%COMPANY_ID"] = "1" }, r => S(r, "COMPANY_ID") == "1");
    }

    [Fact]
    public async Task Several_filter_keys_are_combined_with_and()
    {
        var portal = InProcess();
        var all = await AllDealsAsync(portal);

        await AssertFilterAsync(portal, all, new() { ["!STAGE_ID"] = "WON", [">OPPORTUNITY"] = 10000, ["<=ID"] = 90 }, r => S(r, "STAGE_ID") != "WON" && D(r, "OPPORTUNITY") > 10000m && I(r) <= 90);
    }

    [Fact]
    public async Task A_filter_in_php_query_keys_selects_the_same_rows_as_in_json()
    {
        var portal = InProcess();
        var json = await portal.PostJsonAsync("crm.deal.list", new { filter = new Dictionary<string, object> { [">OPPORTUNITY"] = 20000, ["@ASSIGNED_BY_ID"] = new[] { 1, 3 } }, select = new[] { "ID" } });

        var query = await portal.GetAsync("crm.deal.list?filter%5B%3EOPPORTUNITY%5D=20000&filter[@ASSIGNED_BY_ID][]=1&filter[@ASSIGNED_BY_ID][]=3&select[]=ID");

        Assert.Equal(json.Result.Ids(), query.Result.Ids());
        Assert.Equal((long)json.Json!["total"]!, (long)query.Json!["total"]!);
    }

    [Fact]
    public async Task Unknown_filter_fields_are_ignored_by_legacy_lists()
    {
        var portal = InProcess();
        var ids = await portal.IdsAsync("crm.deal");

        var answer = await portal.PostJsonAsync("crm.deal.list", new { filter = new Dictionary<string, object> { ["NO_SUCH_FIELD"] = 1, ["<ID"] = ids[3] } });

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(ids.Take(3), answer.Result.Ids());
    }

    [Fact]
    public async Task A_filter_that_is_not_an_array_is_the_legacy_error()
    {
        var portal = InProcess();

        var answer = await portal.GetAsync("crm.deal.list?filter=STAGE_ID");

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal(string.Empty, answer.Error);
        Assert.Equal("Parameter 'filter' must be array.", (string)answer.Json!["error_description"]!);
    }

    [Fact]
    public async Task Activities_filter_by_owner_and_not_like()
    {
        var portal = InProcess();
        var all = await portal.ReadAllAsync("crm.activity.list", new[] { "ID", "OWNER_ID", "SUBJECT" });

        var byOwner = await portal.PostJsonAsync("crm.activity.list", new { filter = new Dictionary<string, object> { ["OWNER_TYPE_ID"] = 2, ["OWNER_ID"] = S(all[0], "OWNER_ID")! } });
        var notLike = await portal.PostJsonAsync("crm.activity.list", new { filter = new Dictionary<string, object> { ["!%SUBJECT"] = "Call" }, start = 0 });

        Assert.Equal(all.Where(r => S(r, "OWNER_ID") == S(all[0], "OWNER_ID")).Select(I), byOwner.Result.Ids());
        Assert.Equal(all.Count(r => !S(r, "SUBJECT")!.Contains("call", StringComparison.OrdinalIgnoreCase)), (long)notLike.Json!["total"]!);
    }

    // ---- order ----

    [Theory]
    [InlineData("OPPORTUNITY", "ASC")]
    [InlineData("OPPORTUNITY", "DESC")]
    [InlineData("DATE_CREATE", "DESC")]
    [InlineData("TITLE", "ASC")]
    [InlineData("ID", "DESC")]
    [InlineData("BEGINDATE", "ASC")]
    public async Task Order_sorts_every_page_by_the_field(string field, string direction)
    {
        var portal = InProcess();
        var all = await AllDealsAsync(portal);

        var rows = await ReadOrderedAsync(portal, new Dictionary<string, string> { [field] = direction });

        Assert.Equal(all.Select(I).Order(), rows.Select(I).Order());
        var sign = direction == "DESC" ? -1 : 1;
        for (var i = 1; i < rows.Count; i++)
        {
            Assert.True(sign * CompareField(field, rows[i - 1], rows[i]) <= 0, $"{field} {direction}: row {i - 1} ({S(rows[i - 1], field)}) before row {i} ({S(rows[i], field)})");
        }
    }

    [Fact]
    public async Task Order_by_several_fields_sorts_by_the_first_then_the_second()
    {
        var portal = InProcess();

        var rows = await ReadOrderedAsync(portal, new Dictionary<string, string> { ["STAGE_ID"] = "ASC", ["OPPORTUNITY"] = "DESC" });

        for (var i = 1; i < rows.Count; i++)
        {
            var byStage = CompareField("STAGE_ID", rows[i - 1], rows[i]);
            Assert.True(byStage < 0 || (byStage == 0 && CompareField("OPPORTUNITY", rows[i - 1], rows[i]) >= 0), $"rows {i - 1} and {i} out of order");
        }
    }

    [Fact]
    public async Task Order_direction_is_case_insensitive()
    {
        var portal = InProcess();

        var lower = await portal.PostJsonAsync("crm.deal.list", new { order = new { ID = "desc" }, select = new[] { "ID" } });

        Assert.Equal((await portal.IdsAsync("crm.deal"))[^1], lower.Result.Ids()[0]);
    }

    // ---- select ----

    [Theory]
    [InlineData("crm.contact")]
    [InlineData("crm.company")]
    [InlineData("crm.lead")]
    [InlineData("crm.deal")]
    public async Task Select_star_returns_every_regular_field_without_user_fields_or_multifields(string entity)
    {
        var portal = InProcess();
        var catalog = Fixtures.DocsFields(entity + ".fields");
        var expected = catalog
            .Where(p => !p.Key.StartsWith("UF_", StringComparison.Ordinal) && (string?)p.Value!["type"] != "crm_multifield")
            .Select(p => p.Key)
            .ToHashSet();

        // crm-deal-fields.md: "CONTACT_IDS is not available in crm.deal.get and crm.deal.list"; the docs'
        // crm.contact.get example has COMPANY_ID but no COMPANY_IDS.
        expected.Remove(entity switch { "crm.deal" => "CONTACT_IDS", "crm.contact" => "COMPANY_IDS", _ => string.Empty });

        var star = await portal.PostJsonAsync(entity + ".list", new { select = new[] { "*" } });
        var none = await portal.PostJsonAsync(entity + ".list", new { });

        Assert.All(star.Result!.AsArray(), r => Assert.Equal(expected, r!.AsObject().Select(p => p.Key).ToHashSet()));
        Assert.All(none.Result!.AsArray(), r => Assert.Equal(expected, r!.AsObject().Select(p => p.Key).ToHashSet()));
    }

    [Fact]
    public async Task Select_uf_star_returns_the_user_fields_and_the_id()
    {
        var portal = InProcess();

        var answer = await portal.PostJsonAsync("crm.company.list", new { select = new[] { "UF_*" } });

        Assert.All(answer.Result!.AsArray(), r => Assert.Equal(["ID", "UF_CRM_1687188367", "UF_CRM_64A29A1CD5CC2"], r!.AsObject().Select(p => p.Key).Order()));
    }

    [Fact]
    public async Task Multifields_are_returned_only_when_named()
    {
        var portal = InProcess();

        var answer = await portal.PostJsonAsync("crm.contact.list", new { select = new[] { "ID", "NAME", "PHONE", "EMAIL" } });

        foreach (var row in answer.Result!.AsArray())
        {
            Assert.Equal(["EMAIL", "ID", "NAME", "PHONE"], row!.AsObject().Select(p => p.Key).Order());
            foreach (var entry in row["PHONE"]!.AsArray().Concat(row["EMAIL"]!.AsArray()))
            {
                Assert.Equal(["ID", "VALUE_TYPE", "VALUE", "TYPE_ID"], entry!.AsObject().Select(p => p.Key));
                Assert.All(entry.AsObject(), p => Assert.Equal("string", JsonShape.KindOf(p.Value)));
            }

            Assert.Equal("PHONE", (string)row["PHONE"]![0]!["TYPE_ID"]!);
        }
    }

    [Fact]
    public async Task The_id_is_always_returned_even_when_not_selected()
    {
        var portal = InProcess();

        var answer = await portal.PostJsonAsync("crm.deal.list", new { select = new[] { "TITLE" } });

        Assert.All(answer.Result!.AsArray(), r => Assert.Equal(["ID", "TITLE"], r!.AsObject().Select(p => p.Key).Order()));
    }

    [Fact]
    public async Task Unknown_selected_fields_are_ignored()
    {
        var portal = InProcess();

        var answer = await portal.PostJsonAsync("crm.deal.list", new { select = new[] { "TITLE", "NO_SUCH_FIELD" } });

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.All(answer.Result!.AsArray(), r => Assert.Equal(["ID", "TITLE"], r!.AsObject().Select(p => p.Key).Order()));
    }

    // ---- helpers ----

    private static Task<List<JsonObject>> AllDealsAsync(PortalClient portal) => portal.ReadAllAsync("crm.deal.list", DealColumns);

    private static async Task<Answer> AssertFilterAsync(PortalClient portal, List<JsonObject> all, Dictionary<string, object> filter, Func<JsonObject, bool> expected)
    {
        var wanted = all.Where(expected).Select(I).ToList();
        var answer = await portal.PostJsonAsync("crm.deal.list", new { filter, select = new[] { "ID" }, order = new { ID = "ASC" } });
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(wanted.Count, (long)answer.Json!["total"]!);
        Assert.Equal(wanted.Take(50), answer.Result.Ids());
        return answer;
    }

    private static async Task<List<JsonObject>> ReadOrderedAsync(PortalClient portal, Dictionary<string, string> order)
    {
        var rows = new List<JsonObject>();
        long start = 0;
        while (true)
        {
            var answer = await portal.PostJsonAsync("crm.deal.list", new { order, select = DealColumns, start });
            rows.AddRange(answer.Result!.AsArray().Select(r => r!.AsObject()));
            if (answer.Json!["next"] is not { } next)
            {
                return rows;
            }

            start = (long)next;
        }
    }

    private static int CompareField(string field, JsonObject a, JsonObject b) => field switch
    {
        "ID" => I(a).CompareTo(I(b)),
        "OPPORTUNITY" => D(a, field).CompareTo(D(b, field)),
        "DATE_CREATE" or "BEGINDATE" => T(a, field).CompareTo(T(b, field)),
        _ => string.Compare(S(a, field), S(b, field), StringComparison.OrdinalIgnoreCase),
    };

    private static string? S(JsonObject row, string field) => (string?)row[field];

    private static long I(JsonObject row) => long.Parse(S(row, "ID")!, CultureInfo.InvariantCulture);

    private static decimal D(JsonObject row, string field) => decimal.Parse(S(row, field)!, CultureInfo.InvariantCulture);

    private static DateTimeOffset T(JsonObject row, string field) => DateTimeOffset.Parse(S(row, field)!, CultureInfo.InvariantCulture);
}
