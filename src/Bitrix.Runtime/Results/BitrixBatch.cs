using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;

namespace Bitrix;

/// <summary>
/// An explicit batch: up to 50 named or listed commands, optionally halting at the first failure.
/// Parameters may reference earlier results: <c>"$result[deals][0][ID]"</c>.
/// </summary>
/// <remarks>
/// The portal substitutes references in every key and value of every command: <c>$result</c>,
/// <c>$next</c>, <c>$total</c>, <c>$error</c> or <c>$time</c> in any letter case, followed by
/// characters up to the next white space that include a bracketed segment. The whole run is
/// replaced — also inside longer text such as a title or a comment ("see $result[0] here" is
/// stored as "see 5024 here"), and whether the reference was meant or not. An explicit batch is
/// sent as written; <see cref="CommandsWithReferences"/> tells which commands the portal will
/// rewrite, so that data which must be stored as given can be sent on its own
/// (<see cref="BitrixClient.CallAsync(string, JsonObject?, CancellationToken)"/> with a JSON body is never rewritten).
/// </remarks>
public sealed class BitrixBatch
{
    /// <summary>The most commands one batch may carry.</summary>
    public const int MaxCommands = 50;

    private readonly List<BitrixBatchCommand> _commands = [];

    /// <summary>Stop at the first failing command (<c>halt=1</c>).</summary>
    public bool Halt { get; set; }

    /// <summary>The commands in order.</summary>
    public IReadOnlyList<BitrixBatchCommand> Commands => _commands;

    /// <summary>
    /// The names of the commands whose parameters hold text the portal will substitute as a
    /// reference to another command's result (wanted or not), in order.
    /// </summary>
    public IReadOnlyList<string> CommandsWithReferences => [.. _commands.Where(c => BatchReferences.Contains(c.Parameters)).Select(c => c.Name)];

    /// <summary>Adds a named command with parameters given as a JSON tree (trimming-safe).</summary>
    public BitrixBatch Add(string name, string method, JsonObject? parameters)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        MethodName.Validate(method, nameof(method));
        if (_commands.Exists(c => c.Name == name))
        {
            throw new ArgumentException($"The batch already has a command named '{name}'.", nameof(name));
        }

        _commands.Add(new BitrixBatchCommand(name, method, parameters));
        return this;
    }

    /// <summary>Adds a named command; parameters may be an anonymous object, a dictionary or a JSON value.</summary>
    [RequiresUnreferencedCode(ParameterConverter.ReflectionMessage)]
    [RequiresDynamicCode(ParameterConverter.ReflectionMessage)]
    public BitrixBatch Add(string name, string method, object? parameters = null)
        => Add(name, method, ParameterConverter.ToObject(parameters));

    /// <summary>Adds a command named by its position (<c>0</c>, <c>1</c>, ...).</summary>
    [RequiresUnreferencedCode(ParameterConverter.ReflectionMessage)]
    [RequiresDynamicCode(ParameterConverter.ReflectionMessage)]
    public BitrixBatch Add(string method, object? parameters = null)
        => Add(_commands.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), method, ParameterConverter.ToObject(parameters));
}

/// <summary>One command of an explicit batch.</summary>
/// <param name="Name">The command's name, used in references and results.</param>
/// <param name="Method">The REST method.</param>
/// <param name="Parameters">The parameters.</param>
public sealed record BitrixBatchCommand(string Name, string Method, JsonObject? Parameters);
