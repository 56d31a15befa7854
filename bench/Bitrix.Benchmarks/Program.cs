using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Bitrix.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/Bitrix.Benchmarks -- [BenchmarkDotNet options]</c>;
/// with <c>--smoke</c> every benchmark runs once, in this process, to prove the harness works;
/// <c>--cpu-time [--seconds S]</c> times the deserialisation benchmarks by thread CPU time (see <see cref="CpuTimeRun"/>).
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        if (args.Contains("--cpu-time", StringComparer.Ordinal))
        {
            var at = Array.IndexOf(args, "--seconds");
            var seconds = at >= 0 && at + 1 < args.Length ? double.Parse(args[at + 1], CultureInfo.InvariantCulture) : 2;
            return CpuTimeRun.RunAsync(seconds).GetAwaiter().GetResult();
        }

        var smoke = args.Contains("--smoke", StringComparer.Ordinal);
        var rest = args.Where(a => a != "--smoke").ToList();

        // Without a filter BenchmarkSwitcher asks on the console which benchmark to run; CI has no console.
        if (!rest.Contains("--filter", StringComparer.Ordinal) && !rest.Contains("-f", StringComparer.Ordinal))
        {
            rest.AddRange(["--filter", "*"]);
        }

        var config = smoke ? SmokeConfig() : DefaultConfig.Instance;
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run([.. rest], config).ToList();
        var failed = summaries.Count == 0
            || summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Length == 0 || s.Reports.Any(r => !r.Success));
        if (!smoke)
        {
            PrintDealsPerSecond(summaries);
        }

        Console.WriteLine(failed ? "benchmarks FAILED" : $"benchmarks ok: {summaries.Sum(s => s.Reports.Length)} run");
        return failed ? 1 : 0;
    }

    /// <summary>Rows ÷ mean of the deserialisation benchmarks: deals per second on one core.</summary>
    private static void PrintDealsPerSecond(IEnumerable<Summary> summaries)
    {
        var reports = summaries.SelectMany(s => s.Reports)
            .Where(r => r.BenchmarkCase.Descriptor.Type == typeof(TypedDeserialisationBenchmarks) && r.ResultStatistics is not null)
            .ToList();
        if (reports.Count == 0)
        {
            return;
        }

        Console.WriteLine();
        Console.WriteLine("| reader | fields | rows | mean µs | deals/s (one core) |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var report in reports)
        {
            var parameters = report.BenchmarkCase.Parameters;
            var rows = (int)parameters["Rows"]!;
            var mean = report.ResultStatistics!.Mean;
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {report.BenchmarkCase.Descriptor.WorkloadMethod.Name} | {parameters["Fields"]} | {rows} | {mean / 1000:F1} | {rows / (mean / 1e9):N0} |"));
        }
    }

    /// <summary>
    /// One dry iteration per benchmark in this process: no child project to generate and build, so
    /// it takes seconds. It proves the benchmarks still compile, set up and run; the numbers mean nothing.
    /// </summary>
    private static ManualConfig SmokeConfig()
    {
        var config = ManualConfig.Create(DefaultConfig.Instance)
            .AddJob(Job.Dry.WithToolchain(InProcessEmitToolchain.Instance).WithId("smoke"))
            .WithOptions(ConfigOptions.DisableOptimizationsValidator);
        return config;
    }
}
