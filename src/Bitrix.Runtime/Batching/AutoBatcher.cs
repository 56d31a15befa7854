using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bitrix.Batching;

/// <summary>
/// Coalesces independent calls made at about the same time into batches of up to 50: the first
/// queued call opens a short window; a full batch is sent at once. A lone call goes out as itself.
/// </summary>
internal sealed class AutoBatcher
{
    private readonly object _gate = new();
    private readonly List<Pending> _queue = [];
    private readonly ICallSender _single;
    private readonly BatchSender _batches;
    private readonly TimeSpan _window;
    private readonly TimeProvider _time;
    private bool _windowOpen;

    public AutoBatcher(ICallSender single, BatchSender batches, TimeSpan window, TimeProvider time)
    {
        _single = single;
        _batches = batches;
        _window = window;
        _time = time;
    }

    public Task<JsonElement> EnqueueAsync(string method, JsonObject? parameters, CancellationToken cancellationToken)
    {
        var pending = new Pending(method, parameters, cancellationToken);
        if (cancellationToken.CanBeCanceled)
        {
            // A caller who gives up is released at once, not when its batch is answered; a
            // cancelled call still queued is left out of the batch (see SendAsync).
            var registration = cancellationToken.Register(static state => ((Pending)state!).Cancel(), pending);
            _ = pending.Completion.Task.ContinueWith(_ => registration.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        List<Pending>? full = null;
        var openWindow = false;
        lock (_gate)
        {
            _queue.Add(pending);
            if (_queue.Count >= BitrixBatch.MaxCommands)
            {
                full = Take();
            }
            else if (!_windowOpen)
            {
                _windowOpen = true;
                openWindow = true;
            }
        }

        if (full is not null)
        {
            _ = SendAsync(full);
        }
        else if (openWindow)
        {
            _ = FlushAfterWindowAsync();
        }

        return pending.Completion.Task;
    }

    private List<Pending> Take()
    {
        var count = Math.Min(_queue.Count, BitrixBatch.MaxCommands);
        var taken = _queue.GetRange(0, count);
        _queue.RemoveRange(0, count);
        return taken;
    }

    private async Task FlushAfterWindowAsync()
    {
        await Task.Delay(_window, _time).ConfigureAwait(false);
        List<List<Pending>> chunks = [];
        lock (_gate)
        {
            while (_queue.Count > 0)
            {
                chunks.Add(Take());
            }

            _windowOpen = false;
        }

        await Task.WhenAll(chunks.Select(SendAsync)).ConfigureAwait(false);
    }

    private async Task SendAsync(List<Pending> items)
    {
        var live = items.Where(p => !p.CancellationToken.IsCancellationRequested).ToList();
        foreach (var cancelled in items.Except(live))
        {
            cancelled.Completion.TrySetCanceled(cancelled.CancellationToken);
        }

        if (live.Count == 0)
        {
            return;
        }

        try
        {
            if (live.Count == 1)
            {
                var response = await _single.SendAsync(live[0].Method, live[0].Parameters, live[0].CancellationToken).ConfigureAwait(false);
                live[0].Completion.TrySetResult(response.Result);
                return;
            }

            var commands = live.Select((p, i) => new PackedCommand(i.ToString(System.Globalization.CultureInfo.InvariantCulture), p.Method, p.Parameters)).ToList();
            var outcomes = (await _batches.SendAsync(commands, BatchMode.ResendRefused, CancellationToken.None).ConfigureAwait(false)).Outcomes;
            for (var i = 0; i < live.Count; i++)
            {
                var name = commands[i].Name;
                if (!outcomes.TryGetValue(name, out var outcome))
                {
                    live[i].Completion.TrySetException(new BitrixException(BitrixErrorCodes.InvalidResponse, "The batch answer has no entry for this call.", null, live[i].Method));
                }
                else if (outcome.Error is { } error)
                {
                    live[i].Completion.TrySetException(error.ToException(live[i].Method));
                }
                else
                {
                    live[i].Completion.TrySetResult(outcome.Result!.Value);
                }
            }
        }
        catch (Exception e)
        {
            foreach (var p in live)
            {
                p.Completion.TrySetException(e);
            }
        }
    }

    private sealed class Pending(string method, JsonObject? parameters, CancellationToken cancellationToken)
    {
        public string Method { get; } = method;

        public JsonObject? Parameters { get; } = parameters;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public TaskCompletionSource<JsonElement> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Cancel() => Completion.TrySetCanceled(CancellationToken);
    }
}
