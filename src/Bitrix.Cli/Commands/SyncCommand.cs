using System.CommandLine;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bitrix.Export;

namespace Bitrix.Cli.Commands;

/// <summary>
/// <c>bitrix sync --entity deal --state FILE --out FILE.jsonl</c>: the first run writes every row,
/// later runs append the rows changed since and a <c>{"deleted": ID}</c> line per deleted row. The
/// state (checkpoint and known IDs) is replaced atomically, and only after the output it describes
/// is flushed: an interrupted run leaves the two consistent, and the rerun repeats at most the rows
/// written after the last state.
/// </summary>
internal static class SyncCommand
{
    /// <summary>Rows between two saves of the state.</summary>
    private const int SaveEvery = 2_500;

    public static Command Create(CliContext context)
    {
        var entity = new Option<string>("--entity", "-e") { Description = "The CRM entity: " + string.Join(", ", CrmEntities.Names), DefaultValueFactory = _ => "deal" };
        var state = new Option<string>("--state", "-s") { Description = "The state file (checkpoint and known IDs); created by the first run", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "The JSON Lines file rows and deletions are appended to", Required = true };
        var webhook = ExportCommand.WebhookOption("The portal's inbound webhook URL [default: env BITRIX_WEBHOOK]");
        var command = new Command("sync", "Append the rows changed since the last run, and the deleted IDs, to a JSON Lines file.") { entity, state, output, webhook };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var name = parsed.GetRequiredValue(entity).ToLowerInvariant();
            if (!CrmEntities.Names.Contains(name))
            {
                throw new CliException($"--entity takes {string.Join(", ", CrmEntities.Names)}; got '{name}'");
            }

            var url = context.ResolveWebhook(parsed.GetValue(webhook)) ?? throw new CliException("no portal given: pass --webhook https://PORTAL/rest/USER_ID/CODE/ or set BITRIX_WEBHOOK");
            var statePath = Path.GetFullPath(parsed.GetRequiredValue(state));
            var outPath = Path.GetFullPath(parsed.GetRequiredValue(output));
            var (checkpoint, known) = File.Exists(statePath) ? ReadState(statePath) : (SyncCheckpoint.Beginning, new SortedSet<long>());
            var firstRun = !File.Exists(statePath);
            var method = CrmEntities.ListMethod(name);
            var client = context.CreateClient(url);
            await using (client.ConfigureAwait(false))
            {
                var stream = new FileStream(outPath, FileMode.Append, FileAccess.Write, FileShare.Read);
                var writer = new StreamWriter(stream, new UTF8Encoding(false));
                await using (writer.ConfigureAwait(false))
                {
                    var feed = client.ChangesAsync(method, checkpoint, cancellationToken: cancellationToken);
                    var sinceSave = 0;
                    await foreach (var row in feed.ConfigureAwait(false))
                    {
                        await writer.WriteLineAsync(row.GetRawText()).ConfigureAwait(false);
                        if (row.TryGetProperty("ID", out var id) && long.TryParse(id.ValueKind == JsonValueKind.String ? id.GetString() : id.GetRawText(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var rowId))
                        {
                            known.Add(rowId);
                        }

                        if (++sinceSave == SaveEvery)
                        {
                            sinceSave = 0;
                            await SaveAsync(writer, statePath, feed.Checkpoint, known, cancellationToken).ConfigureAwait(false);
                        }
                    }

                    var deleted = firstRun ? [] : await client.FindDeletedAsync(method, known, cancellationToken: cancellationToken).ConfigureAwait(false);
                    foreach (var id in deleted)
                    {
                        await writer.WriteLineAsync(new JsonObject { ["deleted"] = id }.ToJsonString()).ConfigureAwait(false);
                        known.Remove(id);
                    }

                    await SaveAsync(writer, statePath, feed.Checkpoint, known, cancellationToken).ConfigureAwait(false);
                    await context.Error.WriteLineAsync($"{feed.Delivered} changed rows ({feed.Repeats} possible repeats), {deleted.Count} deleted, {known.Count} known").ConfigureAwait(false);
                }
            }

            return 0;
        });
        return command;
    }

    /// <summary>Flushes the output to disk, then replaces the state through a temporary file.</summary>
    private static async Task SaveAsync(StreamWriter writer, string statePath, SyncCheckpoint checkpoint, SortedSet<long> known, CancellationToken cancellationToken)
    {
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        ((FileStream)writer.BaseStream).Flush(flushToDisk: true);
        var state = new JsonObject
        {
            ["checkpoint"] = JsonNode.Parse(checkpoint.ToJson()),
            ["knownIds"] = EncodeIds(known),
        };
        var temp = statePath + ".tmp";
        await File.WriteAllTextAsync(temp, state.ToJsonString(), CancellationToken.None).ConfigureAwait(false);
        File.Move(temp, statePath, overwrite: true);
    }

    private static (SyncCheckpoint Checkpoint, SortedSet<long> Known) ReadState(string path)
    {
        try
        {
            var state = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new CliException($"{path} is not a sync state");
            var checkpoint = SyncCheckpoint.Parse(state["checkpoint"]?.ToJsonString() ?? throw new CliException($"{path} has no checkpoint"));
            return (checkpoint, DecodeIds((string?)state["knownIds"] ?? ""));
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw new CliException($"{path} is not a sync state: {e.Message}");
        }
    }

    /// <summary>Ascending IDs as base64 of their gaps in LEB128 varints: about two bytes per ID.</summary>
    private static string EncodeIds(SortedSet<long> ids)
    {
        var bytes = new List<byte>(ids.Count * 2);
        var previous = 0L;
        foreach (var id in ids)
        {
            var gap = (ulong)(id - previous);
            previous = id;
            do
            {
                var b = (byte)(gap & 0x7F);
                gap >>= 7;
                bytes.Add(gap == 0 ? b : (byte)(b | 0x80));
            }
            while (gap != 0);
        }

        return Convert.ToBase64String(bytes.ToArray());
    }

    private static SortedSet<long> DecodeIds(string text)
    {
        var ids = new SortedSet<long>();
        var previous = 0L;
        ulong gap = 0;
        var shift = 0;
        foreach (var b in Convert.FromBase64String(text))
        {
            gap |= (ulong)(b & 0x7F) << shift;
            shift += 7;
            if ((b & 0x80) == 0)
            {
                previous += (long)gap;
                ids.Add(previous);
                gap = 0;
                shift = 0;
            }
        }

        return ids;
    }
}
