namespace Bitrix.Reliability.Tests;

/// <summary>
/// Cancelling a whole-list read or a bulk write part way: HTTP traffic stops within a short grace,
/// every send that was in flight completes (no task is left running), and a bulk write reports
/// exactly which items ran, which may have run and which were never sent.
/// </summary>
public sealed class CancellationTests(ITestOutputHelper output)
{
    /// <summary>How long after the cancellation a request may still start (one that was being handed over).</summary>
    private static readonly TimeSpan Grace = TimeSpan.FromMilliseconds(250);

    /// <summary>How soon after the cancellation every send must have ended; answers take over a second, so only an aborted send ends this soon.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);

    [Theory]
    [InlineData(ListStrategy.ChainedCursor)]
    [InlineData(ListStrategy.ParallelCursor)]
    [InlineData(ListStrategy.Offset)]
    public async Task Cancelling_a_whole_list_read_stops_the_traffic_and_leaves_nothing_in_flight(ListStrategy strategy)
    {
        await using var lab = new Lab(Lab.Open(o =>
        {
            o.Deals = Soak.Scale(50_000);
            o.LatencyScale = strategy == ListStrategy.Offset ? 1 : 10; // a batch answers after over a second
        }));
        var client = lab.Client(o => o.MaxConcurrency = 6);
        using var cancel = new CancellationTokenSource();
        var rows = 0;
        long cancelledAt = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in client.ListAllAsync("crm.deal.list", new JsonObject { ["select"] = new JsonArray("ID") }, new ListOptions { Strategy = strategy }, cancel.Token))
            {
                if (++rows == 5_000)
                {
                    cancelledAt = Stopwatch.GetTimestamp();
                    await cancel.CancelAsync();
                }
            }
        });

        await AssertTrafficStoppedAsync(lab.Wire, cancelledAt, $"{strategy}: {rows} rows read");
        Assert.Equal(5_000, rows);
    }

    [Fact]
    public async Task Cancelling_a_bulk_write_reports_exactly_which_items_were_written()
    {
        var items = Soak.Scale(2_000);
        await using var lab = new Lab(Lab.Open(o =>
        {
            o.Deals = 10;
            o.LatencyScale = 5; // 25 ms per add: 1.25 s per batch of 50
        }));
        var client = lab.Client(o => o.MaxConcurrency = 4);
        using var cancel = new CancellationTokenSource();
        long cancelledAt = 0;
        lab.Wire.BeforeSend = request =>
        {
            // The twelfth batch is on its way: some batches answered, some in flight, most not sent.
            if (lab.Wire.Started == 12)
            {
                cancelledAt = Stopwatch.GetTimestamp();
                _ = Task.Run(cancel.Cancel);
            }
        };
        var batch = Enumerable.Range(0, items).Select(i => (JsonObject?)new JsonObject
        {
            ["fields"] = new JsonObject { ["TITLE"] = $"x {i}", ["ORIGIN_ID"] = $"x-{i}" },
        });

        var e = await Assert.ThrowsAsync<BitrixBulkCanceledException>(() => client.CallManyAsync("crm.deal.add", batch, cancel.Token));

        await AssertTrafficStoppedAsync(lab.Wire, cancelledAt, e.Message);
        Assert.IsAssignableFrom<OperationCanceledException>(e);
        Assert.Equal(cancel.Token, e.CancellationToken);
        Assert.Equal(items, e.Results.Count);
        Assert.Equal(Enumerable.Range(0, items), e.Results.Select(r => r.Index));
        var succeeded = e.Results.Where(r => r.IsSuccess).ToList();
        var unknown = e.Results.Where(r => r.Error?.Code == BitrixErrorCodes.UnknownOutcome).Select(r => r.Index).ToHashSet();
        var notSent = e.Results.Where(r => r.Error?.Code == BitrixErrorCodes.NotSent).Select(r => r.Index).ToHashSet();
        Assert.Equal(items, succeeded.Count + unknown.Count + notSent.Count);
        Assert.Equal(succeeded, e.Completed);
        Assert.NotEmpty(succeeded);
        Assert.NotEmpty(notSent);

        // What the portal holds: every success, none of the items never sent, and beyond the
        // successes only items reported as possibly run.
        var written = (await lab.OriginsAsync("x-")).ToDictionary(r => r.Origin, r => r.Id);
        foreach (var r in succeeded)
        {
            Assert.Equal(written[$"x-{r.Index}"], r.Result!.Value.GetInt64());
        }

        Assert.DoesNotContain(notSent, index => written.ContainsKey($"x-{index}"));
        var unreported = written.Keys.Select(o => int.Parse(o[2..], System.Globalization.CultureInfo.InvariantCulture)).Where(i => !e.Results[i].IsSuccess && !unknown.Contains(i)).ToList();
        Assert.True(unreported.Count == 0, $"deals written for items reported as not sent: {string.Join(", ", unreported.Take(10))}");
        Assert.True(unknown.Count <= 4 * 50, $"{unknown.Count} items in doubt: more than the four batches that can be in flight");
        output.WriteLine($"{items} adds cancelled at the 12th request: {succeeded.Count} succeeded, {unknown.Count} in flight (of which {written.Count - succeeded.Count} had run), {notSent.Count} not sent; {lab.Wire.Started} requests in all");
    }

    /// <summary>Every send aborted soon after the cancellation, no request started after the grace, none later.</summary>
    private async Task AssertTrafficStoppedAsync(Wire wire, long cancelledAt, string what)
    {
        Assert.True(cancelledAt != 0, "the cancellation never happened");
        Assert.True(await wire.QuietAsync(Settle), $"{wire.InFlight} sends still in flight {Settle.TotalSeconds} s after the cancellation: they were not aborted");
        var quietAfter = Stopwatch.GetElapsedTime(cancelledAt);
        var lastStart = wire.LastStart;
        var started = wire.Started;
        await Task.Delay(TimeSpan.FromSeconds(1));
        output.WriteLine($"{what}; {started} requests; last one started {Stopwatch.GetElapsedTime(cancelledAt, lastStart).TotalMilliseconds:F0} ms after the cancellation; nothing in flight {quietAfter.TotalMilliseconds:F0} ms after it");
        Assert.Equal(started, wire.Started);
        Assert.True(Stopwatch.GetElapsedTime(cancelledAt, lastStart) <= Grace, $"a request started {Stopwatch.GetElapsedTime(cancelledAt, lastStart).TotalMilliseconds:F0} ms after the cancellation");
    }
}
