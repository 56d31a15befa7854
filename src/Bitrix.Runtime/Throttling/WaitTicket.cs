namespace Bitrix.Throttling;

/// <summary>One wait in progress (<see cref="WaitTracker.Waiting"/>); disposing it ends the wait, once.</summary>
internal sealed class WaitTicket : IDisposable
{
    private readonly WaitTracker _owner;
    private readonly int _index;
    private readonly long _started;
    private int _done;

    internal WaitTicket(WaitTracker owner, int index, long started)
    {
        _owner = owner;
        _index = index;
        _started = started;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _done, 1) == 0)
        {
            _owner.End(_index, _started);
        }
    }
}
