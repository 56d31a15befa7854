using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Bitrix.Throttling.Tests;

public sealed class OperatingBudgetTests
{
    [Fact]
    public async Task A_method_driven_to_its_budget_meets_no_429_resumes_after_the_reset_and_leaves_other_methods_alone()
    {
        await using var harness = new Harness(Harness.Scaled(capacity: 1000, drain: 1000, o =>
        {
            o.OperatingLimitSeconds = 1.0;
            o.OperatingWindow = TimeSpan.FromSeconds(3);
            o.Cost = o.Cost with { ReadSeconds = 0.05 };
        }));
        var client = harness.Client(o =>
        {
            o.OperatingLimitSeconds = 1.0;
            o.MaxConcurrency = 2;
        });
        using var waits = new WaitRecorder();

        var dealCalls = Task.WhenAll(Enumerable.Range(0, 30).Select(i => client.CallAsync("crm.deal.get", Harness.Params(("ID", 1 + i)))));
        await Until(() => client.CurrentWaitReason == "operating budget" || dealCalls.IsCompleted);
        Assert.False(dealCalls.IsCompleted, "30 calls of 0.05 s cannot fit a budget of 1 s with its reserve");
        var leadCalls = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => client.CallAsync("crm.lead.get", Harness.Params(("ID", 1 + i)))));
        var leadsDoneWhileDealsBlocked = !dealCalls.IsCompleted;
        var deals = await dealCalls;

        var stats = await harness.Emulator.GetStatsAsync();
        Assert.Equal(30, deals.Length);
        Assert.Contains("operating budget", waits.Reasons);
        Assert.Equal(10, leadCalls.Length);
        Assert.Equal(0, stats.Rejected429);
        Assert.True(leadsDoneWhileDealsBlocked, "crm.lead.get must not wait for crm.deal.get's budget");
        Assert.True(stats.OperatingSecondsByMethod["crm.deal.get"] > 1.0, "the deal calls spent more than one window's budget, so they resumed after a reset");
    }

    private static async Task Until(Func<bool> condition)
    {
        for (var i = 0; i < 3000 && !condition(); i++)
        {
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task A_429_inside_a_batch_is_resent_after_the_reset_while_its_siblings_keep_their_results()
    {
        await using var harness = new Harness(Harness.Scaled(capacity: 1000, drain: 1000, o =>
        {
            o.OperatingLimitSeconds = 0.2;
            o.OperatingWindow = TimeSpan.FromSeconds(2);
            o.Cost = o.Cost with { ReadSeconds = 0.05 };
        }));

        // The client believes in a far larger budget, so the portal, not the mirror, blocks crm.deal.get.
        var client = harness.Client(o => o.OperatingLimitSeconds = 10_000);
        var items = Enumerable.Range(0, 40).Select(i => Harness.Params(("ID", 1 + i)));

        var results = await client.CallManyAsync("crm.deal.get", items);

        var stats = await harness.Emulator.GetStatsAsync();
        Assert.Equal(40, results.Count);
        Assert.All(results, r => Assert.True(r.IsSuccess, r.ToString()));
        Assert.Equal(Enumerable.Range(1, 40).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), results.Select(r => r.Result!.Value.GetProperty("ID").GetString()));
        Assert.True(stats.Rejected429 > 0, "the portal refused some commands, which were then sent again");
    }
}

/// <summary>Listens to the client's wait histogram.</summary>
internal sealed class WaitRecorder : IDisposable
{
    private readonly MeterListener _listener = new();

    public WaitRecorder()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Bitrix.Client" && instrument.Name == "bitrix.client.wait.duration")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "reason" && tag.Value as string is { } reason)
                {
                    Reasons.Enqueue(reason);
                }
            }
        });
        _listener.Start();
    }

    public ConcurrentQueue<string> Reasons { get; } = new();

    public void Dispose() => _listener.Dispose();
}
