using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Bitrix.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/Bitrix.Benchmarks -- [BenchmarkDotNet options]</c>;
/// with <c>--smoke</c> every benchmark runs once, in this process, to prove the harness works.
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
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
        Console.WriteLine(failed ? "benchmarks FAILED" : $"benchmarks ok: {summaries.Sum(s => s.Reports.Length)} run");
        return failed ? 1 : 0;
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
