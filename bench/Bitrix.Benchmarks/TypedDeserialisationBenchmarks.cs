using System.Text.Json;
using BenchmarkDotNet.Attributes;

namespace Bitrix.Benchmarks;

/// <summary>
/// Reading deal rows from the bytes of an answer: the generated typed record (<see cref="Deal.FromJson"/>,
/// what <c>bx.Crm.Deal.ListAllAsync</c> hands out) against <see cref="JsonElement"/> (the raw API: every
/// value read as the string the portal sent). A 50-row page and a 2,500-row batch; the 5-field export
/// select and all 44 fields of a legacy deal row. Both parse the document; deals/s = rows ÷ mean (printed after the run).
/// </summary>
[MemoryDiagnoser]
public class TypedDeserialisationBenchmarks
{
    private byte[] _json = [];

    [Params(50, 2_500)]
    public int Rows { get; set; }

    [Params(5, 44)]
    public int Fields { get; set; }

    /// <summary>Input as the portal escapes it (non-ASCII as <c>\uxxxx</c>, <c>/</c> as <c>\/</c>, ...) or with only JSON's own escapes.</summary>
    [Params(false, true)]
    public bool PortalEscaped { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        _json = await DealJson.RowsAsync(Rows, allFields: Fields == 44, PortalEscaped).ConfigureAwait(false);

        // Both readers must see every row, and the typed one every field (nothing left in AdditionalData).
        var typed = ReadTyped(out var extra);
        if (typed != Rows || extra != 0 || RawValues() < Rows * Fields)
        {
            throw new InvalidOperationException($"typed read {typed} rows with {extra} unknown fields; expected {Rows} and 0");
        }
    }

    [Benchmark(Baseline = true)]
    public long JsonElementStrings() => RawValues();

    [Benchmark]
    public long TypedRecords() => ReadTyped(out _);

    private long RawValues()
    {
        using var document = JsonDocument.Parse(_json);
        long values = 0;
        foreach (var row in document.RootElement.GetProperty("result").EnumerateArray())
        {
            foreach (var property in row.EnumerateObject())
            {
                // The string the portal sent, as a raw-API caller reads it; nulls and lists count as read.
                var value = property.Value;
                values += value.ValueKind != JsonValueKind.String || value.GetString() is not null ? 1 : 0;
            }
        }

        return values;
    }

    private int ReadTyped(out int unknownFields)
    {
        using var document = JsonDocument.Parse(_json);
        var rows = 0;
        unknownFields = 0;
        foreach (var row in document.RootElement.GetProperty("result").EnumerateArray())
        {
            var deal = Deal.FromJson(row);
            rows += deal.Id is null ? 0 : 1;
            unknownFields += deal.AdditionalData?.Count ?? 0;
        }

        return rows;
    }
}
