namespace Bitrix.Bench.Harness;

/// <summary>One macro benchmark, run as a subcommand of the harness.</summary>
internal interface IScenario
{
    /// <summary>The subcommand, e.g. <c>emulator-throughput</c>.</summary>
    string Name { get; }

    /// <summary>One line for the harness's help.</summary>
    string Summary { get; }

    /// <summary>The scenario's options, printed by <c>SCENARIO --help</c>.</summary>
    string Usage { get; }

    /// <summary>Runs the scenario and returns the process exit code (0: ran cleanly).</summary>
    Task<int> RunAsync(BenchArguments arguments, CancellationToken cancellationToken);
}
