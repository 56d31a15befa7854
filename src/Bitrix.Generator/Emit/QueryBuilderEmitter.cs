using System.Linq;
using Bitrix.Generator.Model;
using Bitrix.Generator.Parsing;
using static Bitrix.Generator.Emit.GeneratedNames;

namespace Bitrix.Generator.Emit;

/// <summary>
/// Writes the builders a caller fills to shape a call: the typed field references for <c>select</c>
/// and <c>order</c> (<c>Deal.Field</c>) and the typed filter fields (<c>Deal.Filter</c>), both nested
/// in the record, and the write type for add and update (<c>DealFields</c>): a property per writable
/// field that records what was set, and read-only fields as members that refuse to compile.
/// </summary>
internal static class QueryBuilderEmitter
{
    /// <summary>The <c>Field</c> class, then the <c>Filter</c> class, nested in the record.</summary>
    public static void WriteFieldAndFilter(SourceWriter w, EntitySpec e)
    {
        WriteFieldRefs(w, e);
        w.Line();
        WriteFilterFields(w, e);
    }

    private static void WriteFieldRefs(SourceWriter w, EntitySpec e)
    {
        var type = $"global::Bitrix.BitrixField<global::Bitrix.{e.Name}>";
        w.Line($"/// <summary>The fields of <see cref=\"{e.Name}\"/> for <c>select</c> and <c>order</c>: <c>[{e.Name}.Field.{e.Fields.FirstOrDefault()?.PropertyName ?? "Id"}]</c>.</summary>");
        w.Open("public static class Field");
        w.Line("/// <summary><c>*</c>: every regular field (not user fields, not multifields).</summary>");
        w.Line($"public static {type} All => new(\"*\");");
        w.Line();
        w.Line("/// <summary><c>UF_*</c>: every user field.</summary>");
        w.Line($"public static {type} AllUserFields => new(\"UF_*\");");
        foreach (var f in e.Fields)
        {
            w.Line();
            w.Summary(f.Title + " (" + f.WireName + ")");
            w.Line($"public static {type} {f.PropertyName} => new({SchemaParser.Literal(f.WireName)});");
        }

        w.Line();
        w.Line("/// <summary>A field the schema does not describe, by its wire name (<c>UF_CRM_...</c>).</summary>");
        w.Line($"public static {type} Raw(string name) => new(name);");
        w.Close();
    }

    private static void WriteFilterFields(SourceWriter w, EntitySpec e)
    {
        w.Line($"/// <summary>Typed filter fields of <see cref=\"{e.Name}\"/>: each offers only the operators and values its type allows.</summary>");
        w.Open("public static class Filter");
        foreach (var f in e.Fields.Where(f => f.Filter != FilterKind.None))
        {
            w.Summary(f.Title + " (" + f.WireName + ")");
            w.Line($"public static {FilterFieldType(f.Filter, "global::Bitrix." + e.Name)} {f.PropertyName} => new({SchemaParser.Literal(f.WireName)});");
            w.Line();
        }

        w.Line("/// <summary>");
        w.Line("/// Any field with any operator of the REST API, for user fields and fields the schema does not describe:");
        w.Line("/// <c>Raw(\"UF_CRM_5\", \"&gt;=\", 3)</c>.");
        w.Line("/// </summary>");
        w.Line($"public static global::Bitrix.BitrixFilter<global::Bitrix.{e.Name}> Raw(string field, string op, global::System.Text.Json.Nodes.JsonNode? value)");
        w.Line($"    => global::Bitrix.BitrixFilter<global::Bitrix.{e.Name}>.Raw(field, op, value);");
        w.Close();
    }

    /// <summary>The runtime's filter-field type for a field: one ordered shape generic over the value, and the text, code and flag shapes.</summary>
    private static string FilterFieldType(FilterKind kind, string entity) => kind switch
    {
        FilterKind.Int64 => $"global::Bitrix.BitrixOrderedFilter<{entity}, long>",
        FilterKind.Decimal => $"global::Bitrix.BitrixOrderedFilter<{entity}, decimal>",
        FilterKind.Double => $"global::Bitrix.BitrixOrderedFilter<{entity}, double>",
        FilterKind.Date => $"global::Bitrix.BitrixOrderedFilter<{entity}, global::System.DateOnly>",
        FilterKind.DateTime => $"global::Bitrix.BitrixOrderedFilter<{entity}, global::System.DateTimeOffset>",
        _ => $"global::Bitrix.Bitrix{kind}Filter<{entity}>",
    };

    /// <summary>The write type beside the record: what add and update send.</summary>
    public static void WriteFieldsClass(SourceWriter w, EntitySpec e, GeneratorSettings settings)
    {
        w.Line($"/// <summary>Fields to write to a {SourceWriter.Xml(e.Name)} (add, update): only the properties you set are sent; setting one to null erases the field.</summary>");
        w.Line("/// <remarks>Read-only fields cannot be set. User fields and fields the schema lacks: <see cref=\"global::Bitrix.BitrixFields.Set\"/>.</remarks>");
        w.Open($"{settings.Accessibility} sealed partial class {e.FieldsClassName} : global::Bitrix.BitrixFields");
        var first = true;
        for (var i = 0; i < e.Fields.Count; i++)
        {
            var f = e.Fields[i];
            if (f.Kind == ValueKind.Json && f.IsReadOnly)
            {
                continue;
            }

            w.BlankLineBetween(ref first);
            var type = RecordEmitter.PropertyType(f);
            if (f.IsReadOnly)
            {
                var reason = $"{f.WireName} ({f.Title}) is read-only: the portal sets it.";
                w.Line($"/// <summary>Read-only: {SourceWriter.Xml(f.Title)} cannot be written.</summary>");
                w.Line($"[global::System.Obsolete({SchemaParser.Literal(reason)}, true)]");
                w.Line("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
                w.Line($"public {type} {f.PropertyName} {{ set => throw new global::System.NotSupportedException({SchemaParser.Literal(reason)}); }}");
                continue;
            }

            var helper = "Write" + FieldTypes.HelperName(f.Kind);
            var write = f.IsMultiple
                ? $"{Value}.WriteList(value, v => {Value}.{helper}(v))"
                : $"{Value}.{helper}(value)";
            w.Summary(f.Title);
            w.Line("/// <remarks>" + RecordEmitter.Describe(f) + "</remarks>");
            w.Line($"public {type} {f.PropertyName}");
            w.Line("{");
            w.Indent();
            w.Line($"get => IsSet({SchemaParser.Literal(f.WireName)}) ? _f{i} : null;");
            w.Line($"set {{ _f{i} = value; SetValue({SchemaParser.Literal(f.WireName)}, {write}); }}");
            w.Unindent();
            w.Line("}");
        }

        if (!first)
        {
            w.Line();
        }

        for (var i = 0; i < e.Fields.Count; i++)
        {
            var f = e.Fields[i];
            if (!f.IsReadOnly)
            {
                w.Line($"private {RecordEmitter.PropertyType(f)} _f{i};");
            }
        }

        w.Close();
    }
}
