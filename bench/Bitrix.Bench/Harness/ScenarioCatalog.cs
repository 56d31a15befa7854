using Bitrix.Bench.Scenarios;

namespace Bitrix.Bench.Harness;

/// <summary>Every scenario the harness can run; a new scenario is a new file plus one line here.</summary>
internal static class ScenarioCatalog
{
    public static IReadOnlyList<IScenario> All { get; } =
    [
        new EmulatorThroughputScenario(),
        new RateScenario(),
        new RateTwoClientsScenario(),
        new RateTwoProcessesScenario(),
        new BurstScenario(),
        new BulkAddScenario(),
        new ExportScenario(),
        new ExportScenario(faults: true),
        new EventsEndpointScenario(),
        new SyncScenario(),
    ];

    /// <summary>Subcommands the scenarios start in processes of their own; not listed in the help.</summary>
    public static IReadOnlyList<IScenario> Workers { get; } =
    [
        new RateWorkerScenario(),
    ];

    public static IScenario? Find(string name) => All.Concat(Workers).FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
}
