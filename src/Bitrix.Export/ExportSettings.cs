namespace Bitrix.Export;

/// <summary>What to export and where: the parsed <c>export</c> command line.</summary>
public sealed record ExportSettings
{
    /// <summary>The CRM entity: <c>deal</c>, <c>lead</c>, <c>contact</c> or <c>company</c>.</summary>
    public string Entity { get; init; } = "deal";

    /// <summary>The output file.</summary>
    public required string Out { get; init; }

    /// <summary>The output format.</summary>
    public ExportFormat Format { get; init; } = ExportFormat.Csv;

    /// <summary>The portal's inbound webhook; null = <c>BITRIX_WEBHOOK</c> or the fallback portal.</summary>
    public string? Webhook { get; init; }

    /// <summary>Conditions that must all hold.</summary>
    public IReadOnlyList<FilterCondition> Filters { get; init; } = [];

    /// <summary>The fields to export (ID always first); null = the entity's typed fields.</summary>
    public IReadOnlyList<string>? Select { get; init; }

    /// <summary>The paging strategy.</summary>
    public ListStrategy Strategy { get; init; } = ListStrategy.Auto;

    /// <summary>Stop after this many rows.</summary>
    public long? Max { get; init; }

    /// <summary>Show the live progress bar (otherwise only the summary).</summary>
    public bool Progress { get; init; } = true;
}

/// <summary>Output formats.</summary>
public enum ExportFormat
{
    /// <summary>RFC 4180 CSV with a header row.</summary>
    Csv,

    /// <summary>One JSON object per line.</summary>
    Jsonl,
}
