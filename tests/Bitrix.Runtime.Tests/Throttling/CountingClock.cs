using Microsoft.Extensions.Time.Testing;

namespace Bitrix.Runtime.Tests.Throttling;

/// <summary>A fake clock that counts the timers started on it, so a test can advance it only once a wait has begun.</summary>
internal sealed class CountingClock : FakeTimeProvider
{
    private int _timers;

    public int Timers => Volatile.Read(ref _timers);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        Interlocked.Increment(ref _timers);
        return base.CreateTimer(callback, state, dueTime, period);
    }

    /// <summary>Waits (in real time, a few seconds at most) until <paramref name="count"/> timers have been started.</summary>
    public void WaitForTimers(int count)
        => Assert.True(SpinWait.SpinUntil(() => Timers >= count, TimeSpan.FromSeconds(10)), $"{Timers} timers started, {count} expected");
}
