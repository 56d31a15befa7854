using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Time.Testing;

namespace Bitrix.Throttling.Tests;

public sealed class OperatingBudgetTests
{
    [Fact]
    public async Task A_method_driven_to_its_budget_meets_no_429_resumes_after_the_reset_and_leaves_other_methods_alone()
    {
        // One fake clock for portal and client: the block lasts until the test moves time on.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var harness = new Harness(Harness.Scaled(capacity: 1000, drain: 1000, o =>
        {
            o.OperatingLimitSeconds = 1.0;
            o.Cost = o.Cost with { ReadSeconds = 0.1 };
            o.TimeProvider = time;
        }));
        var client = harness.Client(o =>
        {
            o.OperatingLimitSeconds = 1.0;
            o.MaxConcurrency = 2;
            o.TimeProvider = time;
        });

        var dealIds = await harness.Emulator.GetIdsAsync("crm.deal");
        var leadIds = await harness.Emulator.GetIdsAsync("crm.lead");
        var dealCalls = Task.WhenAll(Enumerable.Range(0, 12).Select(i => client.CallAsync("crm.deal.get", Harness.Params(("ID", dealIds[i])))));
        await WaitForQuiet(harness);
        var dealsBeforeReset = harness.Probe.Requests;
        var leads = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => client.CallAsync("crm.lead.get", Harness.Params(("ID", leadIds[i])))));
        var dealsBlockedWhileLeadsRan = !dealCalls.IsCompleted;
        var reasonWhileBlocked = client.CurrentWaitReason;

        time.Advance(TimeSpan.FromMinutes(11));
        var deals = await dealCalls.WaitAsync(TimeSpan.FromSeconds(30));

        var stats = await harness.Emulator.GetStatsAsync();
        Assert.InRange(dealsBeforeReset, 1, 11);
        Assert.True(dealsBlockedWhileLeadsRan, "crm.lead.get ran to the end while crm.deal.get waited for its reset");
        Assert.Equal("operating budget", reasonWhileBlocked);
        Assert.Equal(4, leads.Length);
        Assert.Equal(12, deals.Length);
        Assert.Equal(0, stats.Rejected429);
    }

    /// <summary>Lets the calls that may go reach the wire.</summary>
    private static async Task WaitForQuiet(Harness harness)
    {
        var last = -1;
        for (var i = 0; i < 100 && harness.Probe.Requests != last; i++)
        {
            last = harness.Probe.Requests;
            await Task.Delay(50);
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
        var ids = (await harness.Emulator.GetIdsAsync("crm.deal")).Take(40).ToList();
        var items = ids.Select(id => Harness.Params(("ID", id)));

        var results = await client.CallManyAsync("crm.deal.get", items);

        var stats = await harness.Emulator.GetStatsAsync();
        Assert.Equal(40, results.Count);
        Assert.All(results, r => Assert.True(r.IsSuccess, r.ToString()));
        Assert.Equal(ids.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), results.Select(r => r.Result!.Value.GetProperty("ID").GetString()));
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
