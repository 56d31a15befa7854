using System;
using System.Linq;
using Bitrix.Generator.Model;
using static Bitrix.Generator.Emit.GeneratedNames;

namespace Bitrix.Generator.Emit;

/// <summary>
/// Writes an entity's methods into its API class (<c>bx.Crm.Deal</c>): the reads of a list, get,
/// add, update and delete each with its bulk form (50 to a batch, one result per item), the field
/// catalog, and the schema's plain calls.
/// </summary>
internal static class ApiEmitter
{
    public static void Write(SourceWriter w, EntitySpec e)
    {
        w.Line($"/// <content>The methods of {SourceWriter.Xml(e.Name)} ({SourceWriter.Xml(string.Join(", ", e.Methods.Select(m => m.Method)))}).</content>");
        w.Open($"partial class {e.ApiClassName}");
        var first = true;
        foreach (var m in e.Methods)
        {
            w.BlankLineBetween(ref first);
            Action<SourceWriter, EntitySpec, MethodSpec> write = m.Kind switch
            {
                MethodKind.List => ListMethodEmitter.Write,
                MethodKind.Get => WriteGet,
                MethodKind.Add => WriteAdd,
                MethodKind.Update => WriteUpdate,
                MethodKind.Delete => WriteDelete,
                MethodKind.Fields => WriteFieldsMethod,
                _ => WriteCall,
            };
            write(w, e, m);
        }

        w.Close();
    }

    /// <summary>The sentence a read's summary ends with.</summary>
    internal static string ReadNote(MethodSpec m) => m.IsRead ? " A read: safe to retry." : string.Empty;

    private static string IdType(EntitySpec e) => e.IdIsString ? "string" : "long";

    private static void WriteGet(SourceWriter w, EntitySpec e, MethodSpec m)
    {
        var entity = "global::Bitrix." + e.Name;
        var itemArguments = $"{Lit(m.ResultKey ?? e.ItemKey)}, {(m.FirstRow ? "true" : "false")}, {Lit(m.Method)}";
        var parameters = new MethodParameters(e, m);
        WriteSingle(
            w,
            m,
            parameters,
            summary: $"Gets one {SourceWriter.Xml(e.Name)} by ID (<c>{m.Method}</c>).{ReadNote(m)}",
            docs: [("id", "The ID.")],
            exception: "The portal reported an error, such as Not found.",
            name: "Get",
            declarations: $"{IdType(e)} id, ",
            result: entity,
            returns: $"{entity}.FromJson({Support}.Item(result, {itemArguments}))");
        WriteMany(
            w,
            m,
            parameters,
            summary: $"Gets many {SourceWriter.Xml(e.Name)} rows by ID, 50 to a batch: one result per ID in input order; a missing ID is an error on its own result.{ReadNote(m)}",
            name: "GetMany",
            items: ("ids", "The IDs; duplicates allowed."),
            itemType: IdType(e),
            item: "id",
            calls: "items",
            result: entity,
            map: $"r => {entity}.FromJson({Support}.Item(r, {itemArguments}))");
    }

    private static void WriteAdd(SourceWriter w, EntitySpec e, MethodSpec m)
    {
        var fields = "global::Bitrix." + e.FieldsClassName;
        var newId = $"{Support}.NewId(result, {Lit(m.ResultKey ?? e.ItemKey)}, {Lit(e.IdRowKey)})";
        var parameters = new MethodParameters(e, m);
        WriteSingle(
            w,
            m,
            parameters,
            summary: $"Adds a {SourceWriter.Xml(e.Name)} (<c>{m.Method}</c>) and returns its new ID.",
            docs: [("fields", "The fields to set.")],
            exception: null,
            name: "Add",
            declarations: $"{fields} fields, ",
            result: "long",
            returns: newId);
        WriteMany(
            w,
            m,
            parameters,
            summary: $"Adds many {SourceWriter.Xml(e.Name)} rows, 50 to a batch: one result (the new ID or an error) per item, in input order.",
            name: "AddMany",
            items: ("items", "The rows to add."),
            itemType: fields,
            item: "fields",
            calls: "calls",
            result: "long",
            map: "result => " + newId);
    }

