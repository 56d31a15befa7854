using System.Collections.Concurrent;

namespace Bitrix.Emulator;

/// <summary>Thread-safe counters behind <see cref="EmulatorStats"/>.</summary>
internal sealed class StatsCollector
{
    private readonly ConcurrentDictionary<int, long> _byStatus = new();
    private readonly ConcurrentDictionary<FaultKind, long> _faults = new();
    private readonly ConcurrentDictionary<string, long> _calls = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, double> _operating = new(StringComparer.OrdinalIgnoreCase);
    private long _requests;
    private long _rejected503;
    private long _rejected429;
    private long _inserts;
    private long _deletes;
    private long _modifies;
    private long _refreshes;

    private long _internalFailures;

    public string? LastInternalFailure { get; private set; }

    public void InternalFailure(Exception e)
    {
        Interlocked.Increment(ref _internalFailures);
        LastInternalFailure = e.ToString();
    }

    public void Request() => Interlocked.Increment(ref _requests);

    public void Answer(int status) => _byStatus.AddOrUpdate(status, 1, (_, n) => n + 1);

    public void Rejected503() => Interlocked.Increment(ref _rejected503);

    public void Rejected429() => Interlocked.Increment(ref _rejected429);

    public void Fault(FaultKind kind) => _faults.AddOrUpdate(kind, 1, (_, n) => n + 1);

    public void Call(string method, double seconds)
    {
        _calls.AddOrUpdate(method, 1, (_, n) => n + 1);
        _operating.AddOrUpdate(method, seconds, (_, s) => s + seconds);
    }

    public void Inserted() => Interlocked.Increment(ref _inserts);

    public void Deleted() => Interlocked.Increment(ref _deletes);

    public void Modified() => Interlocked.Increment(ref _modifies);

    public void Refreshed() => Interlocked.Increment(ref _refreshes);

    public void Reset()
    {
        _byStatus.Clear();
        _faults.Clear();
        _calls.Clear();
        _operating.Clear();
        _internalFailures = _requests = _rejected503 = _rejected429 = _inserts = _deletes = _modifies = _refreshes = 0;
        LastInternalFailure = null;
    }

    public EmulatorStats Snapshot(double bucketLevel, IReadOnlyDictionary<string, long> counts, IReadOnlyDictionary<string, long> maxIds) => new()
    {
        Requests = Interlocked.Read(ref _requests),
        AnswersByStatus = new SortedDictionary<int, long>(_byStatus),
        Rejected503 = Interlocked.Read(ref _rejected503),
        Rejected429 = Interlocked.Read(ref _rejected429),
        Faults = new Dictionary<FaultKind, long>(_faults),
        CallsByMethod = new SortedDictionary<string, long>(_calls, StringComparer.OrdinalIgnoreCase),
        OperatingSecondsByMethod = new SortedDictionary<string, double>(_operating, StringComparer.OrdinalIgnoreCase),
        BucketLevel = bucketLevel,
        EntityCounts = counts,
        MaxIds = maxIds,
        MutationInserts = Interlocked.Read(ref _inserts),
        MutationDeletes = Interlocked.Read(ref _deletes),
        MutationModifies = Interlocked.Read(ref _modifies),
        TokenRefreshes = Interlocked.Read(ref _refreshes),
        InternalFailures = Interlocked.Read(ref _internalFailures),
        LastInternalFailure = LastInternalFailure,
    };
}
