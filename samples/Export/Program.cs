// Exports every row of crm.<entity>.list to a CSV file, streaming: rows are written as they
// arrive, never held as a whole list. Without a webhook it exports from an embedded emulator.
//
//   dotnet run -c Release --project samples/Export -- --webhook URL --out deals.csv
//       [--strategy auto|offset|chained|parallel] [--entity deal|lead|contact|company] [--select ID,TITLE,...]
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bitrix;
using Bitrix.Emulator;

return await ExportProgram.MainAsync(args).ConfigureAwait(false);

/// <summary>The export sample.</summary>
internal static class ExportProgram
{
    private const string Usage = """
        usage: Export --out FILE.csv [--webhook URL] [--strategy auto|offset|chained|parallel]
                      [--entity deal|lead|contact|company] [--select ID,TITLE,...]
          --webhook URL   the portal's inbound webhook (default: env BITRIX_WEBHOOK; neither: an
                          embedded emulator with 100,000 deals, standard plan, latency-scale 1)
          --select LIST   columns to export; ID is always the first (default: the fields of the first row)
        """;

    public static async Task<int> MainAsync(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        try
        {
            var options = ExportOptions.Parse(args);
            if (options is null)
            {
                Console.WriteLine(Usage);
                return 0;
            }

            return await RunAsync(options, cancel.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("export: cancelled").ConfigureAwait(false);
            return 130;
        }
        catch (Exception e) when (e is BitrixException or ArgumentException or HttpRequestException or UriFormatException or IOException or UnauthorizedAccessException or TimeoutException or OperationCanceledException or InvalidOperationException or JsonException)
        {
            await Console.Error.WriteLineAsync("export: " + Describe(e)).ConfigureAwait(false);
            return 1;
        }
    }

    private static string Describe(Exception e) => e switch
    {
        BitrixException b => $"the portal answered {b.ErrorCode}{(b.StatusCode is { } s ? $" (HTTP {(int)s})" : "")}: {b.Description}",
        HttpRequestException h => $"cannot reach the portal: {h.Message}{(h.InnerException is { } inner ? $" ({inner.Message})" : "")}",
        OperationCanceledException => "the portal did not answer in time",
        _ => e.Message,
    };

    private static async Task<int> RunAsync(ExportOptions options, CancellationToken cancellationToken)
    {
        BitrixEmulator? emulator = null;
        try
        {
            var webhook = options.Webhook ?? NullIfEmpty(Environment.GetEnvironmentVariable("BITRIX_WEBHOOK"));
            if (webhook is null)
            {
                Console.Error.WriteLine("export: no --webhook or BITRIX_WEBHOOK: starting an embedded emulator (100,000 deals, standard plan, latency-scale 1)");
                emulator = await BitrixEmulator.StartAsync(new EmulatorOptions { Deals = 100_000, LatencyScale = 1, Plan = EmulatorPlan.Standard }, cancellationToken: cancellationToken).ConfigureAwait(false);
                webhook = emulator.WebhookUrl.ToString();
            }

            using var counters = new ClientCounters();
            await using var client = BitrixClient.FromWebhook(webhook, new BitrixClientOptions { RateLimit = RateLimitPlan.Standard });
            var watch = Stopwatch.StartNew();
            var rows = await ExportAsync(client, options, cancellationToken).ConfigureAwait(false);
            var seconds = watch.Elapsed.TotalSeconds;
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"exported {rows} rows of crm.{options.Entity}.list to {options.Out} in {seconds:F2} s: {counters.Requests} requests, {counters.Retries} retries, {counters.Refused503} × 503, {counters.Refused429} × 429 received"));
            return 0;
        }
        finally
        {
            if (emulator is not null)
            {
                await emulator.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    private static async Task<long> ExportAsync(BitrixClient client, ExportOptions options, CancellationToken cancellationToken)
    {
        var parameters = new JsonObject();
        string[]? columns = null;
        if (options.Select is { } select)
        {
            columns = ["ID", .. select.Where(c => !c.Equals("ID", StringComparison.OrdinalIgnoreCase))];
            parameters["select"] = new JsonArray([.. columns.Select(c => (JsonNode)c)]);
        }

        var method = $"crm.{options.Entity}.list";
        var temp = options.Out + ".partial";
        long rows = 0;
        try
        {
            rows = await WriteCsvAsync(client, method, parameters, columns, options, temp, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }

        File.Move(temp, options.Out, overwrite: true);
        return rows;
    }

    private static async Task<long> WriteCsvAsync(BitrixClient client, string method, JsonObject parameters, string[]? columns, ExportOptions options, string temp, CancellationToken cancellationToken)
    {
        long rows = 0;
        var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        await using (stream.ConfigureAwait(false))
        {
            var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16);
            await using (writer.ConfigureAwait(false))
            {
                writer.NewLine = "\r\n";
                if (columns is not null)
                {
                    await WriteRecordAsync(writer, columns).ConfigureAwait(false);
                }

                var fields = new string[columns?.Length ?? 0];
                await foreach (var row in client.ListAllAsync(method, parameters, new ListOptions { Strategy = options.Strategy }, cancellationToken).ConfigureAwait(false))
                {
                    if (columns is null)
                    {
                        // No --select: the columns are the first row's fields, ID first.
                        columns = ["ID", .. row.EnumerateObject().Select(p => p.Name).Where(n => n != "ID")];
                        fields = new string[columns.Length];
                        await WriteRecordAsync(writer, columns).ConfigureAwait(false);
                    }

                    for (var i = 0; i < columns.Length; i++)
                    {
                        fields[i] = row.TryGetProperty(columns[i], out var value) ? Text(value) : "";
                    }

                    await WriteRecordAsync(writer, fields).ConfigureAwait(false);
                    rows++;
                }

                if (columns is null)
                {
                    await WriteRecordAsync(writer, ["ID"]).ConfigureAwait(false);
                }
            }
        }

        return rows;
    }

    private static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Null or JsonValueKind.Undefined => "",
        JsonValueKind.True => "Y",
        JsonValueKind.False => "N",
        JsonValueKind.Array when value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("VALUE", out _))
            => string.Join("; ", value.EnumerateArray().Select(e => Text(e.GetProperty("VALUE")))), // multifields: PHONE, EMAIL, ...
        JsonValueKind.Array when value.EnumerateArray().All(e => e.ValueKind is JsonValueKind.String or JsonValueKind.Number)
            => string.Join("; ", value.EnumerateArray().Select(Text)), // CONTACT_IDS and other ID lists
        _ => value.GetRawText(), // numbers as sent; other arrays and objects as JSON
    };

