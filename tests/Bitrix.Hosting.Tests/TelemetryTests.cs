using System.Diagnostics;
using Bitrix.Emulator;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Bitrix.Hosting.Tests;

/// <summary>
/// The client's spans and instruments as the OpenTelemetry SDK collects them with nothing but
/// <c>AddSource</c>/<c>AddMeter</c>. Tests of this class run one at a time: the listeners are process-wide.
/// </summary>
[Collection(nameof(TelemetryTests))]
[CollectionDefinition(nameof(TelemetryTests), DisableParallelization = true)]
public sealed class TelemetryTests
{
    [Fact]
    public async Task A_call_is_one_client_span_with_method_host_and_server_time_and_the_http_span_below_it_has_no_code()
    {
        await using var emulator = await Portal.StartAsync();
        var spans = new List<Activity>();
        using (Sdk.CreateTracerProviderBuilder().AddSource(BitrixDiagnostics.ActivitySourceName, "System.Net.Http").AddInMemoryExporter(spans).Build())
        {
            await using var bx = CreateClient(emulator);
            await bx.CallAsync("crm.deal.get", new { id = (await emulator.GetIdsAsync("crm.deal"))[3] });
        }

        var call = Assert.Single(spans, s => s.Source.Name == BitrixDiagnostics.ActivitySourceName);
        Assert.Equal("crm.deal.get", call.DisplayName);
        Assert.Equal(ActivityKind.Client, call.Kind);
        Assert.Equal("crm.deal.get", call.GetTagItem("rpc.method"));
        Assert.Equal("bitrix24", call.GetTagItem("rpc.system"));
        Assert.Equal("127.0.0.1", call.GetTagItem("server.address"));
        Assert.NotNull(call.GetTagItem("bitrix.operating"));
        Assert.Equal(ActivityStatusCode.Unset, call.Status);
        var http = Assert.Single(spans, s => s.Source.Name == "System.Net.Http");
        Assert.Equal(call.SpanId, http.ParentSpanId);
        Assert.Contains("bx-webhook-code-redacted", http.GetTagItem("url.full")?.ToString() ?? string.Empty, StringComparison.Ordinal);
        AssertNoSecret(spans, Portal.Code(emulator));
        await Portal.AssertHealthyAsync(emulator);
    }

    [Fact]
    public async Task A_batch_span_has_a_child_span_per_command_and_a_failed_command_is_marked_as_an_error()
    {
        await using var emulator = await Portal.StartAsync();
        var spans = new List<Activity>();
        BitrixBatchResult result;
        using (Sdk.CreateTracerProviderBuilder().AddSource(BitrixDiagnostics.ActivitySourceName).AddInMemoryExporter(spans).Build())
        {
            await using var bx = CreateClient(emulator);
            var first = (await emulator.GetIdsAsync("crm.deal"))[0];
            var batch = new BitrixBatch()
                .Add("first", "crm.deal.get", new System.Text.Json.Nodes.JsonObject { ["id"] = first })
                .Add("missing", "crm.deal.get", new System.Text.Json.Nodes.JsonObject { ["id"] = 999_999 })
                .Add("page", "crm.deal.list", new System.Text.Json.Nodes.JsonObject { ["select"] = new System.Text.Json.Nodes.JsonArray("ID") });
            result = await bx.BatchAsync(batch);
        }

        var parent = Assert.Single(spans, s => s.DisplayName == "batch");
        Assert.Equal(3, parent.GetTagItem("bitrix.batch.commands"));
        var commands = spans.Where(s => s.ParentSpanId == parent.SpanId).OrderBy(s => s.GetTagItem("bitrix.batch.command")).ToList();
        Assert.Equal(["first", "missing", "page"], commands.Select(s => (string)s.GetTagItem("bitrix.batch.command")!));
        Assert.Equal(["crm.deal.get", "crm.deal.get", "crm.deal.list"], commands.Select(s => s.DisplayName));
        var failed = commands[1];
        Assert.Equal(ActivityStatusCode.Error, failed.Status);
        Assert.Equal(result.Commands.Single(c => c.Name == "missing").Error!.Code, failed.GetTagItem("error.type"));
        Assert.All([commands[0], commands[2]], s => Assert.Equal(ActivityStatusCode.Unset, s.Status));
        Assert.All(commands, s => Assert.True(s.StartTimeUtc >= parent.StartTimeUtc && s.StartTimeUtc + s.Duration <= parent.StartTimeUtc + parent.Duration + TimeSpan.FromMilliseconds(1)));
        AssertNoSecret(spans, Portal.Code(emulator));
    }

