// Exports every row of a CRM entity (deals by default) to CSV or JSON Lines through the typed API,
// streaming, with a live progress bar and a closing summary. Without a webhook it starts an embedded
// emulator with 100,000 deals and exports from it. The engine is the one `bitrix export` runs
// (src/Bitrix.Export); this program adds only the emulator.
//
//   dotnet run -c Release --project samples/Export -- --out deals.csv
//   dotnet run -c Release --project samples/Export -- --webhook URL --entity contact --out contacts.jsonl \
//       --filter '>=DATE_CREATE=2024-01-01' --select ID,NAME,LAST_NAME,PHONE,EMAIL
using System.CommandLine;
using Bitrix.Emulator;
using Bitrix.Export;

var context = new CliContext
{
    ProgramName = "export",
    FallbackPortal = async cancellationToken =>
    {
        var emulator = await BitrixEmulator.StartAsync(
            new EmulatorOptions { Deals = 100_000, LatencyScale = 1, Plan = EmulatorPlan.Standard },
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return new FallbackPortal(
            emulator.WebhookUrl,
            emulator,
            "no --webhook or BITRIX_WEBHOOK: exporting from an embedded emulator (100,000 deals, standard plan, latency-scale 1)");
    },
};

var root = new RootCommand("Exports every row of a CRM entity to CSV or JSON Lines, streaming, with live progress.");
ExportCommand.Configure(root, context);
return await Bitrix.Export.CommandLine.RunAsync(root, args, context).ConfigureAwait(false);
