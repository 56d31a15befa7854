using System.Text.Json;

namespace Bitrix;

/// <summary>The answer to an explicit batch: one entry per command that ran, by name and in order.</summary>
public sealed class BitrixBatchResult
{
    private readonly Dictionary<string, BitrixCommandResult> _byName;

    internal BitrixBatchResult(IReadOnlyList<BitrixCommandResult> commands, BitrixTime? time)
    {
        Commands = commands;
        Time = time;
        _byName = commands.ToDictionary(c => c.Name, StringComparer.Ordinal);
    }

    /// <summary>Commands that ran, in the batch's order (with halt, those after a failure are absent).</summary>
    public IReadOnlyList<BitrixCommandResult> Commands { get; }

    /// <summary>The batch request's own <c>time</c>.</summary>
    public BitrixTime? Time { get; }

    /// <summary>The command named <paramref name="name"/>.</summary>
    public BitrixCommandResult this[string name] => _byName.TryGetValue(name, out var c) ? c : throw new KeyNotFoundException($"The batch has no result for command '{name}'.");

    /// <summary>Looks a command up by name.</summary>
    public bool TryGet(string name, out BitrixCommandResult? result) => _byName.TryGetValue(name, out result);
}

/// <summary>The outcome of one batch command.</summary>
public sealed record BitrixCommandResult
{
    internal BitrixCommandResult(string name, string method, JsonElement? result, BitrixError? error, long? total, long? next, BitrixTime? time)
    {
        Name = name;
        Method = method;
        Result = result;
        Error = error;
        Total = total;
        Next = next;
        Time = time;
    }

    /// <summary>The command's name.</summary>
    public string Name { get; }

    /// <summary>The command's method.</summary>
    public string Method { get; }

    /// <summary>The result; null when the command failed.</summary>
    public JsonElement? Result { get; }

    /// <summary>The error; null when the command succeeded.</summary>
    public BitrixError? Error { get; }

    /// <summary><c>total</c> of a list command.</summary>
    public long? Total { get; }

    /// <summary><c>next</c> of a list command.</summary>
    public long? Next { get; }

    /// <summary>The command's <c>result_time</c>.</summary>
    public BitrixTime? Time { get; }

    /// <summary>True when the command succeeded.</summary>
    public bool IsSuccess => Error is null;
}
