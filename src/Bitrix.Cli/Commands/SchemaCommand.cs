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
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var output = new Option<string>("--out", "-o") { Description = "The folder to write <entity>.bitrix.json into", DefaultValueFactory = _ => "schema" };
        var language = new Option<string>("--lang") { Description = "The language of user field labels", DefaultValueFactory = _ => "en" };
        var webhook = ExportCommand.WebhookOption("The portal's inbound webhook URL [default: env BITRIX_WEBHOOK]");
        var pull = new Command(
            "pull",
            "Write <entity>.bitrix.json from the portal's live *.fields answer (user fields with their enumeration items and labels): the generator then replaces the shipped entity and your UF_CRM_* fields become typed properties.")
        {
            entities, output, language, webhook,
        };
        pull.SetAction(async (parsed, cancellationToken) =>
        {
            var url = context.ResolveWebhook(parsed.GetValue(webhook)) ?? throw new CliException("no portal given: pass --webhook https://PORTAL/rest/USER_ID/CODE/ or set BITRIX_WEBHOOK");
            var client = context.CreateClient(url);
            await using (client.ConfigureAwait(false))
            {
                var folder = parsed.GetRequiredValue(output);
                Directory.CreateDirectory(folder);
                foreach (var entity in parsed.GetRequiredValue(entities).SelectMany(e => e.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
                {
                    var pulled = await SchemaPuller.PullAsync(client, entity, parsed.GetRequiredValue(language), cancellationToken).ConfigureAwait(false);
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
