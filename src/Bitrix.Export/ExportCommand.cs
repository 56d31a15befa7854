using System.CommandLine;

namespace Bitrix.Export;

/// <summary>The <c>export</c> command line, shared by <c>bitrix export</c> and <c>samples/Export</c>.</summary>
public static class ExportCommand
{
    /// <summary>A <c>bitrix export</c> subcommand.</summary>
    public static Command Create(CliContext context)
    {
        var command = new Command("export", "Export every row of a CRM entity to CSV or JSON Lines, streaming, with live progress.");
        Configure(command, context);
        return command;
    }

    /// <summary>Adds the export options and action to <paramref name="command"/> (a root command in the sample).</summary>
    public static void Configure(Command command, CliContext context)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(context);
        var output = new Option<string>("--out", "-o") { Description = "The output file (.csv or .jsonl)", Required = true };
        var entity = new Option<string>("--entity", "-e") { Description = "The CRM entity", DefaultValueFactory = _ => "deal" };
        entity.AcceptOnlyFromAmong([.. CrmEntities.Names]);
        var format = new Option<string?>("--format") { Description = "csv or jsonl [default: from the --out extension, else csv]" };
        format.AcceptOnlyFromAmong("csv", "jsonl");
        var webhook = WebhookOption(context.FallbackPortal is null
            ? "The portal's inbound webhook URL [default: env BITRIX_WEBHOOK]"
            : "The portal's inbound webhook URL [default: env BITRIX_WEBHOOK; neither: an embedded emulator]");
        var filter = new Option<string[]>("--filter", "-f")
        {
            Description = "A condition [OPERATOR]FIELD=VALUE in the portal's notation, repeatable: STAGE_ID=WON, '>=DATE_CREATE=2024-01-01', '@STAGE_ID=NEW,WON', '%TITLE=acme'",
            AllowMultipleArgumentsPerToken = false,
        };
        var select = new Option<string[]>("--select", "-s") { Description = "Fields to export, comma-separated or repeated; '*' = the typed fields, 'UF_*' = every user field [default: the typed fields]" };
        var strategy = new Option<string>("--strategy") { Description = "How to page: auto, parallel, chained or offset", DefaultValueFactory = _ => "auto" };
        strategy.AcceptOnlyFromAmong("auto", "parallel", "chained", "offset");
        var max = new Option<long?>("--max") { Description = "Stop after this many rows" };
        var noProgress = new Option<bool>("--no-progress") { Description = "No progress bar: only the summary" };
        foreach (var option in new Option[] { output, entity, format, webhook, filter, select, strategy, max, noProgress })
        {
            command.Options.Add(option);
        }

        command.SetAction((parsed, cancellationToken) =>
        {
            var settings = new ExportSettings
            {
                Out = parsed.GetRequiredValue(output),
                Entity = parsed.GetRequiredValue(entity),
                Format = FormatOf(parsed.GetValue(format), parsed.GetRequiredValue(output)),
                Webhook = parsed.GetValue(webhook),
                Filters = [.. (parsed.GetValue(filter) ?? []).Select(FilterCondition.Parse)],
                Select = SelectOf(parsed.GetValue(select)),
                Strategy = StrategyOf(parsed.GetRequiredValue(strategy)),
                Max = parsed.GetValue(max) is { } m and <= 0 ? throw new CliException("--max must be at least 1") : parsed.GetValue(max),
                Progress = !parsed.GetValue(noProgress),
            };
            return ExportRunner.RunAsync(settings, context, cancellationToken);
        });
    }

    /// <summary>The <c>--webhook</c> option every command takes.</summary>
    internal static Option<string?> WebhookOption(string description) => new("--webhook", "-w") { Description = description };

    private static ExportFormat FormatOf(string? format, string output) => format switch
    {
        "jsonl" => ExportFormat.Jsonl,
        "csv" => ExportFormat.Csv,
        _ when output.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || output.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase) => ExportFormat.Jsonl,
        _ => ExportFormat.Csv,
    };

    private static string[]? SelectOf(string[]? values)
    {
        if (values is null || values.Length == 0)
        {
            return null;
        }

        var fields = values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
        return fields.Length == 0 ? throw new CliException("--select needs at least one field") : fields;
    }

    private static ListStrategy StrategyOf(string strategy) => strategy switch
    {
        "parallel" => ListStrategy.ParallelCursor,
        "chained" => ListStrategy.ChainedCursor,
        "offset" => ListStrategy.Offset,
        _ => ListStrategy.Auto,
    };
}
