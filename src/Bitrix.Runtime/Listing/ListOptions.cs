namespace Bitrix;

/// <summary>How <see cref="BitrixClient.ListAllAsync(string, System.Text.Json.Nodes.JsonObject?, ListOptions?, CancellationToken)"/> reads a list.</summary>
public sealed class ListOptions
{
    /// <summary>The paging strategy; <see cref="ListStrategy.Auto"/> chooses from what the method supports.</summary>
    public ListStrategy Strategy { get; set; } = ListStrategy.Auto;

    /// <summary>Stop after this many rows.</summary>
    public long? MaxItems { get; set; }

    /// <summary>The key of the rows' ID when it is not <c>ID</c> (crm.item: <c>id</c>).</summary>
    public string? IdKey { get; set; }

    /// <summary>The key wrapping the rows when the method wraps them (<c>items</c>, <c>tasks</c>, ...).</summary>
    public string? WrapperKey { get; set; }

    /// <summary>Reports progress while rows arrive.</summary>
    public IProgress<ListProgress>? Progress { get; set; }
}

/// <summary>Ways to read a whole list.</summary>
public enum ListStrategy
{
    /// <summary>Choose from what the method supports and the size of the list.</summary>
    Auto,

    /// <summary>Offsets (<c>start</c> = 0, 50, 100, ...) packed into batches.</summary>
    Offset,

    /// <summary>An ID cursor (<c>&gt;ID</c>, <c>start=-1</c>) chained 50 pages per batch.</summary>
    ChainedCursor,

    /// <summary>Chained cursors over ID ranges, run concurrently.</summary>
    ParallelCursor,
}

/// <summary>Progress of a list read.</summary>
public sealed record ListProgress
{
    /// <summary>Rows delivered so far.</summary>
    public long Rows { get; init; }

    /// <summary>The expected total, when the portal reported one.</summary>
    public long? ExpectedTotal { get; init; }

    /// <summary>HTTP requests sent so far.</summary>
    public long Requests { get; init; }

    /// <summary>Time since the read started.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>Rows per second so far.</summary>
    public double RowsPerSecond => Elapsed.TotalSeconds > 0 ? Rows / Elapsed.TotalSeconds : 0;

    /// <summary>Estimated time left, when the total is known.</summary>
    public TimeSpan? EstimatedRemaining => ExpectedTotal is { } total && RowsPerSecond > 0 ? TimeSpan.FromSeconds(Math.Max(0, total - Rows) / RowsPerSecond) : null;

    /// <summary>What the reader is waiting for now, if anything (bucket, operating budget, backoff).</summary>
    public string? WaitReason { get; init; }

    /// <summary>The list's size changed during an offset read: rows may have shifted past the reader.</summary>
    public bool TotalChanged { get; init; }
}
