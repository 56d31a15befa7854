using System.Linq;
using Bitrix.Generator.Model;
using static Bitrix.Generator.Emit.GeneratedNames;

namespace Bitrix.Generator.Emit;

/// <summary>
/// Writes the reads of a list method: the stream of every matching row (<c>ListAllAsync</c>), one
/// page by offset (<c>ListAsync</c>) and, where the entity has a modification time, the change
/// feed (<c>ChangesAsync</c>).
/// </summary>
internal static class ListMethodEmitter
{
    public static void Write(SourceWriter w, EntitySpec e, MethodSpec m)
    {
        var parameters = new MethodParameters(e, m);
        WriteList(w, e, m, parameters);
        WriteChanges(w, e, m, parameters);
    }

    private static void WriteList(SourceWriter w, EntitySpec e, MethodSpec m, MethodParameters parameters)
    {
        var entity = "global::Bitrix." + e.Name;
        var select = m.SelectParameter is not null;
        var order = m.OrderParameter is not null || m.SortOrderStyle;
        var listParameters = ListDeclarations(entity, select, order);
        var addList = AddListParameters(m, select, order);

        w.Line($"/// <summary>Streams every {SourceWriter.Xml(e.Name)} that matches (<c>{m.Method}</c>), page after page, as rows arrive.{ApiEmitter.ReadNote(m)}</summary>");
        WriteQueryDocs(w, parameters, "The filter: <c>" + e.Name + ".Filter.X == value &amp; ...</c>; null for every row.", select, order);
        w.Line("/// <param name=\"options\">How to read the list (strategy, limits, progress).</param>");
        w.Line("/// <param name=\"cancellationToken\">Cancels the read.</param>");
        w.Open($"public global::System.Collections.Generic.IAsyncEnumerable<{entity}> ListAllAsync({parameters.Declarations}{listParameters}global::Bitrix.ListOptions? options = null, {CancellationToken} cancellationToken = default)");
        parameters.Write(w);
        w.Line(addList);
        w.Line($"var rows = Client.ListAllAsync({Lit(m.Method)}, parameters, {Support}.Options(options, {Lit(m.ResultKey ?? e.WrapperKey)}, {Lit(e.IdRowKey)}), cancellationToken);");
        w.Line($"return {Support}.MapAsync(rows, {entity}.FromJson, cancellationToken);");
        w.Close();
        w.Line();
        w.Line($"/// <summary>Reads one page of up to 50 rows (<c>{m.Method}</c>) from offset <paramref name=\"start\"/>, with the total and the next offset.{ApiEmitter.ReadNote(m)}</summary>");
        WriteQueryDocs(w, parameters, "The filter; null for every row.", select, order);
        w.Line("/// <param name=\"start\">The offset: 0, 50, 100, ... (the previous page's Next).</param>");
        w.Line("/// <param name=\"cancellationToken\">Cancels the call.</param>");
        w.Open($"public async global::System.Threading.Tasks.Task<global::Bitrix.BitrixPage<{entity}>> ListAsync({parameters.Declarations}{listParameters}long start = 0, {CancellationToken} cancellationToken = default)");
        parameters.Write(w);
        w.Line(addList);
        w.Line("parameters[\"start\"] = start;");
        w.Line($"var response = await Client.CallRawAsync({Lit(m.Method)}, parameters, cancellationToken).ConfigureAwait(false);");
        w.Line($"return {Support}.Page(response, {Lit(m.ResultKey ?? e.WrapperKey)}, {entity}.FromJson, {Lit(m.Method)});");
        w.Close();
    }

    /// <summary>The field a list's incremental read filters on: the entity's modification time, when its schema has one.</summary>
    private static FieldSpec? ModifiedField(EntitySpec e) =>
        e.IdIsString ? null : e.Fields.FirstOrDefault(f => f.Kind == ValueKind.DateTime && f.WireName is "DATE_MODIFY" or "updatedTime" or "CHANGED_DATE");

