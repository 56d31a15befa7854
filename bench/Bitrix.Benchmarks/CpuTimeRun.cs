using System.Globalization;

namespace Bitrix.Benchmarks;

/// <summary>
/// <c>--cpu-time</c>: the deserialisation benchmarks timed by this thread's own CPU time
/// (<c>/proc/thread-self/schedstat</c>, nanoseconds on the CPU) instead of the wall clock. On a shared
/// machine whose other processes keep both cores busy a wall-clock mean mostly measures waiting for a
/// core; CPU time measures the work: deals per CPU second of one core.
/// </summary>
internal static class CpuTimeRun
{
    public static async Task<int> RunAsync(double secondsPerCase)
    {
        if (!File.Exists("/proc/thread-self/schedstat"))
        {
            await Console.Error.WriteLineAsync("--cpu-time needs Linux's /proc/thread-self/schedstat").ConfigureAwait(false);
            return 2;
        }

        foreach (var escaped in new[] { false, true })
        {
            Console.WriteLine(escaped ? "Input escaped as the portal escapes it:" : "Input with only JSON's own escapes:");
            Console.WriteLine("| reader | fields | rows | CPU µs per read | deals per CPU second (one core) | reads | wall ÷ CPU |");
            Console.WriteLine("|---|---|---|---|---|---|---|");
            foreach (var fields in new[] { 5, 44 })
            {
                foreach (var rows in new[] { 50, 2_500 })
                {
                    var bench = new TypedDeserialisationBenchmarks { Rows = rows, Fields = fields, PortalEscaped = escaped };
                    await bench.Setup().ConfigureAwait(false);
                    Measure("JsonElementStrings", () => bench.JsonElementStrings(), fields, rows, secondsPerCase);
                    Measure("TypedRecords", () => bench.TypedRecords(), fields, rows, secondsPerCase);
                }
            }

            Console.WriteLine();
        }

        return 0;
    }

    private static void Measure(string name, Func<long> read, int fields, int rows, double seconds)
    {
        // Warm-up: tiered JIT to its final code (tier 1 after ~30 calls and a background compile).
        var warm = ThreadCpuNanoseconds();
        while (ThreadCpuNanoseconds() - warm < 0.5e9)
        {
            read();
        }

        Thread.Sleep(200);
        var started = ThreadCpuNanoseconds();
        var wall = System.Diagnostics.Stopwatch.StartNew();
        long reads = 0;
        long sink = 0;
        while (ThreadCpuNanoseconds() - started < seconds * 1e9)
        {
            for (var i = 0; i < 10; i++)
            {
                sink += read();
            }

            reads += 10;
        }

        var cpu = (ThreadCpuNanoseconds() - started) / 1e9;
        GC.KeepAlive(sink);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| {name} | {fields} | {rows} | {cpu * 1e6 / reads:F1} | {rows * reads / cpu:N0} | {reads} | {wall.Elapsed.TotalSeconds / cpu:F2} |"));
    }

    /// <summary>Nanoseconds this thread has spent on a CPU (the first field of schedstat).</summary>
    private static long ThreadCpuNanoseconds()
    {
        var text = File.ReadAllText("/proc/thread-self/schedstat");
        return long.Parse(text.AsSpan(0, text.IndexOf(' ', StringComparison.Ordinal)), CultureInfo.InvariantCulture);
    }
}
