using Bitrix.Throttling;

namespace Bitrix.Runtime.Tests.Throttling;

/// <summary>Wait tracking alone: which reason is reported while waits overlap, and that a ticket ends once.</summary>
public sealed class WaitTrackerTests
{
    [Fact]
    public void The_first_reason_in_order_is_reported_while_waits_overlap_and_a_ticket_ends_once()
    {
        var waits = new WaitTracker(new CountingClock());
        Assert.Null(waits.CurrentWaitReason);

        var backoff = waits.Waiting(WaitReasons.Backoff);
        var bucket = waits.Waiting(WaitReasons.Bucket);
        var before = waits.CurrentWaitReason;
        var operating = waits.Waiting(WaitReasons.Operating);
        var another = waits.Waiting(WaitReasons.Operating);
        var both = waits.CurrentWaitReason;
        operating.Dispose();
        operating.Dispose();
        var one = waits.CurrentWaitReason;
        another.Dispose();
        var none = waits.CurrentWaitReason;
        bucket.Dispose();

        Assert.Equal(WaitReasons.Bucket, before);
        Assert.Equal(WaitReasons.Operating, both);
        Assert.Equal(WaitReasons.Operating, one);
        Assert.Equal(WaitReasons.Bucket, none);
        Assert.Equal(WaitReasons.Backoff, waits.CurrentWaitReason);
        backoff.Dispose();
        Assert.Null(waits.CurrentWaitReason);
    }
}
