namespace Bitrix.Emulator.Tests.Control;

/// <summary>
/// Seeded ID layouts: real portals are not numbered 1..N (deleted deals leave holes, clean-ups
/// leave long runs, imports leave dense stretches), so the default has holes and the others are
/// there to be chosen from options, the command line and <c>/_emulator/reset</c>.
/// </summary>
public sealed class IdLayoutTests : PortalTestBase
{
    private static EmulatorOptions Sized(IdLayout layout, int deals, int seed = 1)
    {
        var options = Small();
        options.IdLayout = layout;
        options.Deals = deals;
        options.Tasks = deals;
        options.Seed = seed;
        return options;
    }

    [Fact]
    public void The_default_layout_has_holes()
        => Assert.Equal(IdLayout.Gaps, new EmulatorOptions().IdLayout);

    [Theory]
    [InlineData(IdLayout.Dense)]
    [InlineData(IdLayout.Gaps)]
    [InlineData(IdLayout.Blocks)]
    [InlineData(IdLayout.Adversarial)]
    public async Task A_layout_is_the_same_for_a_seed_and_differs_between_seeds(IdLayout layout)
    {
        var a = await InProcess(Sized(layout, 5_000)).Emulator.GetIdsAsync("crm.deal");
        var b = await InProcess(Sized(layout, 5_000)).Emulator.GetIdsAsync("crm.deal");
        var other = await InProcess(Sized(layout, 5_000, seed: 2)).Emulator.GetIdsAsync("crm.deal");

        Assert.Equal(5_000, a.Count);
        Assert.Equal(a, b);
        Assert.Equal(a.Order().Distinct(), a);
        Assert.True(a[0] >= 1);
        if (layout == IdLayout.Dense)
        {
            Assert.Equal(Enumerable.Range(1, 5_000).Select(i => (long)i), a);
        }
        else
        {
            Assert.NotEqual(a, other);
        }
    }

    [Fact]
    public async Task Gaps_average_between_one_and_a_half_and_two_ids_a_row_with_small_holes_everywhere()
    {
        var ids = await InProcess(Sized(IdLayout.Gaps, 100_000)).Emulator.GetIdsAsync("crm.deal");

        var perRow = (double)(ids[^1] - ids[0] + 1) / ids.Count;
        Assert.InRange(perRow, 1.5, 2.0);
        var steps = ids.Zip(ids.Skip(1), (x, y) => y - x).ToList();
        Assert.InRange(steps.Count(s => s == 1) / (double)steps.Count, 0.4, 0.8);
        Assert.True(steps.Max() >= 10, "no larger hole at all");

        // Holes everywhere: every tenth of the rows spans more IDs than rows.
        for (var part = 0; part < 10; part++)
        {
            var slice = ids.Skip(part * 10_000).Take(10_000).ToList();
            Assert.True(slice[^1] - slice[0] + 1 > slice.Count * 1.3, $"tenth {part} is nearly dense");
        }
    }

    [Fact]
    public async Task Blocks_have_long_deleted_runs_and_grow_denser_towards_the_newest_rows()
    {
        var ids = await InProcess(Sized(IdLayout.Blocks, 100_000)).Emulator.GetIdsAsync("crm.deal");

        var steps = ids.Zip(ids.Skip(1), (x, y) => y - x).ToList();
        Assert.True(steps.Count(s => s >= 2_000) >= 10, "fewer than ten long deleted runs");
        static double Density(IReadOnlyList<long> slice) => (double)(slice[^1] - slice[0] + 1) / slice.Count;

        // Within stretches (long runs left out), the oldest tenth is sparser than the newest.
        double InStretches(int from, int count)
        {
            var within = steps.Skip(from).Take(count).Where(s => s < 2_000).ToList();
            return within.Average();
        }

        Assert.True(InStretches(0, 10_000) > 2 * InStretches(90_000, 9_999), "the oldest rows are not sparser than the newest");
        Assert.True(Density(ids) > 2, "no long runs to speak of");
    }

    [Fact]
    public async Task Adversarial_puts_half_the_rows_in_a_twentieth_of_the_span_and_one_row_near_a_billion()
    {
        var ids = await InProcess(Sized(IdLayout.Adversarial, 40_000)).Emulator.GetIdsAsync("crm.deal");

        Assert.InRange(ids[^1], 999_000_000, 1_000_000_000);
        var body = ids.Take(ids.Count - 1).ToList();
        var span = body[^1] - body[0] + 1;
        Assert.True(ids[^1] > 100 * span, "the last row is not alone far above");

        // The densest window of 5 % of the span holds about half the rows.
        var window = span / 20;
        var best = 0;
        for (int i = 0, j = 0; i < body.Count; i++)
        {
            while (body[i] - body[j] >= window)
            {
                j++;
            }

            best = Math.Max(best, i - j + 1);
        }

        Assert.InRange(best, body.Count * 45 / 100, body.Count * 60 / 100);
    }