    private static void WriteUpdate(SourceWriter w, EntitySpec e, MethodSpec m)
    {
        var fields = "global::Bitrix." + e.FieldsClassName;
        var parameters = new MethodParameters(e, m);
        WriteSingle(
            w,
            m,
            parameters,
            summary: $"Updates a {SourceWriter.Xml(e.Name)} (<c>{m.Method}</c>): only the fields set are sent; a field set to null is erased.",
            docs: [("id", "The ID."), ("fields", "The fields to change.")],
            exception: null,
            name: "Update",
            declarations: $"{IdType(e)} id, {fields} fields, ",
            result: null,
            returns: null);
        WriteMany(
            w,
            m,
            parameters,
            summary: $"Updates many {SourceWriter.Xml(e.Name)} rows, 50 to a batch (items that erase a field go alone, as a batch cannot carry null): one result per item, in input order.",
            name: "UpdateMany",
            items: ("items", "Pairs of ID and fields to change."),
            itemType: $"({IdType(e)} Id, {fields} Fields)",
            item: "(id, fields)",
            calls: "calls",
            result: "bool",
            map: Support + ".Success");
    }

    private static void WriteDelete(SourceWriter w, EntitySpec e, MethodSpec m)
    {
        var parameters = new MethodParameters(e, m);
        WriteSingle(
            w,
            m,
            parameters,
            summary: $"Deletes a {SourceWriter.Xml(e.Name)} (<c>{m.Method}</c>).",
            docs: [("id", "The ID.")],
            exception: null,
            name: "Delete",
            declarations: $"{IdType(e)} id, ",
            result: null,
            returns: null);
        WriteMany(
            w,
            m,
            parameters,
            summary: $"Deletes many {SourceWriter.Xml(e.Name)} rows, 50 to a batch: one result per ID, in input order.",
            name: "DeleteMany",
            items: ("ids", "The IDs."),
            itemType: IdType(e),
            item: "id",
            calls: "calls",
            result: "bool",
            map: Support + ".Success");
    }

    private static void WriteFieldsMethod(SourceWriter w, EntitySpec e, MethodSpec m)
        => WriteSingle(
            w,
            m,
            new MethodParameters(e, m),
            summary: $"Reads the portal's field catalog of {SourceWriter.Xml(e.Name)} (<c>{m.Method}</c>), user fields included.{ReadNote(m)}",
            docs: [],
            exception: null,
            name: "Fields",
            declarations: string.Empty,
            result: "global::System.Collections.Generic.IReadOnlyDictionary<string, global::Bitrix.BitrixFieldInfo>",
            returns: "global::Bitrix.BitrixFieldInfo.ParseCatalog(result)");

    /// <summary>
    /// A single call: its docs after the common parameters' (<paramref name="docs"/>, by parameter name), its
    /// own parameters after the common ones (<paramref name="declarations"/>), and what it returns of the
    /// answer held in <c>result</c> (<paramref name="returns"/>, of type <paramref name="result"/>; null for nothing).
    /// </summary>
    private static void WriteSingle(SourceWriter w, MethodSpec m, MethodParameters parameters, string summary, (string Name, string Text)[] docs, string? exception, string name, string declarations, string? result, string? returns)
    {
        w.Line($"/// <summary>{summary}</summary>");
        parameters.WriteDocs(w);
        foreach (var (parameter, text) in docs)
        {
            w.Line($"/// <param name=\"{parameter}\">{text}</param>");
        }

        w.Line("/// <param name=\"cancellationToken\">Cancels the call.</param>");
        if (exception is not null)
        {
            w.Line($"/// <exception cref=\"global::Bitrix.BitrixException\">{exception}</exception>");
        }

        w.Open($"public async {Task(result)} {name}Async({parameters.Declarations}{declarations}{CancellationToken} cancellationToken = default)");
        parameters.Write(w);
        if (returns is null)
        {
            w.Line($"await Client.CallAsync({Lit(m.Method)}, parameters, cancellationToken).ConfigureAwait(false);");
        }
        else
        {
            w.Line($"var result = await Client.CallAsync({Lit(m.Method)}, parameters, cancellationToken).ConfigureAwait(false);");
            w.Line($"return {returns};");
        }

        w.Close();
    }

