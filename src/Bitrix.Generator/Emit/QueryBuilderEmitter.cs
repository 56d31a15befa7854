using System.Linq;
using Bitrix.Generator.Model;
using Bitrix.Generator.Parsing;

namespace Bitrix.Generator.Emit;

/// <summary>
/// Writes the query builders nested in an entity's record: the typed field references for
/// <c>select</c> and <c>order</c> (<c>Deal.Field</c>) and the typed filter fields (<c>Deal.Filter</c>).
/// </summary>
internal static class QueryBuilderEmitter
{
    /// <summary>The <c>Field</c> class, then the <c>Filter</c> class.</summary>
    public static void Write(SourceWriter w, EntitySpec e)
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
}
