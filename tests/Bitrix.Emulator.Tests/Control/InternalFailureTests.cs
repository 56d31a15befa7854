using System.Reflection;
using Bitrix.Emulator.Methods;
using Bitrix.Emulator.Protocol;

namespace Bitrix.Emulator.Tests.Control;

/// <summary>
/// The defect counter every other test relies on: a handler that throws something other than a
/// portal error is answered 500 INTERNAL_SERVER_ERROR and counted, and a reset clears the count.
/// </summary>
public sealed class InternalFailureTests
{
    [Fact]
    public async Task A_throwing_handler_is_answered_500_and_counted_as_an_internal_failure()
    {
        using var portal = PortalWithThrowingMethod();

        var answer = await portal.HandleAsync(Request("/rest/1/emulatorsecret/test.throw"), CancellationToken.None);
        var stats = portal.Snapshot();

        Assert.Equal(500, answer.Status);
        Assert.Equal("INTERNAL_SERVER_ERROR", (string?)JsonNode.Parse(answer.Body)!["error"]);
        Assert.Equal(1, stats.InternalFailures);
        Assert.Contains("emulator defect on purpose", stats.LastInternalFailure, StringComparison.Ordinal);
        Assert.Equal(1, stats.AnswersByStatus[500]);
    }

    [Fact]
    public async Task A_portal_error_thrown_by_a_handler_is_an_answer_not_a_failure()
    {
        using var portal = PortalWithThrowingMethod();

        var answer = await portal.HandleAsync(Request("/rest/1/emulatorsecret/test.legacy"), CancellationToken.None);

        Assert.Equal(400, answer.Status);
        Assert.Equal(0, portal.Snapshot().InternalFailures);
    }

    [Fact]
    public async Task A_reset_clears_the_count_and_the_last_failure()
    {
        using var portal = PortalWithThrowingMethod();
        await portal.HandleAsync(Request("/rest/1/emulatorsecret/test.throw"), CancellationToken.None);

        portal.Reset();
        var stats = portal.Snapshot();

        Assert.Equal(0, stats.InternalFailures);
        Assert.Null(stats.LastInternalFailure);
    }

    private static Portal PortalWithThrowingMethod()
    {
        var portal = new Portal(new EmulatorOptions { Deals = 1, Leads = 1, Contacts = 1, Companies = 1, Activities = 1, Tasks = 1, Users = 1, LatencyScale = 0 });
        var registry = (MethodRegistry)typeof(Portal).GetField("_methods", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(portal)!;
        registry.Add("test.throw", _ => throw new InvalidOperationException("emulator defect on purpose"));
        registry.Add("test.legacy", _ => throw PortalError.Legacy("Not found"));
        return portal;
    }

    private static EmulatorRequest Request(string path)
        => new("POST", path, string.Empty, "application/json", Encoding.UTF8.GetBytes("{}"), null, new Uri("http://portal.emulator/"));
}
