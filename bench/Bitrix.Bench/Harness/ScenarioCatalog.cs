using Bitrix.Bench.Scenarios;

namespace Bitrix.Bench.Harness;

/// <summary>Every scenario the harness can run; a new scenario is a new file plus one line here.</summary>
internal static class ScenarioCatalog
{
    public static IReadOnlyList<IScenario> All { get; } =
    [
        new EmulatorThroughputScenario(),
    ];

    public static IScenario? Find(string name) => All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
}
