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
            if (!first)
            {
                w.Line();
            }

            first = false;
            switch (m.Kind)
            {
                case MethodKind.List:
                    ListMethodEmitter.Write(w, e, m);
                    break;
                case MethodKind.Get:
                    WriteGet(w, e, m);
                    break;
                case MethodKind.Add:
                    WriteAdd(w, e, m);
                    break;
                case MethodKind.Update:
                    WriteUpdate(w, e, m);
                    break;
                case MethodKind.Delete:
                    WriteDelete(w, e, m);
                    break;
                case MethodKind.Fields:
                    WriteFieldsMethod(w, e, m);
                    break;
                default:
                    WriteCall(w, e, m);
                    break;
            }
        }

        w.Close();
    }

    /// <summary>The sentence a read's summary ends with.</summary>
    internal static string ReadNote(MethodSpec m) => m.IsRead ? " A read: safe to retry." : string.Empty;

    private static string IdType(EntitySpec e) => e.IdIsString ? "string" : "long";

    /// <summary>The call of the method with the <c>parameters</c> a <see cref="MethodParameters"/> built.</summary>
    private static string Send(MethodSpec m) => $"await Client.CallAsync({Lit(m.Method)}, parameters, cancellationToken).ConfigureAwait(false)";

    private static void WriteGet(SourceWriter w, EntitySpec e, MethodSpec m)
    {
        var entity = "global::Bitrix." + e.Name;
        var itemKey = Lit(m.ResultKey ?? e.ItemKey);
        var firstRow = m.FirstRow ? "true" : "false";
        var parameters = new MethodParameters(e, m);
        w.Line($"/// <summary>Gets one {SourceWriter.Xml(e.Name)} by ID (<c>{m.Method}</c>).{ReadNote(m)}</summary>");
        parameters.WriteDocs(w);
        w.Line("/// <param name=\"id\">The ID.</param>");
        w.Line("/// <param name=\"cancellationToken\">Cancels the call.</param>");
        w.Line("/// <exception cref=\"global::Bitrix.BitrixException\">The portal reported an error, such as Not found.</exception>");
        w.Open($"public async global::System.Threading.Tasks.Task<{entity}> GetAsync({parameters.Declarations}{IdType(e)} id, {CancellationToken} cancellationToken = default)");
        parameters.Write(w);
        w.Line($"var result = {Send(m)};");
        w.Line($"return {entity}.FromJson({Support}.Item(result, {itemKey}, {firstRow}, {Lit(m.Method)}));");
        w.Close();
        w.Line();
        WriteMany(
            w,
            m,
            parameters,
            summary: $"Gets many {SourceWriter.Xml(e.Name)} rows by ID, 50 to a batch: one result per ID in input order; a missing ID is an error on its own result.{ReadNote(m)}",
            name: "GetMany",
            items: "ids",
            itemsDoc: "The IDs; duplicates allowed.",
            itemType: IdType(e),
            item: "id",
            calls: "items",
            result: entity,
            map: $"r => {entity}.FromJson({Support}.Item(r, {itemKey}, {firstRow}, {Lit(m.Method)}))");
    }

    private static void WriteAdd(SourceWriter w, EntitySpec e, MethodSpec m)
    {
        var fields = "global::Bitrix." + e.FieldsClassName;
        var newId = $"{Support}.NewId(result, {Lit(m.ResultKey ?? e.ItemKey)}, {Lit(e.IdRowKey)})";
        var parameters = new MethodParameters(e, m);
        w.Line($"/// <summary>Adds a {SourceWriter.Xml(e.Name)} (<c>{m.Method}</c>) and returns its new ID.</summary>");
        parameters.WriteDocs(w);
        w.Line("/// <param name=\"fields\">The fields to set.</param>");
        w.Line("/// <param name=\"cancellationToken\">Cancels the call.</param>");
        w.Open($"public async global::System.Threading.Tasks.Task<long> AddAsync({parameters.Declarations}{fields} fields, {CancellationToken} cancellationToken = default)");
        parameters.Write(w);
        w.Line($"var result = {Send(m)};");
        w.Line($"return {newId};");
        w.Close();
        w.Line();
        WriteMany(
            w,
            m,
            parameters,
            summary: $"Adds many {SourceWriter.Xml(e.Name)} rows, 50 to a batch: one result (the new ID or an error) per item, in input order.",
            name: "AddMany",
            items: "items",
            itemsDoc: "The rows to add.",
            itemType: fields,
            item: "fields",
            calls: "calls",
            result: "long",
            map: $"result => {newId}");
    }

    private static void WriteUpdate(SourceWriter w, EntitySpec e, MethodSpec m)
    {
        var fields = "global::Bitrix." + e.FieldsClassName;
        var parameters = new MethodParameters(e, m);
        w.Line($"/// <summary>Updates a {SourceWriter.Xml(e.Name)} (<c>{m.Method}</c>): only the fields set are sent; a field set to null is erased.</summary>");
        parameters.WriteDocs(w);
        w.Line("/// <param name=\"id\">The ID.</param>");
        w.Line("/// <param name=\"fields\">The fields to change.</param>");
        w.Line("/// <param name=\"cancellationToken\">Cancels the call.</param>");
        w.Open($"public async global::System.Threading.Tasks.Task UpdateAsync({parameters.Declarations}{IdType(e)} id, {fields} fields, {CancellationToken} cancellationToken = default)");
        parameters.Write(w);
        w.Line($"{Send(m)};");
        w.Close();
        w.Line();
        WriteMany(
            w,
            m,
            parameters,
            summary: $"Updates many {SourceWriter.Xml(e.Name)} rows, 50 to a batch (items that erase a field go alone, as a batch cannot carry null): one result per item, in input order.",
            name: "UpdateMany",
            items: "items",
            itemsDoc: "Pairs of ID and fields to change.",
            itemType: $"({IdType(e)} Id, {fields} Fields)",
            item: "(id, fields)",
            calls: "calls",
            result: "bool",
            map: $"{Support}.Success");
    }

    private static void WriteDelete(SourceWriter w, EntitySpec e, MethodSpec m)
    {
        var parameters = new MethodParameters(e, m);
        w.Line($"/// <summary>Deletes a {SourceWriter.Xml(e.Name)} (<c>{m.Method}</c>).</summary>");
        parameters.WriteDocs(w);
        w.Line("/// <param name=\"id\">The ID.</param>");
        w.Line("/// <param name=\"cancellationToken\">Cancels the call.</param>");
        w.Open($"public async global::System.Threading.Tasks.Task DeleteAsync({parameters.Declarations}{IdType(e)} id, {CancellationToken} cancellationToken = default)");
        parameters.Write(w);
        w.Line($"{Send(m)};");
        w.Close();
        w.Line();
        WriteMany(
            w,
            m,
            parameters,
            summary: $"Deletes many {SourceWriter.Xml(e.Name)} rows, 50 to a batch: one result per ID, in input order.",
            name: "DeleteMany",
            items: "ids",
            itemsDoc: "The IDs.",
            itemType: IdType(e),
            item: "id",
            calls: "calls",
            result: "bool",
            map: $"{Support}.Success");
    }

    /// <summary>
    /// The bulk form of a single call: each item, bound to the loop variable <paramref name="item"/>
    /// (named as the single form's parameters), becomes one parameter object built as the single form
    /// builds its own; the objects go out 50 to a batch and <paramref name="map"/> reads each answer.
    /// </summary>
    private static void WriteMany(SourceWriter w, MethodSpec m, MethodParameters parameters, string summary, string name, string items, string itemsDoc, string itemType, string item, string calls, string result, string map)
    {
        w.Line($"/// <summary>{summary}</summary>");
        parameters.WriteDocs(w);
        w.Line($"/// <param name=\"{items}\">{itemsDoc}</param>");
        w.Line("/// <param name=\"cancellationToken\">Cancels the calls.</param>");
        w.Open($"public async global::System.Threading.Tasks.Task<global::System.Collections.Generic.IReadOnlyList<global::Bitrix.BitrixResult<{result}>>> {name}Async({parameters.Declarations}global::System.Collections.Generic.IEnumerable<{itemType}> {items}, {CancellationToken} cancellationToken = default)");
        w.Line($"global::System.ArgumentNullException.ThrowIfNull({items});");
        w.Line($"var {calls} = new global::System.Collections.Generic.List<{JsonObject}?>();");
        w.Open($"foreach (var {item} in {items})");
        parameters.Write(w);
        w.Line($"{calls}.Add(parameters);");
        w.Close();
        w.Line();
        w.Line($"var results = await Client.CallManyAsync({Lit(m.Method)}, {calls}, cancellationToken).ConfigureAwait(false);");
        w.Line($"return {Support}.Map(results, {map});");
        w.Close();
    }

    private static void WriteFieldsMethod(SourceWriter w, EntitySpec e, MethodSpec m)
    {
        var parameters = new MethodParameters(e, m);
        w.Line($"/// <summary>Reads the portal's field catalog of {SourceWriter.Xml(e.Name)} (<c>{m.Method}</c>), user fields included.{ReadNote(m)}</summary>");
        parameters.WriteDocs(w);
        w.Line("/// <param name=\"cancellationToken\">Cancels the call.</param>");
        w.Open($"public async global::System.Threading.Tasks.Task<global::System.Collections.Generic.IReadOnlyDictionary<string, global::Bitrix.BitrixFieldInfo>> FieldsAsync({parameters.Declarations}{CancellationToken} cancellationToken = default)");
        parameters.Write(w);
        w.Line($"var result = {Send(m)};");
        w.Line("return global::Bitrix.BitrixFieldInfo.ParseCatalog(result);");
        w.Close();
    }

    private static void WriteCall(SourceWriter w, EntitySpec e, MethodSpec m)
    {
        var entity = "global::Bitrix." + e.Name;
        var returnType = m.Result switch
        {
            ResultKind.Rows => $"global::System.Threading.Tasks.Task<global::System.Collections.Generic.IReadOnlyList<{entity}>>",
            ResultKind.Row => $"global::System.Threading.Tasks.Task<{entity}>",
            ResultKind.Id => "global::System.Threading.Tasks.Task<long>",
            ResultKind.Bool => "global::System.Threading.Tasks.Task<bool>",
            ResultKind.Void => "global::System.Threading.Tasks.Task",
            _ => $"global::System.Threading.Tasks.Task<{JsonElement}>",
        };
        var parameters = new MethodParameters(e, m);
        var description = m.Description.Length > 0 ? m.Description : $"Calls <c>{m.Method}</c>.";
        w.Line($"/// <summary>{SourceWriter.Xml(description)}{(m.Description.Length > 0 ? $" (<c>{m.Method}</c>)" : string.Empty)}{ReadNote(m)}</summary>");
        parameters.WriteDocs(w);
        w.Line("/// <param name=\"cancellationToken\">Cancels the call.</param>");
        w.Open($"public async {returnType} {m.CSharpName}Async({parameters.Declarations}{CancellationToken} cancellationToken = default)");
        parameters.Write(w);
        var call = Send(m);
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
