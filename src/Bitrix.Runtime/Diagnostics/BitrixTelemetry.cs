using System.Diagnostics;
using Bitrix.Batching;
using Bitrix.Transport;

namespace Bitrix.Diagnostics;

/// <summary>
/// Spans on the activity source <c>Bitrix.Client</c>: one per call to the portal (a method or a
/// <c>batch</c>, covering its waits, retries and resends) and, under a batch, one per command.
/// Tags carry method names, the portal's host, status and error codes — never a URL path, a
/// webhook code, a token or a parameter value.
/// </summary>
internal static class BitrixTelemetry
{
    public static readonly ActivitySource Source = new(BitrixDiagnostics.ActivitySourceName, BitrixDiagnostics.Version);

    /// <summary>Starts the span of one call, or returns null when nobody listens.</summary>
    public static Activity? StartCall(string method, PortalEndpoint endpoint, int commands = 0)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity(method, ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("rpc.system", "bitrix24");
            activity.SetTag("rpc.method", method);
            activity.SetTag("server.address", endpoint.Portal.Host);
            activity.SetTag("server.port", endpoint.Portal.Port);
            if (commands > 0)
            {
                activity.SetTag("bitrix.batch.commands", commands);
            }
        }

        return activity;
    }

    /// <summary>Marks a resend after a refusal or a transient failure.</summary>
    public static void Resent(string reason)
    {
        if (Activity.Current is { Source.Name: BitrixDiagnostics.ActivitySourceName, IsAllDataRequested: true } activity)
        {
            activity.AddEvent(new ActivityEvent("bitrix.resend", tags: new ActivityTagsCollection { ["bitrix.reason"] = reason }));
        }
    }

    /// <summary>The call answered; records the server's time.</summary>
    public static void Answered(Activity? activity, BitrixResponse response)
    {
        if (activity is { IsAllDataRequested: true } && response.Time is { } time)
        {
            if (time.Duration is { } duration)
            {
                activity.SetTag("bitrix.server.duration", duration);
            }

            if (time.Operating is { } operating)
            {
                activity.SetTag("bitrix.operating", operating);
            }
        }
    }

    /// <summary>The call failed with <paramref name="error"/>.</summary>
    public static void Failed(Activity? activity, Exception error)
    {
        if (activity is null)
        {
            return;
        }

        var code = error switch
        {
            BitrixException b => b.ErrorCode,
            OperationCanceledException => "cancelled",
            _ => error.GetType().FullName ?? "error",
        };
        activity.SetStatus(ActivityStatusCode.Error, code);
        if (activity.IsAllDataRequested)
        {
            activity.SetTag("error.type", code);
            if (error is BitrixException { StatusCode: { } status })
            {
                activity.SetTag("http.response.status_code", (int)status);
            }
        }
    }

    /// <summary>One child span per command of a batch that answered, with its own outcome and server time.</summary>
    public static void Commands(Activity? batch, IEnumerable<(string Name, string Method)> commands, IReadOnlyDictionary<string, CommandOutcome> outcomes)
    {
        if (batch is not { IsAllDataRequested: true })
        {
            return;
        }

        var start = batch.StartTimeUtc;
        foreach (var (name, method) in commands)
        {
            using var command = Source.StartActivity(method, ActivityKind.Internal, batch.Context, startTime: start);
            if (command is null)
            {
                continue;
            }

            command.SetTag("rpc.method", method);
            command.SetTag("bitrix.batch.command", name);
            if (!outcomes.TryGetValue(name, out var outcome))
            {
                command.SetTag("bitrix.batch.skipped", true);
            }
            else if (outcome.Error is { } error)
            {
                command.SetStatus(ActivityStatusCode.Error, error.Code);
                command.SetTag("error.type", error.Code);
            }

            if (outcome?.Time is { } time)
            {
                if (time.Duration is { } duration)
                {
                    command.SetTag("bitrix.server.duration", duration);
                }

                if (time.Operating is { } operating)
                {
                    command.SetTag("bitrix.operating", operating);
                }
            }

            command.SetEndTime(DateTime.UtcNow);
        }
    }
}
