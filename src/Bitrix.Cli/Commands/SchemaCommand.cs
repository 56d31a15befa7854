using System.CommandLine;
using Bitrix.Export;

namespace Bitrix.Cli.Commands;

/// <summary><c>bitrix schema pull</c>: a portal's field catalogs as TypedBitrix schema files.</summary>
internal static class SchemaCommand
{
    public static Command Create(CliContext context)
    {
        var entities = new Option<string[]>("--entity", "-e")
        {
            Description = "The REST entity, repeatable: crm.deal, crm.lead, crm.contact, crm.company, tasks.task, user, ... (deal = crm.deal)",
            AllowMultipleArgumentsPerToken = true,
        };
        var entityTypeIds = new Option<long[]>("--entity-type-id")
        {
            Description = "A smart process's entityTypeId, repeatable: writes crm.item.<id>.bitrix.json, generated as bx.Crm.SmartProcesses.<Name>",
            AllowMultipleArgumentsPerToken = true,
        };
        var allSmartProcesses = new Option<bool>("--all-smart-processes") { Description = "Every smart process crm.type.list names" };
        var output = new Option<string>("--out", "-o") { Description = "The folder to write <entity>.bitrix.json into", DefaultValueFactory = _ => "schema" };
        var language = new Option<string>("--lang") { Description = "The language of user field labels", DefaultValueFactory = _ => "en" };
        var webhook = ExportCommand.WebhookOption("The portal's inbound webhook URL [default: env BITRIX_WEBHOOK]");
        var pull = new Command(
            "pull",
            "Write <entity>.bitrix.json from the portal's live *.fields answer (user fields with their enumeration items and labels): the generator then replaces the shipped entity and your UF_CRM_* fields become typed properties.")
        {
            entities, entityTypeIds, allSmartProcesses, output, language, webhook,
        };
        pull.SetAction(async (parsed, cancellationToken) =>
        {
            var requested = (parsed.GetValue(entities) ?? []).SelectMany(e => e.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
            var typeIds = parsed.GetValue(entityTypeIds) ?? [];
            var all = parsed.GetValue(allSmartProcesses);
            if (requested.Count == 0 && typeIds.Length == 0 && !all)
            {
                throw new CliException("nothing to pull: pass --entity crm.deal, --entity-type-id N or --all-smart-processes");
            }

            if (typeIds.Any(id => id <= 0))
            {
                throw new CliException("--entity-type-id takes a smart process's positive entityTypeId (see crm.type.list)");
            }

            var url = context.ResolveWebhook(parsed.GetValue(webhook)) ?? throw new CliException("no portal given: pass --webhook https://PORTAL/rest/USER_ID/CODE/ or set BITRIX_WEBHOOK");
            var client = context.CreateClient(url);
            await using (client.ConfigureAwait(false))
            {
                var folder = parsed.GetRequiredValue(output);
                Directory.CreateDirectory(folder);
                foreach (var entity in requested)
                {
                    await WriteAsync(await SchemaPuller.PullAsync(client, entity, parsed.GetRequiredValue(language), cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
                }

                var types = all
                    ? await SmartProcessPuller.TypesAsync(client, cancellationToken).ConfigureAwait(false)
                    : [];
                if (all && types.Count == 0)
                {
                    await context.Out.WriteLineAsync("the portal has no smart processes (crm.type.list is empty)").ConfigureAwait(false);
                }

                foreach (var id in typeIds.Distinct())
                {
                    if (!types.Any(t => (long?)t["entityTypeId"] == id))
                    {
                        types = [.. types, await SmartProcessPuller.TypeAsync(client, id, cancellationToken).ConfigureAwait(false)];
                    }
                }

                foreach (var type in types)
                {
                    await WriteAsync(await SmartProcessPuller.PullAsync(client, type, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
                }

                async Task WriteAsync(PulledSchema pulled)
                {
                    var path = Path.Combine(folder, pulled.Entity + ".bitrix.json");
                    await File.WriteAllTextAsync(path, pulled.Json, cancellationToken).ConfigureAwait(false);
                    await context.Out.WriteLineAsync($"wrote {path}: {pulled.Summary}").ConfigureAwait(false);
                }

                return 0;
            }
        });
        return new Command("schema", "Field catalogs of the portal as TypedBitrix schemas.") { pull };
    }
}