    private static async Task WriteRecordAsync(StreamWriter writer, IReadOnlyList<string> fields)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0)
            {
                await writer.WriteAsync(',').ConfigureAwait(false);
            }

            await writer.WriteAsync(Quote(fields[i])).ConfigureAwait(false);
        }

        await writer.WriteLineAsync().ConfigureAwait(false);
    }

    /// <summary>RFC 4180: a field with a comma, quote, CR or LF (or edge spaces) is quoted, quotes doubled.</summary>
    internal static string Quote(string field)
    {
        if (field.Length == 0)
        {
            return field;
        }

        var needs = field.AsSpan().IndexOfAny(",\"\r\n") >= 0 || field[0] == ' ' || field[^1] == ' ';
        return needs ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
    }
}

/// <summary>The command line.</summary>
internal sealed record ExportOptions(string Out, string? Webhook, ListStrategy Strategy, string Entity, string[]? Select)
{
    private static readonly string[] Entities = ["deal", "lead", "contact", "company"];

    /// <summary>The options, or null for --help.</summary>
    public static ExportOptions? Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is "--help" or "-h")
            {
                return null;
            }

            if (args[i] is not ("--webhook" or "--out" or "--strategy" or "--entity" or "--select"))
            {
                throw new ArgumentException($"unknown argument '{args[i]}' (see --help)");
            }

            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"{args[i]} needs a value");
            }

            values[args[i][2..]] = args[++i];
        }

        var output = values.GetValueOrDefault("out") ?? throw new ArgumentException("--out FILE.csv is required (see --help)");
        var strategy = values.GetValueOrDefault("strategy", "auto").ToLowerInvariant() switch
        {
            "auto" => ListStrategy.Auto,
            "offset" => ListStrategy.Offset,
            "chained" => ListStrategy.ChainedCursor,
            "parallel" => ListStrategy.ParallelCursor,
            var other => throw new ArgumentException($"--strategy takes auto, offset, chained or parallel; got '{other}'"),
        };
        var entity = values.GetValueOrDefault("entity", "deal").ToLowerInvariant();
        if (!Entities.Contains(entity))
        {
            throw new ArgumentException($"--entity takes {string.Join(", ", Entities)}; got '{entity}'");
        }

        string[]? select = null;
        if (values.TryGetValue("select", out var list))
        {
            select = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (select.Length == 0)
            {
                throw new ArgumentException("--select needs at least one field");
            }
        }

        var webhook = values.GetValueOrDefault("webhook");
        if (webhook is not null && (!Uri.TryCreate(webhook, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)))
        {
            throw new ArgumentException($"--webhook is not an http(s) URL: '{webhook}'");
        }

        return new ExportOptions(output, webhook, strategy, entity, select);
    }
}

/// <summary>Counts what the client reports on its meter <c>Bitrix.Client</c> while the export runs.</summary>
internal sealed class ClientCounters : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _requests;
    private long _retries;
    private long _refused503;
    private long _refused429;

    public ClientCounters()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Bitrix.Client")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>(OnMeasurement);
        _listener.Start();
    }

    public long Requests => Interlocked.Read(ref _requests);

    public long Retries => Interlocked.Read(ref _retries);

    public long Refused503 => Interlocked.Read(ref _refused503);

    public long Refused429 => Interlocked.Read(ref _refused429);

    public void Dispose() => _listener.Dispose();

    private void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        switch (instrument.Name)
        {
            case "bitrix.client.requests":
                Interlocked.Add(ref _requests, value);
                break;
            case "bitrix.client.retries":
                Interlocked.Add(ref _retries, value);
                break;
            case "bitrix.client.refusals":
                var code = tags.Length > 0 ? tags[0].Value as string : null;
                if (code == BitrixErrorCodes.OperationTimeLimit)
                {
                    Interlocked.Add(ref _refused429, value);
                }
                else
                {
                    Interlocked.Add(ref _refused503, value);
                }

                break;
        }
    }
}
