namespace Bitrix.Listing.Tests;

/// <summary>MaxItems, Progress and cancellation.</summary>
public sealed class OptionTests
{
    private const int MaxConcurrency = 6;

    [Theory]
    [InlineData(ListStrategy.Offset, 3, 1)]
    [InlineData(ListStrategy.Offset, 120, 2 + MaxConcurrency)]
    [InlineData(ListStrategy.ChainedCursor, 120, 2)]
    [InlineData(ListStrategy.ChainedCursor, 2_600, 3)]
    [InlineData(ListStrategy.ParallelCursor, 120, 2 + MaxConcurrency)]
    [InlineData(ListStrategy.Auto, 120, 2 + MaxConcurrency)]
    public async Task MaxItems_stops_the_read_and_the_traffic(ListStrategy strategy, int maxItems, int maxRequests)
    {
        var recorder = new Recorder();
        await using var portal = new Portal(o => o.Deals = 40_000, recorder.Wrap);

        var rows = await portal.ListRowsAsync("crm.deal.list", new JsonObject { ["select"] = new JsonArray("ID") }, new ListOptions { Strategy = strategy, MaxItems = maxItems });
        var atEnd = recorder.Requests;
        await Task.Delay(300);

        Assert.Equal((await portal.Emulator.GetIdsAsync("crm.deal")).Take(maxItems), rows.Select(r => Portal.IdOf(r)));
        Assert.InRange(atEnd, 1, maxRequests);
        Assert.Equal(atEnd, recorder.Requests);
    }

    [Fact]
    public async Task MaxItems_above_the_size_returns_everything()
    {
        await using var portal = new Portal(o => o.Deals = 130);

        var rows = await portal.ListRowsAsync("crm.deal.list", null, new ListOptions { MaxItems = 1_000 });

        Assert.Equal(130, rows.Count);
    }

    [Theory]
    [InlineData(ListStrategy.Offset)]
    [InlineData(ListStrategy.ChainedCursor)]
    [InlineData(ListStrategy.ParallelCursor)]
    [InlineData(ListStrategy.Auto)]
    public async Task Progress_at_the_end_agrees_with_what_was_read_and_sent(ListStrategy strategy)
    {
        var recorder = new Recorder();
        await using var portal = new Portal(o => o.Deals = 12_345, recorder.Wrap);
        var progress = new ProgressLog();

        var rows = await portal.ListRowsAsync("crm.deal.list", new JsonObject { ["select"] = new JsonArray("ID") }, new ListOptions { Strategy = strategy, Progress = progress });

        var last = progress.Last!;
        Assert.Equal(12_345, rows.Count);
        Assert.Equal(rows.Count, last.Rows);
        Assert.Equal(12_345, last.ExpectedTotal);
        Assert.Equal(recorder.Requests, last.Requests);
        Assert.False(last.TotalChanged);
        Assert.Null(last.EstimatedRemaining is { } left && left > TimeSpan.Zero ? left : null);
    }

    [Fact]
    public async Task Progress_with_MaxItems_reports_the_rows_delivered()
    {
        await using var portal = new Portal(o => o.Deals = 5_000);
        var progress = new ProgressLog();

        var rows = await portal.ListRowsAsync("crm.deal.list", null, new ListOptions { MaxItems = 77, Progress = progress });

        Assert.Equal(77, rows.Count);
        Assert.Equal(77, progress.Last!.Rows);
        Assert.Equal(5_000, progress.Last.ExpectedTotal);
    }

    [Theory]
    [InlineData(ListStrategy.Offset)]
    [InlineData(ListStrategy.ChainedCursor)]
    [InlineData(ListStrategy.ParallelCursor)]
    public async Task Cancellation_mid_read_ends_with_OperationCanceledException_and_no_more_requests(ListStrategy strategy)
    {
        var recorder = new Recorder();

        // Real waits make the read last long enough to be cancelled in the middle.
        await using var portal = new Portal(o =>
        {
            o.Deals = 30_000;
            o.LatencyScale = strategy == ListStrategy.Offset ? 0.2 : 1;
        }, recorder.Wrap);
        using var cancel = new CancellationTokenSource();
        var rows = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var row in portal.Client.ListAllAsync("crm.deal.list", new JsonObject { ["select"] = new JsonArray("ID") }, new ListOptions { Strategy = strategy }, cancel.Token))
            {
                if (++rows == 600)
                {
                    await cancel.CancelAsync();
                }
            }
        });
        var atEnd = recorder.Requests;
        await Task.Delay(500);

        Assert.InRange(rows, 600, 29_999);
        Assert.Equal(atEnd, recorder.Requests);
    }

    [Fact]
    public async Task A_token_cancelled_before_the_read_sends_nothing()
    {
        var recorder = new Recorder();
        await using var portal = new Portal(o => o.Deals = 100, recorder.Wrap);
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var row in portal.Client.ListAllAsync("crm.deal.list", null, null, cancel.Token))
            {
                Assert.Fail("No row should come back.");
            }
        });

        Assert.Equal(0, recorder.Requests);
    }
}
