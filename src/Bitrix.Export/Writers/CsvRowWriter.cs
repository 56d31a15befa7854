using System.Text;
using System.Text.Json.Nodes;

namespace Bitrix.Export.Writers;

/// <summary>RFC 4180: CRLF line ends, a header row, fields quoted when they hold a comma, quote, CR or LF.</summary>
internal sealed class CsvRowWriter : RowWriter
{
    private readonly StreamWriter _writer;
    private readonly string[] _fields;

    public CsvRowWriter(Stream stream, IReadOnlyList<string> columns)
        : base(columns)
    {
        _writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16) { NewLine = "\r\n" };
        _fields = new string[columns.Count];
    }

    public override ValueTask DisposeAsync() => _writer.DisposeAsync();

    public override Task WriteHeaderAsync() => WriteRecordAsync(Columns);

    public override Task WriteRowAsync(JsonObject row)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            _fields[i] = CellText.Of(row[Columns[i]]);
        }

        return WriteRecordAsync(_fields);
    }

    /// <summary>A field as RFC 4180 wants it: quoted (quotes doubled) when it holds <c>,</c> <c>"</c> CR or LF, or starts or ends with a space.</summary>
    public static string Quote(string field)
    {
        if (field.Length == 0)
        {
            return field;
        }

        var needs = field.AsSpan().IndexOfAny(",\"\r\n") >= 0 || field[0] == ' ' || field[^1] == ' ';
        return needs ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
    }

    private async Task WriteRecordAsync(IReadOnlyList<string> fields)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0)
            {
                await _writer.WriteAsync(',').ConfigureAwait(false);
            }

            await _writer.WriteAsync(Quote(fields[i])).ConfigureAwait(false);
        }

        await _writer.WriteLineAsync().ConfigureAwait(false);
    }
}
