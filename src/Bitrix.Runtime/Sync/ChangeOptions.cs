namespace Bitrix;

/// <summary>How <see cref="BitrixClient.ChangesAsync(string, SyncCheckpoint?, System.Text.Json.Nodes.JsonObject?, ChangeOptions?, CancellationToken)"/> reads changed rows.</summary>
public sealed class ChangeOptions
{
    /// <summary>
    /// The cursor that reads the changed rows. <see cref="ListStrategy.Auto"/>: the parallel cursor
    /// for a first, unfiltered read, the chained cursor for changes since a checkpoint (edited rows
    /// enter the filtered ID ranges while they are read, which the parallel cursor's counted pieces
    /// would miss, so it is refused then). Offsets give no resumable position and are refused.
    /// </summary>
    public ListStrategy Strategy { get; set; } = ListStrategy.Auto;

    /// <summary>
    /// The modification-time field the filter takes; by default <c>updatedTime</c> for crm.item.list,
    /// <c>CHANGED_DATE</c> for tasks.task.list and <c>DATE_MODIFY</c> for other lists.
    /// </summary>
    public string? ModifiedField { get; set; }

    /// <summary>The key of the modification time in a row, when it differs from <see cref="ModifiedField"/> (tasks.task.list: <c>changedDate</c>).</summary>
    public string? ModifiedKey { get; set; }

    /// <summary>
    /// How far before the portal's start of a read the next one begins: room for writes stamped
    /// by a server clock that lags and for transactions that commit after their stamp. Rows read
    /// again inside it are recognised and not delivered twice.
    /// </summary>
    public TimeSpan Overlap { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The key of the rows' ID when it is not <c>ID</c> (crm.item: <c>id</c>).</summary>
    public string? IdKey { get; set; }

    /// <summary>The key wrapping the rows when the method wraps them (<c>items</c>, <c>tasks</c>, ...).</summary>
    public string? WrapperKey { get; set; }

    /// <summary>Reports progress while rows arrive.</summary>
    public IProgress<ListProgress>? Progress { get; set; }
}
