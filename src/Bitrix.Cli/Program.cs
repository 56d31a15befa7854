using Bitrix.Cli;
using Bitrix.Export;

return await BitrixCli.RunAsync(args, new CliContext()).ConfigureAwait(false);