    /// <summary>
    /// The bulk form of a single call, after an empty line: each item, bound to the loop variable
    /// <paramref name="item"/> (named as the single form's parameters), becomes one parameter object built
    /// as the single form builds its own; the objects go out 50 to a batch and <paramref name="map"/>
    /// reads each answer.
    /// </summary>
    private static void WriteMany(SourceWriter w, MethodSpec m, MethodParameters parameters, string summary, string name, (string Name, string Text) items, string itemType, string item, string calls, string result, string map)
    {
        w.Line();
        w.Line($"/// <summary>{summary}</summary>");
        parameters.WriteDocs(w);
        w.Line($"/// <param name=\"{items.Name}\">{items.Text}</param>");
        w.Line("/// <param name=\"cancellationToken\">Cancels the calls.</param>");
        w.Open($"public async global::System.Threading.Tasks.Task<global::System.Collections.Generic.IReadOnlyList<global::Bitrix.BitrixResult<{result}>>> {name}Async({parameters.Declarations}global::System.Collections.Generic.IEnumerable<{itemType}> {items.Name}, {CancellationToken} cancellationToken = default)");
        w.Line($"global::System.ArgumentNullException.ThrowIfNull({items.Name});");
        w.Line($"var {calls} = new global::System.Collections.Generic.List<{JsonObject}?>();");
        w.Open($"foreach (var {item} in {items.Name})");
        parameters.Write(w);
        w.Line($"{calls}.Add(parameters);");
        w.Close();
        w.Line();
        w.Line($"var results = await Client.CallManyAsync({Lit(m.Method)}, {calls}, cancellationToken).ConfigureAwait(false);");
        w.Line($"return {Support}.Map(results, {map});");
        w.Close();
    }

    /// <summary>The task type of an async method that returns <paramref name="result"/> (null for nothing).</summary>
    private static string Task(string? result) => result is null ? "global::System.Threading.Tasks.Task" : $"global::System.Threading.Tasks.Task<{result}>";

    private static void WriteCall(SourceWriter w, EntitySpec e, MethodSpec m)
    {
        var entity = "global::Bitrix." + e.Name;
        var returnType = Task(m.Result switch
        {
            ResultKind.Rows => $"global::System.Collections.Generic.IReadOnlyList<{entity}>",
            ResultKind.Row => entity,
            ResultKind.Id => "long",
            ResultKind.Bool => "bool",
            ResultKind.Void => null,
            _ => JsonElement,
        });
        var parameters = new MethodParameters(e, m);
        var description = m.Description.Length > 0 ? m.Description : $"Calls <c>{m.Method}</c>.";
        w.Line($"/// <summary>{SourceWriter.Xml(description)}{(m.Description.Length > 0 ? $" (<c>{m.Method}</c>)" : string.Empty)}{ReadNote(m)}</summary>");
        parameters.WriteDocs(w);
        w.Line("/// <param name=\"cancellationToken\">Cancels the call.</param>");
        w.Open($"public async {returnType} {m.CSharpName}Async({parameters.Declarations}{CancellationToken} cancellationToken = default)");
        parameters.Write(w);
        var call = $"await Client.CallAsync({Lit(m.Method)}, parameters, cancellationToken).ConfigureAwait(false)";
        switch (m.Result)
        {
            case ResultKind.Rows:
                w.Line($"var result = {call};");
                w.Line($"return {Support}.Rows(result, {Lit(m.ResultKey)}, {entity}.FromJson, {Lit(m.Method)});");
                break;
            case ResultKind.Row:
                w.Line($"var result = {call};");
                w.Line($"return {entity}.FromJson({Support}.Item(result, {Lit(m.ResultKey)}, {(m.FirstRow ? "true" : "false")}, {Lit(m.Method)}));");
                break;
            case ResultKind.Id:
                w.Line($"var result = {call};");
                w.Line($"return {Support}.NewId(result, {Lit(m.ResultKey)}, {Lit(e.IdRowKey)});");
                break;
            case ResultKind.Bool:
                w.Line($"var result = {call};");
                w.Line($"return {Support}.Success(result);");
                break;
            case ResultKind.Void:
                w.Line($"{call};");
                break;
            default:
                w.Line($"return {call};");
                break;
        }

        w.Close();
    }
}
