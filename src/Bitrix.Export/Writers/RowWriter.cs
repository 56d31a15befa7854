using System.Text.Json.Nodes;

namespace Bitrix.Export.Writers;

/// <summary>Writes exported rows, one at a time, with a fixed list of columns.</summary>
internal abstract class RowWriter : IAsyncDisposable
{
    protected RowWriter(IReadOnlyList<string> columns) => Columns = columns;

    protected IReadOnlyList<string> Columns { get; }

    public static RowWriter Create(ExportFormat format, Stream stream, IReadOnlyList<string> columns) => format switch
    {
        ExportFormat.Jsonl => new JsonlRowWriter(stream, columns),
        _ => new CsvRowWriter(stream, columns),
    };

    /// <summary>Writes what comes before the rows (the CSV header).</summary>
    public abstract Task WriteHeaderAsync();

    /// <summary>Writes one row: its values of <see cref="Columns"/>, missing ones empty.</summary>
    public abstract Task WriteRowAsync(JsonObject row);

    /// <summary>Flushes everything written and closes the stream.</summary>
    public abstract ValueTask DisposeAsync();
}
