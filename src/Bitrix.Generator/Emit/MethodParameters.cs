using System.Collections.Generic;
using System.Linq;
using Bitrix.Generator.Model;
using static Bitrix.Generator.Emit.GeneratedNames;

namespace Bitrix.Generator.Emit;

/// <summary>
/// The parameters of one generated method: their C# declarations, their doc comments, and the
/// statements that build the JSON object the call sends (<c>parameters</c>). A bulk method builds
/// each of its items with these same statements: its loop variables carry the single form's
/// parameter names (<c>id</c>, <c>fields</c>), so one item of a batch is always sent as the single
/// call would send it.
/// </summary>
internal sealed class MethodParameters
{
    private readonly EntitySpec _entity;
    private readonly MethodSpec _method;

    /// <summary>Every parameter the call sends before its kind's own (an ID, fields): the entity's common parameters and, for a plain call, the schema's.</summary>
    private readonly List<ParameterSpec> _sent;

    /// <summary>The sent parameters the caller passes (those without a fixed value).</summary>
    private readonly List<ParameterSpec> _declared;

    public MethodParameters(EntitySpec entity, MethodSpec method)
    {
        _entity = entity;
        _method = method;

        // The typed kinds take their own parameters from the kind (an ID, fields, a filter); only a plain call declares the schema's.
        _sent = method.Kind == MethodKind.Call ? entity.CommonParameters.Concat(method.Parameters).ToList() : entity.CommonParameters.ToList();
        _declared = _sent.Where(p => p.FixedValue is null).ToList();

        // A plain call puts its required parameters before the optional ones (which have defaults).
        var ordered = method.Kind == MethodKind.Call ? _declared.Where(p => p.IsRequired).Concat(_declared.Where(p => !p.IsRequired)) : _declared;
        Declarations = string.Concat(ordered.Select(p => Declaration(p) + ", "));
    }

    /// <summary>The declarations that open the method's parameter list, each followed by <c>", "</c>.</summary>
    public string Declarations { get; }

    /// <summary>The <c>&lt;param&gt;</c> docs of <see cref="Declarations"/>, in schema order.</summary>
    public void WriteDocs(SourceWriter w)
    {
        foreach (var p in _declared)
        {
            var fallback = _method.Kind == MethodKind.Call ? "The parameter " + p.Key + "." : p.Key;
            w.Line($"/// <param name=\"{p.CSharpName.TrimStart('@')}\">{SourceWriter.Xml(p.Description.Length > 0 ? p.Description : fallback)}</param>");
        }
    }

    /// <summary>
    /// Declares <c>parameters</c> and fills it: the sent parameters, then what the method's kind
    /// carries — the ID (get, delete), the fields (add), or the ID and the fields after the check
    /// of fields that are set on add only (update).
    /// </summary>
    public void Write(SourceWriter w)
    {
        w.Line($"var parameters = new {JsonObject}();");
        foreach (var p in _sent)
        {
            WriteSet(w, p);
        }

        switch (_method.Kind)
        {
            case MethodKind.Get:
            case MethodKind.Delete:
                WriteId(w);
                break;
            case MethodKind.Add:
                WriteFields(w);
                break;
            case MethodKind.Update:
                WriteId(w);
                WriteImmutableCheck(w);
                WriteFields(w);
                break;
        }
    }

    private void WriteId(SourceWriter w) => w.Line($"parameters[{Lit(_method.IdParameter)}] = id;");

    private void WriteFields(SourceWriter w) => w.Line($"{Support}.AddFields(parameters, {Lit(_method.FieldsParameter)}, fields);");

    /// <summary>Fields the catalog marks immutable are set on add only; an update would ignore them silently.</summary>
    private void WriteImmutableCheck(SourceWriter w)
    {
        var immutable = _entity.Fields.Where(f => f.IsImmutable && !f.IsReadOnly).Select(f => Lit(f.WireName)).ToList();
        if (immutable.Count > 0)
        {
            w.Line($"{Support}.RejectImmutable(fields, {string.Join(", ", immutable)});");
        }
    }

    private string Declaration(ParameterSpec p)
    {
        var type = p.Type switch
        {
            ParameterType.Int64 => "long",
            ParameterType.String => "string",
            ParameterType.Boolean => "bool",
            ParameterType.Json => "global::System.Text.Json.Nodes.JsonNode",
            ParameterType.Fields => "global::Bitrix." + _entity.FieldsClassName,
            ParameterType.Rows => $"global::System.Collections.Generic.IEnumerable<global::Bitrix.{_entity.FieldsClassName}>",
            _ => "global::System.Collections.Generic.IEnumerable<long>",
        };
        return p.IsRequired ? $"{type} {p.CSharpName}" : $"{type}? {p.CSharpName} = null";
    }

    private static void WriteSet(SourceWriter w, ParameterSpec p)
    {
        var key = Lit(p.Key);
        if (p.FixedValue is { } fixedValue)
        {
            w.Line($"parameters[{key}] = {fixedValue};");
            return;
        }

        var value = p.Type switch
        {
            ParameterType.Json => $"{p.CSharpName}?.DeepClone()",
            ParameterType.Fields => $"{p.CSharpName}.ToJson()",
            ParameterType.Rows => $"{Value}.WriteList({p.CSharpName}, f => f.ToJson())",
            ParameterType.Ids => $"{Value}.WriteList({p.CSharpName}, v => {Value}.WriteInt64(v))",
            _ => p.CSharpName,
        };
        if (p.IsRequired || p.Type == ParameterType.Json)
        {
            if (p.IsRequired && p.Type is ParameterType.String or ParameterType.Json or ParameterType.Fields or ParameterType.Rows or ParameterType.Ids)
            {
                w.Line($"global::System.ArgumentNullException.ThrowIfNull({p.CSharpName});");
            }

            w.Line($"parameters[{key}] = {value};");
        }
        else
        {
            w.Open($"if ({p.CSharpName} is not null)");
            w.Line($"parameters[{key}] = {(p.Type is ParameterType.Int64 or ParameterType.Boolean ? p.CSharpName + ".Value" : value)};");
            w.Close();
        }
    }
}
