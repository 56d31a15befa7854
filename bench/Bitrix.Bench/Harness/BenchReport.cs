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

    /// <summary>A scenario's own columns followed by the common ones of <see cref="LimitsResult"/>.</summary>
    public static MarkdownTable WithLimits(params string[] own) => new([.. own, .. LimitsResult.Headers]);

    public void Add(params string[] cells) => _rows.Add(cells);

    /// <summary>A cell of counts by key: <c>A ×2, B ×1</c>, or <c>0</c>.</summary>
    public static string Counts(IReadOnlyDictionary<string, long> counts)
        => counts.Count == 0 ? "0" : string.Join(", ", counts.Select(c => $"{c.Key} ×{c.Value}"));

    /// <summary>A cell of numbers by key: <c>bucket 1.5, batch 0.2</c>, or <c>0</c>.</summary>
    public static string Values(IReadOnlyDictionary<string, double> values, string format)
        => values.Count == 0 ? "0" : string.Join(", ", values.Select(v => $"{v.Key} {v.Value.ToString(format, CultureInfo.InvariantCulture)}"));

    /// <summary>A row of the scenario's own cells followed by the common ones.</summary>
    public void Add(LimitsResult result, params string[] own) => _rows.Add([.. own, .. result.Cells()]);

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

/// <summary>
/// The report plumbing every scenario shares: parameters, notes and failures collected while it runs,
/// then one call that writes the JSON and Markdown files, prints the table and the failures and
/// returns the exit code (0 without failures, 1 with).
/// </summary>
internal sealed class ScenarioReport(string benchmark, string output)
{
    private readonly Dictionary<string, string> _parameters = new(StringComparer.Ordinal);
    private readonly List<string> _notes = [];
    private readonly List<string> _failures = [];

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    public IReadOnlyList<string> Failures => _failures;

    public ScenarioReport Parameter(string name, object value)
    {
        _parameters[name] = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
        return this;
    }

    public ScenarioReport Note(string note)
    {
        _notes.Add(note);
        return this;
    }

    public void Fail(string failure) => _failures.Add(failure);

    /// <summary>Fails when <paramref name="errors"/> is not empty.</summary>
    public void FailOnErrors(string label, IReadOnlyDictionary<string, long> errors, string what = "failed calls")
    {
        if (errors.Count > 0)
        {
            Fail($"{label}: {what} {string.Join(", ", errors.Select(e => $"{e.Key} ×{e.Value}"))}");
        }
    }

    /// <summary>Fails when the emulator refused anything (503 or 429).</summary>
    public void FailOnRefusals(string label, long rejected503, long rejected429)
    {
        if (rejected503 > 0 || rejected429 > 0)
        {
            Fail($"{label}: the emulator refused {rejected503} requests with 503 and {rejected429} calls with 429");
        }
    }

    /// <summary>Writes <c>{benchmark}-{time}.json</c> and <c>.md</c> into the output folder, prints the table and the failures.</summary>
    /// <returns>The exit code: 0 without failures, 1 with.</returns>
    public async Task<int> FinishAsync<TRow>(IReadOnlyList<TRow> rows, MarkdownTable table, CancellationToken cancellationToken)
    {
        var report = new BenchReport<TRow>(benchmark, StartedAt, MachineInfo.Current(), _parameters, rows, [.. _notes, .. _failures.Select(f => "FAILED: " + f)]);
        var (jsonPath, markdownPath) = await ReportWriter.WriteAsync(output, report, table, cancellationToken).ConfigureAwait(false);
        Console.WriteLine();
        Console.Write(ReportWriter.ToMarkdown(report, table));
        Console.WriteLine();
        Console.WriteLine($"wrote {jsonPath}");
        Console.WriteLine($"wrote {markdownPath}");
        foreach (var failure in _failures)
        {
            await Console.Error.WriteLineAsync("FAILED: " + failure).ConfigureAwait(false);
        }

        return _failures.Count == 0 ? 0 : 1;
    }
}
