using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bitrix.Export.Writers;

/// <summary>JSON Lines: one object per row with every column as a key (null when the row has no value), LF line ends, UTF-8.</summary>
internal sealed class JsonlRowWriter : RowWriter
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    private readonly BufferedStream _stream;
    private readonly Utf8JsonWriter _json;

    public JsonlRowWriter(Stream stream, IReadOnlyList<string> columns)
        : base(columns)
    {
        _stream = new BufferedStream(stream, 1 << 16);
        _json = new Utf8JsonWriter(_stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true });
    }

    public override Task WriteHeaderAsync() => Task.CompletedTask;

    public override async Task WriteRowAsync(JsonObject row)
    {
        _json.Reset();
        _json.WriteStartObject();
        foreach (var column in Columns)
        {
            _json.WritePropertyName(column);
            if (row[column] is { } value)
            {
                value.WriteTo(_json);
            }
            else
            {
                _json.WriteNullValue();
            }
        }

        _json.WriteEndObject();
        await _json.FlushAsync().ConfigureAwait(false);
        await _stream.WriteAsync(NewLine).ConfigureAwait(false);
    }

    public override async ValueTask DisposeAsync()
    {
        await _json.DisposeAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
    }
}
