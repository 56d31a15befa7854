using System.Diagnostics;
using System.Globalization;
using Bitrix.Export.Writers;
using Spectre.Console;

namespace Bitrix.Export;

/// <summary>
/// The export: checks the request against the portal's field catalog, streams every row through the
/// typed API into the output (written as <c>OUT.partial</c>, renamed when complete, removed on failure),
/// shows live progress and ends with a one-line summary.
/// </summary>
public static class ExportRunner
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(200);

    /// <summary>Runs one export; returns the exit code (failures throw, see <see cref="CommandLine.Describe"/>).</summary>
    public static async Task<int> RunAsync(ExportSettings settings, CliContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(context);
        FallbackPortal? fallback = null;
        try
        {
            var webhook = context.ResolveWebhook(settings.Webhook);
            if (webhook is null)
            {
                if (context.FallbackPortal is null)
                {
                    throw new CliException("no portal given: pass --webhook https://PORTAL/rest/USER_ID/CODE/ or set BITRIX_WEBHOOK");
                }

                fallback = await context.FallbackPortal(cancellationToken).ConfigureAwait(false);
                context.Console.WriteLine(fallback.Description);
                webhook = fallback.WebhookUrl.ToString();
            }

            using var counters = new ClientCounters();
            var client = context.CreateClient(webhook);
            await using (client.ConfigureAwait(false))
            {
                var watch = Stopwatch.StartNew();
                var catalog = await TypedSource.FieldsAsync(client, settings.Entity, cancellationToken).ConfigureAwait(false);
                var plan = ExportPlan.Create(settings, catalog);
                var sink = new ProgressSink();
                var options = new ListOptions { Strategy = settings.Strategy, MaxItems = settings.Max, Progress = sink };
                var rows = TypedSource.ListAsync(client, settings.Entity, plan.Filters, plan.Select, options, cancellationToken);

                var title = CrmEntities.ListMethod(settings.Entity);
                var count = settings.Progress
                    ? await WithProgressAsync(context.Console, title, sink, client, settings.Max, () => WriteFileAsync(settings, plan.Columns, rows)).ConfigureAwait(false)
                    : await WriteFileAsync(settings, plan.Columns, rows).ConfigureAwait(false);
                var seconds = watch.Elapsed.TotalSeconds;

                context.Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"exported {count:N0} {CrmEntities.Plural(settings.Entity)} to {settings.Out} in {seconds:F1} s ({(seconds > 0 ? count / seconds : 0):N0} rows/s): {counters.Requests:N0} requests, {counters.Retries:N0} retries, {counters.Refused503:N0} × 503, {counters.Refused429:N0} × 429 received"));
                if (sink.Latest is { TotalChanged: true })
                {
                    context.Console.WriteLine("note: the list changed size while it was read by offsets: rows may have been added or removed meanwhile");
                }

                return 0;
            }
        }
        finally
        {
            if (fallback is not null)
            {
                await fallback.Owner.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task<long> WriteFileAsync(ExportSettings settings, IReadOnlyList<string> columns, IAsyncEnumerable<System.Text.Json.Nodes.JsonObject> rows)
    {
        var temp = settings.Out + ".partial";
        long count = 0;
        try
        {
            FileStream stream;
            try
            {
                stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliException($"cannot write {settings.Out}: {e.Message}", e);
            }

            var writer = RowWriter.Create(settings.Format, stream, columns);
            await using (writer.ConfigureAwait(false))
            {
                await writer.WriteHeaderAsync().ConfigureAwait(false);
                await foreach (var row in rows.ConfigureAwait(false))
                {
                    await writer.WriteRowAsync(row).ConfigureAwait(false);
                    count++;
                }
            }
        }
        catch
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }

            throw;
        }

        File.Move(temp, settings.Out, overwrite: true);
        return count;
    }

    private static Task<long> WithProgressAsync(IAnsiConsole console, string title, ProgressSink sink, BitrixClient client, long? max, Func<Task<long>> work)
        => console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask(Markup.Escape(title + "  connecting"), maxValue: 1);
                task.IsIndeterminate = true;
                var watch = Stopwatch.StartNew();
                var running = work();
                while (!running.IsCompleted)
                {
                    await Task.WhenAny(running, Task.Delay(Tick)).ConfigureAwait(false);
                    Show(task, title, sink.Latest, watch.Elapsed, client.CurrentWaitReason, max, done: false);
                }

                var rows = await running.ConfigureAwait(false);
                Show(task, title, sink.Latest, watch.Elapsed, null, max, done: true);
                task.StopTask();
                return rows;
            });

    /// <summary>Shows the latest report; rate and ETA use the time now, so they move while the reader waits.</summary>
    private static void Show(ProgressTask task, string title, ListProgress? progress, TimeSpan elapsed, string? wait, long? max, bool done)
    {
        if (progress is null)
        {
            return;
        }

        var total = progress.ExpectedTotal is { } t && max is { } m ? Math.Min(t, m) : progress.ExpectedTotal ?? max;
        if (done)
        {
            total = progress.Rows;
        }

        if (total is > 0)
        {
            task.IsIndeterminate = false;
            task.MaxValue = total.Value;
            task.Value = Math.Min(progress.Rows, total.Value);
        }

        task.Description = Markup.Escape(Describe(title, progress with { Elapsed = elapsed }, total, done ? null : wait));
    }

    /// <summary>The progress line: <c>crm.deal.list  12,500/100,000 rows  6,100 rows/s  ETA 14 s  6 requests  waiting: bucket</c>.</summary>
    internal static string Describe(string title, ListProgress progress, long? total, string? wait)
    {
        var inv = CultureInfo.InvariantCulture;
        var line = string.Create(inv, $"{title}  {progress.Rows:N0}{(total is { } t ? string.Create(inv, $"/{t:N0}") : "")} rows  {progress.RowsPerSecond:N0} rows/s");
        var remaining = total is { } all && progress.RowsPerSecond > 0 ? TimeSpan.FromSeconds(Math.Max(0, all - progress.Rows) / progress.RowsPerSecond) : (TimeSpan?)null;
        if (remaining is { } eta && progress.Rows < total)
        {
            line += string.Create(inv, $"  ETA {Math.Ceiling(eta.TotalSeconds):N0} s");
        }

        line += string.Create(inv, $"  {progress.Requests:N0} requests");
        if (!string.IsNullOrEmpty(wait))
        {
            line += "  waiting: " + wait;
        }

        return line;
    }
}
