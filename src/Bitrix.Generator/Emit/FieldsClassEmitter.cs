using Bitrix.Generator.Model;
using Bitrix.Generator.Parsing;
using static Bitrix.Generator.Emit.GeneratedNames;

namespace Bitrix.Generator.Emit;

/// <summary>
/// Writes an entity's write type (<c>DealFields</c>, for add and update): a property per writable
/// field that records what was set, and read-only fields as members that refuse to compile.
/// </summary>
internal static class FieldsClassEmitter
{
    public static void Write(SourceWriter w, EntitySpec e, GeneratorSettings settings)
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

            if (!first)
            {
                w.Line();
            }

            first = false;
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
