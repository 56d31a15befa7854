using System.Text.Json.Nodes;
using Bitrix.Emulator;

namespace Bitrix.Cli.Tests;

public class SmartProcessPullTests
{
    private static readonly string ConsumerProject = ChildProcess.Metadata("SmartProcessConsumerProject");

    private static readonly string Configuration = ChildProcess.Metadata("Configuration");

    /// <summary>
    /// A smart process declared on the portal → <c>bitrix schema pull --entity-type-id</c> → a build of the
    /// user's project → typed adds, updates and lists of its items with its own user field and stages.
    /// </summary>
    [Fact]
    public async Task A_pulled_smart_process_is_typed_like_deals_after_the_next_build()
    {
        await using var emulator = await BitrixEmulator.StartAsync(new EmulatorOptions { Deals = 5, LatencyScale = 0, BucketCapacity = 100_000 });
        var entityTypeId = await emulator.DeclareSmartProcessAsync(new SmartProcessDeclaration("Orders") { EntityTypeId = 1036, Categories = ["Retail", "Wholesale"] });
        await emulator.DeclareUserFieldAsync(new UserFieldDeclaration("crm.item.1036", "WEIGHT", "double") { Label = "Weight" });
        using var folder = new TempFolder();

        var pull = await Cli.RunAsync("schema", "pull", "--webhook", emulator.WebhookUrl.ToString(), "--entity-type-id", entityTypeId.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", folder.Path);

        Assert.True(pull.ExitCode == 0, pull.All);
        var path = folder.File("crm.item.1036.bitrix.json");
        Assert.Equal($"wrote {path}: Orders (entityTypeId 1036): 31 fields, 1 user fields, 10 stages", pull.Out.Trim());
        var schema = JsonNode.Parse(await File.ReadAllTextAsync(path))!;
        Assert.Equal("Orders", (string?)schema["entity"]);
        Assert.Equal("Crm.SmartProcesses.Orders", (string?)schema["path"]);
        Assert.Equal(1036, (long)schema["parameters"]![0]!["value"]!);
        var stages = schema["fields"]!["fields"]!["stageId"]!["items"]!.AsArray().Select(i => (string)i!["ID"]!).ToList();
        Assert.Equal(10, stages.Count);
        Assert.All(stages, s => Assert.StartsWith("DT1036_", s, StringComparison.Ordinal));

        var (exitCode, output) = await ChildProcess.RunAsync("dotnet", ["build", ConsumerProject, "-c", Configuration, "--disable-build-servers", "-nologo", "-v:q", "-clp:NoSummary;ErrorsOnly"], ("PulledSchemas", folder.Path));
        Assert.True(exitCode == 0, "the consumer project did not build:\n" + output);

        var dll = Path.Combine(Path.GetDirectoryName(ConsumerProject)!, "bin", Configuration, "net10.0", "SmartProcessConsumer.dll");
        (exitCode, output) = await ChildProcess.RunAsync("dotnet", [dll, emulator.WebhookUrl.ToString()]);
        Assert.True(exitCode == 0, output);

        var retailStart = stages[0];
        var retailSuccess = stages[3];
        Assert.Equal($"heavy=1:Heavy:12.5:{retailSuccess} second=Light:{retailStart}:0 all=2 start={retailStart}", output.Trim());
    }

    [Fact]
    public async Task All_smart_processes_are_pulled_and_an_unknown_type_is_a_clear_error()
    {
        await using var emulator = await BitrixEmulator.StartAsync(new EmulatorOptions { Deals = 1, LatencyScale = 0, BucketCapacity = 100_000 });
        using var folder = new TempFolder();

        var none = await Cli.RunAsync("schema", "pull", "--webhook", emulator.WebhookUrl.ToString(), "--all-smart-processes", "--out", folder.Path);
        Assert.Equal(0, none.ExitCode);
        Assert.Equal("the portal has no smart processes (crm.type.list is empty)", none.Out.Trim());

        await emulator.DeclareSmartProcessAsync(new SmartProcessDeclaration("Service requests"));
        await emulator.DeclareSmartProcessAsync(new SmartProcessDeclaration("#1") { EntityTypeId = 150 });
        var all = await Cli.RunAsync("schema", "pull", "--webhook", emulator.WebhookUrl.ToString(), "--all-smart-processes", "--out", folder.Path);
        Assert.True(all.ExitCode == 0, all.All);
        Assert.Equal(["crm.item.1030.bitrix.json", "crm.item.150.bitrix.json"], Directory.GetFiles(folder.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal("ServiceRequests", (string?)JsonNode.Parse(await File.ReadAllTextAsync(folder.File("crm.item.1030.bitrix.json")))!["entity"]);
        Assert.Equal("SmartProcess150", (string?)JsonNode.Parse(await File.ReadAllTextAsync(folder.File("crm.item.150.bitrix.json")))!["entity"]);

        var unknown = await Cli.RunAsync("schema", "pull", "--webhook", emulator.WebhookUrl.ToString(), "--entity-type-id", "1040", "--out", folder.Path);
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("no smart process with entityTypeId 1040 (it has 1030 Service requests, 150 #1)", unknown.Error, StringComparison.Ordinal);

        var nothing = await Cli.RunAsync("schema", "pull", "--webhook", emulator.WebhookUrl.ToString(), "--out", folder.Path);
        Assert.NotEqual(0, nothing.ExitCode);
        Assert.Contains("nothing to pull", nothing.Error, StringComparison.Ordinal);
    }
}
