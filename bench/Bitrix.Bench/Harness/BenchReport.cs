using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bitrix.Bench.Harness;

/// <summary>
/// One run of one scenario: where it ran, with which parameters, and its rows. Written as JSON
/// (for tools and history) and as a Markdown table (for the README and reviews).
/// </summary>
internal sealed record BenchReport<TRow>(
    string Benchmark,
    DateTimeOffset StartedAt,
    MachineInfo Machine,
    IReadOnlyDictionary<string, string> Parameters,
    IReadOnlyList<TRow> Results,
    IReadOnlyList<string> Notes);

/// <summary>The machine a run happened on; throughput numbers mean little without it.</summary>
internal sealed record MachineInfo(int LogicalCores, string Os, string Runtime, string Architecture)
{
    public static MachineInfo Current() => new(
        Environment.ProcessorCount,
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        RuntimeInformation.ProcessArchitecture.ToString());

    public override string ToString() => $"{LogicalCores} logical cores, {Os}, {Runtime}, {Architecture}";
}

/// <summary>A Markdown table built by a scenario from its rows.</summary>
internal sealed class MarkdownTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public void Add(params string[] cells) => _rows.Add(cells);

    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append("| ").AppendJoin(" | ", headers).AppendLine(" |");
        sb.Append('|').AppendJoin('|', headers.Select(_ => "---")).AppendLine("|");
        foreach (var row in _rows)
        {
            sb.Append("| ").AppendJoin(" | ", row).AppendLine(" |");
        }

        return sb.ToString();
    }
}

/// <summary>Writes a report into the output folder as <c>{benchmark}-{timestamp}.json</c> and <c>.md</c>.</summary>
internal static class ReportWriter
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static async Task<(string Json, string Markdown)> WriteAsync<TRow>(string folder, BenchReport<TRow> report, MarkdownTable table, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var stem = Path.Combine(folder, $"{report.Benchmark}-{report.StartedAt.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}");
        var jsonPath = stem + ".json";
        var markdownPath = stem + ".md";
        await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(report, Json), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(markdownPath, ToMarkdown(report, table), cancellationToken).ConfigureAwait(false);
        return (jsonPath, markdownPath);
    }

    public static string ToMarkdown<TRow>(BenchReport<TRow> report, MarkdownTable table)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"## {report.Benchmark} — {report.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)}");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Machine: {report.Machine}.");
        sb.AppendLine(CultureInfo.InvariantCulture, $"Parameters: {string.Join(", ", report.Parameters.Select(p => $"{p.Key} {p.Value}"))}.");
        sb.AppendLine();
        sb.Append(table);
        foreach (var note in report.Notes)
        {
            sb.AppendLine();
            sb.AppendLine(note);
        }

        return sb.ToString();
    }
}
