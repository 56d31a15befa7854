using System.CommandLine;
using Bitrix.Cli.Commands;
using Bitrix.Export;

namespace Bitrix.Cli;

/// <summary>The <c>bitrix</c> command line: <c>export</c>, <c>call</c>, <c>schema pull</c> and <c>sync</c>.</summary>
internal static class BitrixCli
{
    /// <summary>Runs the tool in-process (tests pass a context with their own consoles and client settings).</summary>
    public static Task<int> RunAsync(IReadOnlyList<string> args, CliContext context, CancellationToken cancellationToken = default)
    {
        var root = new RootCommand("bitrix: export CRM entities, call REST methods and pull field catalogs of a Bitrix24 portal. The portal is given by --webhook or the environment variable BITRIX_WEBHOOK.")
        {
            ExportCommand.Create(context),
            CallCommand.Create(context),
            SchemaCommand.Create(context),
            SyncCommand.Create(context),
        };
        return Bitrix.Export.CommandLine.RunAsync(root, args, context, cancellationToken);
    }
}
