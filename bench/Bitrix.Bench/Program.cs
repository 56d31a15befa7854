using System.Runtime.InteropServices;
using Bitrix.Bench.Harness;

namespace Bitrix.Bench;

/// <summary>
/// <c>dotnet run -c Release --project bench/Bitrix.Bench -- SCENARIO [options]</c>: macro benchmarks
/// that drive the emulator over real sockets, one scenario per subcommand.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            PrintHelp();
            return args.Length == 0 ? 2 : 0;
        }

        var scenario = ScenarioCatalog.Find(args[0]);
        if (scenario is null)
        {
            await Console.Error.WriteLineAsync($"error: unknown scenario '{args[0]}'").ConfigureAwait(false);
            PrintHelp();
            return 2;
        }

        // Ctrl+C and kill both end the run through cancellation, so the emulator process is
        // disposed (killed) on the way out; the runtime's default exit would leave it running.
        using var stop = new CancellationTokenSource();
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Stop);

        BenchArguments arguments;
        try
        {
            arguments = BenchArguments.Parse(args.AsSpan(1));
            if (arguments.IsHelp)
            {
                Console.WriteLine($"{scenario.Name}: {scenario.Summary}");
                Console.WriteLine(scenario.Usage);
                return 0;
            }
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return 2;
        }

        try
        {
            return await scenario.RunAsync(arguments, stop.Token).ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return 2;
        }
        catch (Exception e) when (e is InvalidOperationException or HttpRequestException or IOException)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("cancelled").ConfigureAwait(false);
            return 130;
        }
    }

    private static void PrintHelp()
    {
        Console.WriteLine("Usage: Bitrix.Bench SCENARIO [options]   (SCENARIO --help for its options)");
        Console.WriteLine("Scenarios:");
        foreach (var scenario in ScenarioCatalog.All)
        {
            Console.WriteLine($"  {scenario.Name,-22} {scenario.Summary}");
        }
    }
}