    [Fact]
    public async Task Every_seeded_table_follows_the_layout_and_cross_references_point_at_seeded_rows()
    {
        var options = Sized(IdLayout.Blocks, 3_000);
        options.Contacts = 2_000;
        options.Companies = 1_000;
        options.Activities = 2_000;
        var portal = InProcess(options);
        var contacts = (await portal.Emulator.GetIdsAsync("crm.contact")).ToHashSet();
        var companies = (await portal.Emulator.GetIdsAsync("crm.company")).ToHashSet();
        var deals = (await portal.Emulator.GetIdsAsync("crm.deal")).ToHashSet();
        foreach (var entity in new[] { "crm.deal", "crm.contact", "crm.company", "crm.activity", "tasks.task" })
        {
            var ids = await portal.Emulator.GetIdsAsync(entity);
            Assert.True(ids[^1] > ids.Count * 2, $"{entity} is dense");
        }

        var page = await portal.PostJsonAsync("crm.deal.list", new { select = new[] { "ID", "CONTACT_ID", "COMPANY_ID" }, filter = new Dictionary<string, object> { [">ID"] = 0 } });
        var rows = page.Json!["result"]!.AsArray();
        Assert.Equal(50, rows.Count);
        foreach (var row in rows)
        {
            var contact = long.Parse((string)row!["CONTACT_ID"]!, System.Globalization.CultureInfo.InvariantCulture);
            var company = long.Parse((string)row["COMPANY_ID"]!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(contact == 0 || contacts.Contains(contact), $"CONTACT_ID {contact} is not a seeded contact");
            Assert.True(company == 0 || companies.Contains(company), $"COMPANY_ID {company} is not a seeded company");
        }

        var activities = await portal.PostJsonAsync("crm.activity.list", new { select = new[] { "ID", "OWNER_ID" } });
        foreach (var row in activities.Json!["result"]!.AsArray())
        {
            Assert.Contains(long.Parse((string)row!["OWNER_ID"]!, System.Globalization.CultureInfo.InvariantCulture), deals);
        }
    }

    [Fact]
    public async Task Dates_follow_the_rank_so_a_far_id_keeps_a_realistic_date()
    {
        var portal = InProcess(Sized(IdLayout.Adversarial, 1_000));
        var ids = await portal.Emulator.GetIdsAsync("crm.deal");

        var last = await portal.PostJsonAsync("crm.deal.get", new { id = ids[^1] });
        var before = await portal.PostJsonAsync("crm.deal.get", new { id = ids[^2] });

        var created = DateTimeOffset.Parse((string)last.Json!["result"]!["DATE_CREATE"]!, System.Globalization.CultureInfo.InvariantCulture);
        var previous = DateTimeOffset.Parse((string)before.Json!["result"]!["DATE_CREATE"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(created - previous, TimeSpan.Zero, TimeSpan.FromMinutes(14));
        Assert.InRange(created.Year, 2023, 2026);
    }

    [Fact]
    public async Task Reset_takes_a_layout_and_keeps_it_for_later_resets()
    {
        var portal = InProcess(Sized(IdLayout.Gaps, 2_000));
        var gaps = await portal.Emulator.GetIdsAsync("crm.deal");

        var answer = await portal.RawAsync(HttpMethod.Post, "/_emulator/reset?idLayout=dense");
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var dense = await portal.Emulator.GetIdsAsync("crm.deal");
        await portal.Emulator.ResetAsync();
        var again = await portal.Emulator.GetIdsAsync("crm.deal");
        await portal.Emulator.ResetAsync(IdLayout.Gaps);

        Assert.Equal(Enumerable.Range(1, 2_000).Select(i => (long)i), dense);
        Assert.Equal(dense, again);
        Assert.Equal(gaps, await portal.Emulator.GetIdsAsync("crm.deal"));
        Assert.NotEqual(gaps, dense);
    }

    [Theory]
    [InlineData("sparse")]
    [InlineData("1")]
    [InlineData("")]
    public async Task Reset_refuses_an_unknown_layout_and_changes_nothing(string name)
    {
        var portal = InProcess(Sized(IdLayout.Blocks, 500));
        var before = await portal.Emulator.GetIdsAsync("crm.deal");
        await portal.PostJsonAsync("crm.deal.delete", new { id = before[0] });

        var answer = await portal.RawAsync(HttpMethod.Post, "/_emulator/reset?idLayout=" + name);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("INVALID_ID_LAYOUT", (string)answer.Json!["error"]!);
        Assert.Equal(before.Skip(1), await portal.Emulator.GetIdsAsync("crm.deal"));
    }

    [Fact]
    public async Task A_deleted_row_leaves_a_hole_and_an_added_one_goes_above_the_highest_id()
    {
        var options = Sized(IdLayout.Gaps, 1_000);
        var portal = InProcess(options);
        var before = await portal.Emulator.GetIdsAsync("crm.deal");
        var added = await portal.PostJsonAsync("crm.deal.add", new { fields = new { TITLE = "new" } });
        await portal.PostJsonAsync("crm.deal.delete", new { id = before[10] });

        var after = await portal.Emulator.GetIdsAsync("crm.deal");

        Assert.Equal(before[^1] + 1, (long)added.Json!["result"]!);
        Assert.DoesNotContain(before[10], after);
        Assert.Equal(before.Count, after.Count);
    }
}
