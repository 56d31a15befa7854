namespace Bitrix.Emulator.Tests.Limits;

/// <summary>
/// The modelled cost (docs/protocol.md §5): <c>time.processing</c> is exactly the model — list page
/// <c>2 ms + 9 µs × (start + rows) + 0.5 µs × total</c>, no count term with <c>start=-1</c>, get 2 ms,
/// writes 5 ms — and the statistics add the same seconds up.
/// </summary>
public sealed class CostModelTests : PortalTestBase
{
    /// <summary><c>time</c> prints seconds with six decimals: the model rounded to the microsecond.</summary>
    private const double Microsecond = 5e-7 + 1e-12;

    [Theory]
    [InlineData(0, 50)]
    [InlineData(50, 50)]
    [InlineData(100, 20)]
    public async Task A_list_page_costs_two_ms_plus_nine_us_per_skipped_or_returned_row_plus_half_a_us_per_counted_row(int start, int rows)
    {
        var portal = InProcess();

        var answer = await portal.PostJsonAsync("crm.deal.list", new { select = new[] { "ID" }, start });

        Assert.Equal(rows, answer.Result!.AsArray().Count);
        Assert.Equal(0.002 + (0.000009 * (start + rows)) + (0.0000005 * 120), Processing(answer), Microsecond);
    }

    [Fact]
    public async Task Start_minus_one_pays_no_count_term()
    {
        var portal = InProcess();

        var answer = await portal.PostJsonAsync("crm.deal.list", new { select = new[] { "ID" }, start = -1 });

        Assert.Equal(0.002 + (0.000009 * 50), Processing(answer), Microsecond);
    }

    [Fact]
    public async Task An_id_seek_with_start_minus_one_pays_only_for_the_rows_it_returns()
    {
        var portal = InProcess();
        var bound = await portal.IdAsync("crm.deal", 99);

        var deep = await portal.PostJsonAsync("crm.deal.list", new { order = new { ID = "ASC" }, filter = new Dictionary<string, object> { [">ID"] = bound }, select = new[] { "ID" }, start = -1 });
        var shallow = await portal.PostJsonAsync("crm.deal.list", new { order = new { ID = "ASC" }, filter = new Dictionary<string, object> { [">ID"] = 0 }, select = new[] { "ID" }, start = -1 });

        Assert.Equal(0.002 + (0.000009 * 20), Processing(deep), Microsecond);
        Assert.Equal(0.002 + (0.000009 * 50), Processing(shallow), Microsecond);
    }

    [Fact]
    public async Task A_filtered_list_counts_only_the_matching_rows()
    {
        var portal = InProcess();

        var answer = await portal.PostJsonAsync("crm.deal.list", new { filter = new Dictionary<string, object> { ["STAGE_ID"] = "WON" }, select = new[] { "ID" } });

        var rows = answer.Result!.AsArray().Count;
        var total = (long)answer.Json!["total"]!;
        Assert.Equal(0.002 + (0.000009 * rows) + (0.0000005 * total), Processing(answer), Microsecond);
    }

    [Theory]
    [InlineData("crm.deal.get", 0.002)]
    [InlineData("crm.deal.fields", 0.002)]
    [InlineData("crm.deal.add", 0.005)]
    [InlineData("crm.deal.update", 0.005)]
    [InlineData("crm.deal.delete", 0.005)]
    public async Task Gets_and_other_reads_cost_two_ms_and_writes_five_ms(string method, double seconds)
    {
        var portal = InProcess();

        var answer = await portal.PostJsonAsync(method, new { id = await portal.IdAsync("crm.deal", 6), fields = new { TITLE = "x" } });

        Assert.Equal(HttpStatusCode.OK, answer.Status);

        Assert.Equal(seconds, Processing(answer), Microsecond);
    }

