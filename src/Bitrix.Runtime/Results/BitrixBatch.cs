using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;

namespace Bitrix;

/// <summary>
/// An explicit batch: up to 50 named or listed commands, optionally halting at the first failure.
/// Parameters may reference earlier results: <c>"$result[deals][0][ID]"</c>.
/// </summary>
public sealed class BitrixBatch
{
    /// <summary>The most commands one batch may carry.</summary>
    public const int MaxCommands = 50;

    private readonly List<BitrixBatchCommand> _commands = [];

    /// <summary>Stop at the first failing command (<c>halt=1</c>).</summary>
    public bool Halt { get; set; }

    /// <summary>The commands in order.</summary>
    public IReadOnlyList<BitrixBatchCommand> Commands => _commands;

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
