namespace Bitrix.Emulator;

/// <summary>A snapshot of what the emulated portal has seen and holds (<c>GET /_emulator/stats</c>).</summary>
public sealed record EmulatorStats
{
    /// <summary>REST requests received (batch = one), including refused and faulted ones.</summary>
    public long Requests { get; init; }

    /// <summary>Answers by HTTP status.</summary>
    public IReadOnlyDictionary<int, long> AnswersByStatus { get; init; } = new Dictionary<int, long>();

    /// <summary>Requests refused with 503 QUERY_LIMIT_EXCEEDED by the leaky bucket.</summary>
    public long Rejected503 { get; init; }

    /// <summary>Calls refused with 429 OPERATION_TIME_LIMIT (whole requests and batch commands).</summary>
    public long Rejected429 { get; init; }

    /// <summary>Injected faults by kind.</summary>
    public IReadOnlyDictionary<FaultKind, long> Faults { get; init; } = new Dictionary<FaultKind, long>();

    /// <summary>Calls per method (a batch counts as <c>batch</c> plus each of its commands).</summary>
    public IReadOnlyDictionary<string, long> CallsByMethod { get; init; } = new Dictionary<string, long>();

    /// <summary>Modelled server seconds charged per method since start or reset.</summary>
    public IReadOnlyDictionary<string, double> OperatingSecondsByMethod { get; init; } = new Dictionary<string, double>();

    /// <summary>The leaky bucket counter now.</summary>
    public double BucketLevel { get; init; }

    /// <summary>Existing rows per entity.</summary>
    public IReadOnlyDictionary<string, long> EntityCounts { get; init; } = new Dictionary<string, long>();

    /// <summary>Highest ID ever given per entity.</summary>
    public IReadOnlyDictionary<string, long> MaxIds { get; init; } = new Dictionary<string, long>();

    /// <summary>Rows inserted by the mutation process.</summary>
    public long MutationInserts { get; init; }

    /// <summary>Rows deleted by the mutation process.</summary>
    public long MutationDeletes { get; init; }

    /// <summary>Rows modified by the mutation process.</summary>
    public long MutationModifies { get; init; }

    /// <summary>OAuth token refreshes served by <c>/oauth/token/</c>.</summary>
    public long TokenRefreshes { get; init; }

    /// <summary>Requests that hit a defect of the emulator itself (answered 500); should stay zero.</summary>
    public long InternalFailures { get; init; }

    /// <summary>The last such defect, for diagnosis.</summary>
    public string? LastInternalFailure { get; init; }
}
