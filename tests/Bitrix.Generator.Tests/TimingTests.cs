using System.Diagnostics;
using Xunit.Abstractions;

namespace Bitrix.Generator.Tests;

/// <summary>
/// Runs the generator over every shipped schema repeatedly — cold (fresh driver) and cached — and
/// prints the timings. It asserts what each run produced, not how fast: durations are measured
/// and reported, never judged, on a shared machine.
/// </summary>
public class TimingTests(ITestOutputHelper output)
{
    [Fact]
    public void The_generator_runs_over_all_shipped_schemas_and_reports_its_time()
    {
        var schemas = GeneratorHarness.ShippedSchemas();
        var compilation = GeneratorHarness.Compilation();
        GeneratorHarness.CreateDriver(schemas).RunGenerators(compilation); // JIT warm-up

        var cold = new List<double>();
        for (var i = 0; i < 20; i++)
        {
            var driver = GeneratorHarness.CreateDriver(schemas);
            var watch = Stopwatch.StartNew();
            driver = driver.RunGenerators(compilation);
            cold.Add(watch.Elapsed.TotalMilliseconds);
            Assert.Equal(schemas.Count + 1, driver.GetRunResult().GeneratedTrees.Length);
        }

        var cached = new List<double>();
        var warm = GeneratorHarness.CreateDriver(schemas).RunGenerators(compilation);
        for (var i = 0; i < 20; i++)
        {
            var watch = Stopwatch.StartNew();
            warm = warm.RunGenerators(compilation);
            cached.Add(watch.Elapsed.TotalMilliseconds);
        }

        var median = Median(cold);
        var report = $"TypedBitrix generator over {schemas.Count} shipped schemas ({schemas.Sum(s => s.Text.Length) / 1024} KiB, {schemas.Count + 1} files out): " +
            $"full run median {median:F1} ms (min {cold.Min():F1}, max {cold.Max():F1}); cached rerun median {Median(cached):F2} ms";
        output.WriteLine(report);
        Console.WriteLine(report);
        Assert.Equal(schemas.Count + 1, warm.GetRunResult().GeneratedTrees.Length);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
