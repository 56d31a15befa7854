using System.Diagnostics;
using System.Text.Json.Nodes;
using Bitrix.Diagnostics;
using Bitrix.Resilience;
using Bitrix.Throttling;

namespace Bitrix.Batching;

/// <summary>How a batch's commands are sent.</summary>
internal enum BatchMode
{
    /// <summary>The caller's batch, sent once as given (halt allowed); every command's answer is handed back.</summary>
    Explicit,

    /// <summary>
    /// Independent commands: one refused with 429 OPERATION_TIME_LIMIT did not run, so it is sent
    /// again (alone with the other refused ones) after its method's reset while its siblings keep
    /// their results.
    /// </summary>
    ResendRefused,

    /// <summary>
    /// Commands that refer to each other's results (<c>$result[...]</c>): sent once, never one by
    /// one, since a resent command's references would break. The caller resumes after a refusal.
    /// </summary>
    Chained,
}

/// <summary>Sends one call through the resilience pipeline and the throttle.</summary>
internal interface ICallSender
{
    /// <summary>Sends <paramref name="method"/> once, with every wait, resend and retry it needs.</summary>
    /// <param name="method">The REST method.</param>
    /// <param name="parameters">Its parameters.</param>
    /// <param name="cancellationToken">Stops waiting and sending.</param>
    /// <param name="onSending">Called each time the request is handed to the transport.</param>
    Task<BitrixResponse> SendAsync(string method, JsonNode? parameters, CancellationToken cancellationToken, Action? onSending = null);
}

/// <summary>What a batch request brought back: each command's outcome and the request's own time.</summary>
internal sealed record BatchAnswer(Dictionary<string, CommandOutcome> Outcomes, BitrixTime? Time);

/// <summary>
/// The one way batches go out — explicit batches, listing pages, bulk calls and coalesced calls
/// alike. Every answer teaches the throttle: each command's <c>result_time</c> feeds its own
/// method's operating budget, and a command refused for its method's operating time blocks that
/// method until its reset, whichever mode sent it.
/// </summary>
internal sealed class BatchSender
{
    /// <summary>How often a refused command is sent again before its refusal is its answer.</summary>
    private const int MaxCommandResends = 20;

    private readonly ResilientSender _sender;
    private readonly Throttle _throttle;
    private readonly MethodKinds _kinds;

    public BatchSender(ResilientSender sender, Throttle throttle, MethodKinds kinds)
    {
        _sender = sender;
        _throttle = throttle;
        _kinds = kinds;
    }

    /// <summary>Sends <paramref name="commands"/> (at most 50) in <paramref name="mode"/>.</summary>
    /// <param name="commands">The commands, each named uniquely.</param>
    /// <param name="mode">Explicit, resend-refused or chained.</param>
    /// <param name="cancellationToken">Stops waiting and sending.</param>
    /// <param name="halt">Whether the portal stops at the first failed command (explicit batches only).</param>
    /// <param name="outcomes">
    /// Where answers are added as they arrive (resend mode), so that a caller cancelled while refused
    /// commands wait for their resend still has the results of the commands that ran.
    /// </param>
    /// <param name="onSending">Called each time a request is handed to the transport.</param>
    public async Task<BatchAnswer> SendAsync(IReadOnlyList<PackedCommand> commands, BatchMode mode, CancellationToken cancellationToken, bool halt = false, Dictionary<string, CommandOutcome>? outcomes = null, Action? onSending = null)
    {
        Debug.Assert(!halt || mode == BatchMode.Explicit, "Only an explicit batch halts.");
        if (mode != BatchMode.ResendRefused)
        {
            var (answer, time) = await SendRoundAsync(commands, halt, cancellationToken, onSending).ConfigureAwait(false);
            if (outcomes is not null)
            {
                foreach (var (name, outcome) in answer)
                {
                    outcomes[name] = outcome;
                }
            }

            return new BatchAnswer(outcomes ?? answer, time);
        }

        outcomes ??= new Dictionary<string, CommandOutcome>(StringComparer.Ordinal);
        BitrixTime? last = null;
        var pending = commands;
        for (var round = 0; pending.Count > 0; round++)
        {
            var (answer, time) = await SendRoundAsync(pending, halt: false, cancellationToken, onSending).ConfigureAwait(false);
            last = time;
            var refused = new List<PackedCommand>();
            foreach (var command in pending)
            {
                if (!answer.TryGetValue(command.Name, out var outcome))
                {
                    continue;
                }

                if (IsOperatingRefusal(outcome) && round < MaxCommandResends)
                {
                    refused.Add(command);
                }
                else
                {
                    outcomes[command.Name] = outcome;
                }
            }

            pending = refused;
        }

        return new BatchAnswer(outcomes, last);
    }

    /// <summary>One batch request: sent, read and learnt from.</summary>
    private async Task<(Dictionary<string, CommandOutcome> Answer, BitrixTime? Time)> SendRoundAsync(IReadOnlyList<PackedCommand> commands, bool halt, CancellationToken cancellationToken, Action? onSending)
    {
        var shape = CallShape.Batch(commands.Select(c => c.Method), _kinds);
        using var span = BitrixTelemetry.StartCall("batch", _sender.Endpoint, commands.Count);
        var response = await _sender.SendAsync("batch", BatchCodec.Build(commands, halt), shape, cancellationToken, span, onSending).ConfigureAwait(false);
        var answer = BatchCodec.Parse(response.Result);
        await LearnAsync(commands, answer, span).ConfigureAwait(false);
        return (answer, response.Time);
    }

    /// <summary>
    /// Feeds each command's <c>result_time</c> to its own method's operating budget, blocks the
    /// methods of commands refused for their operating time, and gives each command its span. Not
    /// cancellable: the batch has answered, and its results must not be lost to a cancellation that
    /// arrives during the bookkeeping.
    /// </summary>
    private async Task LearnAsync(IReadOnlyList<PackedCommand> commands, Dictionary<string, CommandOutcome> answer, Activity? span)
    {
        BitrixTelemetry.Commands(span, commands.Select(c => (c.Name, c.Method)), answer);
        foreach (var command in commands)
        {
            if (answer.TryGetValue(command.Name, out var outcome) && outcome.Time is { } time)
            {
                await _throttle.OnAnswerAsync(command.Method, time, CancellationToken.None).ConfigureAwait(false);
            }
        }

        // After the times: a refused command's own reset time, when it carries one, is known by now.
        foreach (var command in commands)
        {
            if (answer.TryGetValue(command.Name, out var outcome) && IsOperatingRefusal(outcome))
            {
                await _throttle.OnOperatingRefusalAsync(command.Method, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private static bool IsOperatingRefusal(CommandOutcome outcome) => outcome.Error?.Code == BitrixErrorCodes.OperationTimeLimit;
}
