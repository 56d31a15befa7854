using System.Diagnostics;
using Xunit.Abstractions;

namespace Bitrix.Generator.Tests;

/// <summary>How long the generator takes over every shipped schema: cold (fresh driver), warm, and after one edit.</summary>
public class TimingTests(ITestOutputHelper output)
{
    [Fact]
    public void The_generator_over_all_shipped_schemas_is_fast()
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
            Assert.Equal(schemas.Count + 2, driver.GetRunResult().GeneratedTrees.Length);
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
        var report = $"TypedBitrix generator over {schemas.Count} shipped schemas ({schemas.Sum(s => s.Text.Length) / 1024} KiB, {schemas.Count + 2} files out): " +
            $"full run median {median:F1} ms (min {cold.Min():F1}, max {cold.Max():F1}); cached rerun median {Median(cached):F2} ms";
        output.WriteLine(report);
        Console.WriteLine(report);
        Assert.True(median < 2000, report);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