    private static void WriteChanges(SourceWriter w, EntitySpec e, MethodSpec m, MethodParameters parameters)
    {
        // The modification-time condition goes into the method's filter parameter: a method that takes its filter at the top level gets no incremental read.
        if (ModifiedField(e) is not { } modified || m.FilterParameter is null)
        {
            return;
        }

        var entity = "global::Bitrix." + e.Name;
        var select = m.SelectParameter is not null;

        w.Line();
        w.Line($"/// <summary>Streams every {SourceWriter.Xml(e.Name)} modified at or after <paramref name=\"since\"/> (<c>{m.Method}</c> filtered on <c>{modified.WireName}</c>, in ID order), with the checkpoint to store for the next run in <see cref=\"global::Bitrix.ChangeFeed{{T}}.Checkpoint\"/>. Deleted rows do not appear: learn them with <see cref=\"global::Bitrix.BitrixClient.FindDeletedAsync\"/>. A read: safe to retry.</summary>");
        parameters.WriteDocs(w);
        w.Line("/// <param name=\"since\">Where the last run stopped; null or <see cref=\"global::Bitrix.SyncCheckpoint.Beginning\"/> for every row.</param>");
        w.Line("/// <param name=\"filter\">A filter on top of the modification time; null for every changed row.</param>");

        if (select)
        {
            w.Line("/// <param name=\"select\">The fields to return; null for the method's default. The modification time is added when missing.</param>");
        }

        w.Line("/// <param name=\"options\">How to read the changes (strategy, overlap, progress).</param>");
        w.Line("/// <param name=\"cancellationToken\">Cancels the read.</param>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">The options ask for offsets.</exception>");
        w.Open($"public global::Bitrix.ChangeFeed<{entity}> ChangesAsync({parameters.Declarations}global::Bitrix.SyncCheckpoint? since, {ListDeclarations(entity, select, order: false)}global::Bitrix.ChangeOptions? options = null, {CancellationToken} cancellationToken = default)");
        parameters.Write(w);

        // The feed orders by ID itself: the caller's order does not apply.
        w.Line(AddListParameters(m, select, order: false));
        w.Line($"var rows = Client.ChangesAsync({Lit(m.Method)}, since, parameters, {Support}.ChangeOptions(options, {Lit(m.ResultKey ?? e.WrapperKey)}, {Lit(e.IdRowKey)}, {Lit(modified.WireName)}, {Lit(modified.RowKey)}), cancellationToken);");
        w.Line($"return rows.As({entity}.FromJson);");
        w.Close();
    }

    /// <summary>The filter, select and order declarations of a read, each followed by <c>", "</c>.</summary>
    private static string ListDeclarations(string entity, bool select, bool order)
    {
        var declarations = $"global::Bitrix.BitrixFilter<{entity}>? filter = null, ";
        if (select)
        {
            declarations += $"global::System.Collections.Generic.IEnumerable<global::Bitrix.BitrixField<{entity}>>? select = null, ";
        }

        if (order)
        {
            declarations += $"global::System.Collections.Generic.IEnumerable<global::Bitrix.BitrixOrder<{entity}>>? order = null, ";
        }

        return declarations;
    }

    /// <summary>The statement that puts the filter, select and order under the method's keys.</summary>
    private static string AddListParameters(MethodSpec m, bool select, bool order)
    {
        var orderArguments = order ? $"order, {Lit(m.OrderParameter)}, {(m.SortOrderStyle ? "true" : "false")}" : "null, null, false";
        return $"{Support}.AddListParameters(parameters, filter, {Lit(m.FilterParameter)}, {(select ? "select" : "null")}, {Lit(m.SelectParameter)}, {orderArguments});";
    }

    /// <summary>The docs of the common parameters, the filter, and the select and order where the method takes them.</summary>
    private static void WriteQueryDocs(SourceWriter w, MethodParameters parameters, string filter, bool select, bool order)
    {
        parameters.WriteDocs(w);
        w.Line($"/// <param name=\"filter\">{filter}</param>");
        if (select)
        {
            w.Line("/// <param name=\"select\">The fields to return; null for the method's default.</param>");
        }

        if (order)
        {
            w.Line("/// <param name=\"order\">The sort order.</param>");
        }
    }
}