    [Fact]
    public async Task Retries_are_events_on_the_call_span_and_the_meter_counts_requests_retries_and_rows()
    {
        var options = Portal.Options(deals: 300);
        options.FaultRate = 0.3;
        options.FaultKinds = [FaultKind.InternalError];
        options.Seed = 7;
        await using var emulator = await BitrixEmulator.StartAsync(options);
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        var rows = 0;
        using (Sdk.CreateTracerProviderBuilder().AddSource(BitrixDiagnostics.ActivitySourceName).AddInMemoryExporter(spans).Build())
        using (Sdk.CreateMeterProviderBuilder().AddMeter(BitrixDiagnostics.MeterName).AddInMemoryExporter(metrics).Build())
        {
            await using var bx = CreateClient(emulator);
            await foreach (var unused in bx.ListAllAsync("crm.deal.list", new System.Text.Json.Nodes.JsonObject { ["select"] = new System.Text.Json.Nodes.JsonArray("ID") }))
            {
                rows++;
            }

            foreach (var id in (await emulator.GetIdsAsync("crm.deal")).Take(30))
            {
                await bx.CallAsync("crm.deal.get", new { id });
            }
        }

        Assert.Equal(300, rows);
        var stats = await emulator.GetStatsAsync();
        Assert.True(stats.Faults.Values.Sum() > 0, "the seed injects faults");
        var resends = spans.SelectMany(s => s.Events).Where(e => e.Name == "bitrix.resend").ToList();
        Assert.NotEmpty(resends);
        Assert.All(resends, e => Assert.Equal("INTERNAL_SERVER_ERROR", e.Tags.Single(t => t.Key == "bitrix.reason").Value));

        // Cumulative temporality: the provider's closing export holds the totals (the exporter may list a metric once per export).
        long Sum(string name) => metrics.Where(m => m.Name == name).Distinct().Sum(m =>
        {
            long total = 0;
            foreach (ref readonly var point in m.GetMetricPoints())
            {
                total += point.GetSumLong();
            }

            return total;
        });

        Assert.Equal(300, Sum("bitrix.client.rows"));
        Assert.Equal(resends.Count, Sum("bitrix.client.retries"));
        Assert.Equal(stats.Requests, Sum("bitrix.client.requests"));
        AssertNoSecret(spans, Portal.Code(emulator));
        foreach (var metric in metrics)
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                foreach (var tag in point.Tags)
                {
                    Assert.DoesNotContain(Portal.Code(emulator), $"{tag.Key}={tag.Value}", StringComparison.Ordinal);
                }
            }
        }
    }

    [Fact]
    public async Task A_failed_call_marks_its_span_with_the_error_code()
    {
        await using var emulator = await Portal.StartAsync();
        var spans = new List<Activity>();
        using (Sdk.CreateTracerProviderBuilder().AddSource(BitrixDiagnostics.ActivitySourceName).AddInMemoryExporter(spans).Build())
        {
            await using var bx = CreateClient(emulator);
            var error = await Assert.ThrowsAsync<BitrixException>(() => bx.CallAsync("crm.deal.nosuchmethod", new { id = 1 }));
            var span = Assert.Single(spans);
            Assert.Equal(ActivityStatusCode.Error, span.Status);
            Assert.Equal(error.ErrorCode, span.GetTagItem("error.type"));
            Assert.Equal((int)error.StatusCode!, span.GetTagItem("http.response.status_code"));
        }
    }

    [Fact]
    public async Task Without_a_listener_no_span_is_created()
    {
        await using var emulator = await Portal.StartAsync();
        var seen = 0;
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "unrelated",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStarted = _ => Interlocked.Increment(ref seen),
        };
        ActivitySource.AddActivityListener(listener);
        await using var bx = CreateClient(emulator);
        var id = (await emulator.GetIdsAsync("crm.deal"))[0];

        await bx.CallAsync("crm.deal.get", new { id });

        Assert.Null(Activity.Current);
        Assert.Equal(0, seen);
    }

    private static BitrixClient CreateClient(BitrixEmulator emulator)
    {
        var services = new ServiceCollection();
        services.AddBitrix(o =>
        {
            o.WebhookUrl = emulator.WebhookUrl.ToString();
            Portal.Apply(o.Client);
        });
        var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<BitrixClient>();
    }

    private static void AssertNoSecret(IEnumerable<Activity> spans, string code)
    {
        foreach (var span in spans)
        {
            Assert.DoesNotContain(code, span.DisplayName, StringComparison.Ordinal);
            Assert.DoesNotContain(code, span.StatusDescription ?? string.Empty, StringComparison.Ordinal);
            foreach (var tag in span.TagObjects)
            {
                Assert.DoesNotContain(code, $"{tag.Key}={tag.Value}", StringComparison.Ordinal);
            }

            foreach (var e in span.Events)
            {
                Assert.DoesNotContain(code, e.Name, StringComparison.Ordinal);
                Assert.All(e.Tags, t => Assert.DoesNotContain(code, $"{t.Key}={t.Value}", StringComparison.Ordinal));
            }
        }
    }
}