    [Fact]
    public async Task A_custom_cost_model_is_reported()
    {
        var options = Small();
        options.Cost = new CostModel { ListBaseSeconds = 0.01, PerRowSeconds = 0.001, PerCountedRowSeconds = 0.0001, ReadSeconds = 0.02, WriteSeconds = 0.03 };
        var portal = InProcess(options);

        var list = await portal.PostJsonAsync("crm.deal.list", new { start = 50 });
        var get = await portal.PostJsonAsync("crm.deal.get", new { id = await portal.IdAsync("crm.deal", 0) });
        var add = await portal.PostJsonAsync("crm.deal.add", new { fields = new { TITLE = "x" } });

        Assert.Equal(0.01 + (0.001 * 100) + (0.0001 * 120), Processing(list), Microsecond);
        Assert.Equal(0.02, Processing(get), Microsecond);
        Assert.Equal(0.03, Processing(add), Microsecond);
    }

    [Fact]
    public async Task Finish_minus_start_is_the_processing_time_and_duration_covers_it()
    {
        var portal = InProcess();

        var answer = await portal.PostJsonAsync("crm.deal.list", new { start = 50 });

        var time = answer.Json!["time"]!;
        Assert.Equal(Processing(answer), (double)time["finish"]! - (double)time["start"]!, 5);
        Assert.True((double)time["duration"]! >= Processing(answer));
        Assert.Matches(JsonShape.DateTimeWithOffset(), (string)time["date_start"]!);
        Assert.Matches(JsonShape.DateTimeWithOffset(), (string)time["date_finish"]!);
    }

    [Fact]
    public async Task Statistics_add_up_the_operating_seconds_of_every_call_per_method()
    {
        var portal = InProcess();
        var ids = await portal.IdsAsync("crm.deal");
        var reported = new Dictionary<string, double>();
        void Add(string method, double seconds) => reported[method] = reported.GetValueOrDefault(method) + seconds;

        foreach (var start in new[] { 0, 50, 100, -1 })
        {
            Add("crm.deal.list", Processing(await portal.PostJsonAsync("crm.deal.list", new { start })));
        }

        Add("crm.deal.get", Processing(await portal.PostJsonAsync("crm.deal.get", new { id = ids[1] })));
        Add("crm.lead.add", Processing(await portal.PostJsonAsync("crm.lead.add", new { fields = new { TITLE = "x" } })));
        var batch = await portal.BatchAsync(new Dictionary<string, string> { ["a"] = $"crm.deal.get?id={ids[2]}", ["b"] = "crm.deal.list?start=50" });
        Add("crm.deal.get", (double)batch.Result!["result_time"]!["a"]!["processing"]!);
        Add("crm.deal.list", (double)batch.Result!["result_time"]!["b"]!["processing"]!);

        var stats = await portal.Emulator.GetStatsAsync();
        var overHttp = (await portal.RawAsync(HttpMethod.Get, "/_emulator/stats")).Json!["operatingSecondsByMethod"]!.AsObject();

        foreach (var (method, seconds) in reported)
        {
            Assert.Equal(seconds, stats.OperatingSecondsByMethod[method], 6);
            Assert.Equal(seconds, (double)overHttp[method]!, 6);
        }

        Assert.Equal(reported.Values.Sum(), stats.OperatingSecondsByMethod.Values.Sum(), 6);
        Assert.Equal(5, stats.CallsByMethod["crm.deal.list"]);
    }

    [Fact]
    public async Task A_batch_reports_the_sum_of_its_commands_as_processing()
    {
        var portal = InProcess();

        var answer = await portal.BatchAsync(Enumerable.Range(0, 10).Select(i => "crm.deal.list?start=" + (i * 10).ToString(CultureInfo.InvariantCulture)).ToArray());

        var commands = answer.Result!["result_time"]!.AsArray().Sum(t => (double)t!["processing"]!);
        Assert.Equal(commands, Processing(answer), 6);
    }

    private static double Processing(Answer answer) => (double)answer.Json!["time"]!["processing"]!;
}
