using System.Collections.Generic;
using System.Linq;
using Bitrix.Generator.Model;
using Bitrix.Generator.Parsing;
using static Bitrix.Generator.Emit.GeneratedNames;

namespace Bitrix.Generator.Emit;

/// <summary>
/// Writes an entity's row record: its properties, the reader that builds it from a row as the
/// portal sends it (<c>FromJson</c>), the writer back to that shape with its System.Text.Json
/// converter, value equality, and the constants of fields with a fixed set of values.
/// </summary>
internal static class RecordEmitter
{
    /// <summary>The record with its properties, reader, writer and equality; the query builders and value sets nested in it.</summary>
    public static void Write(SourceWriter w, EntitySpec e, GeneratorSettings settings)
    {
        w.Summary(e.Title);
        w.Line($"/// <remarks>Generated from the schema <c>{SourceWriter.Xml(e.SourceFile)}</c>. Values the schema does not describe are kept in <see cref=\"AdditionalData\"/>.</remarks>");
        w.Line($"[global::System.Text.Json.Serialization.JsonConverter(typeof(global::Bitrix.{e.Name}.Converter))]");
        w.Open($"{settings.Accessibility} sealed partial record {e.Name}");
        foreach (var f in e.Fields)
        {
            w.Summary(f.Title);
            w.Line("/// <remarks>" + Describe(f) + (f.ValuesClassName is null ? string.Empty : $" Values: <see cref=\"{f.ValuesClassName}\"/>.") + "</remarks>");
            w.Line($"public {PropertyType(f)} {f.PropertyName} {{ get; init; }}");
            w.Line();
        }

        w.Line("/// <summary>Members the schema does not describe (user fields, new portal fields) and values that did not read as their declared type, as sent, by wire key.</summary>");
        w.Line($"public global::System.Collections.Generic.IReadOnlyDictionary<string, {JsonElement}>? AdditionalData {{ get; init; }}");
        w.Line();
        WriteReader(w, e);
        w.Line();
        WriteWriter(w, e);
        w.Line();
        WriteEquality(w, e);
        w.Line();
        QueryBuilderEmitter.WriteFieldAndFilter(w, e);
        foreach (var f in e.Fields.Where(f => f.ValuesClassName is not null))
        {
            w.Line();
            WriteValues(w, f);
        }

        w.Close();
    }

    /// <summary>The C# type of a field's property, on the record and on the write type: nullable, a read-only list when the field is multiple.</summary>
    internal static string PropertyType(FieldSpec f)
    {
        var type = FieldTypes.ClrType(f.Kind);
        return f.IsMultiple ? $"global::System.Collections.Generic.IReadOnlyList<{type}>?" : type + "?";
    }

    /// <summary>The remarks text of a field: its wire name and what the schema says of it.</summary>
    internal static string Describe(FieldSpec f)
    {
        var facts = new List<string> { f.SourceType };
        if (f.StatusType is not null)
        {
            facts.Add("status type " + f.StatusType);
        }

        if (f.IsMultiple)
        {
            facts.Add("multiple");
        }

        if (f.IsRequired)
        {
            facts.Add("required");
        }

        if (f.IsReadOnly)
        {
            facts.Add("read-only");
        }

        if (f.IsImmutable)
        {
            facts.Add("set on add only: an update that sets it is refused");
        }

        if (f.IsDeprecated)
        {
            facts.Add("deprecated");
        }

        return $"<c>{SourceWriter.Xml(f.WireName)}</c>: " + SourceWriter.Xml(string.Join(", ", facts)) + ".";
    }

    private static void WriteReader(SourceWriter w, EntitySpec e)
    {
        w.Line("/// <summary>Reads a row as the portal sends it: strings or numbers, <c>\"Y\"</c>/<c>\"N\"</c>, <c>\"\"</c> for none, ISO dates with offsets.</summary>");
        w.Line("/// <param name=\"row\">A JSON object.</param>");
        w.Line("/// <exception cref=\"global::System.FormatException\">The row is not a JSON object.</exception>");
        w.Open($"public static {e.Name} FromJson({JsonElement} row)");
        w.Open("if (row.ValueKind != global::System.Text.Json.JsonValueKind.Object)");
        w.Line($"throw new global::System.FormatException(\"A {e.Name} row must be a JSON object, not \" + row.ValueKind + \".\");");
        w.Close();
        w.Line();
        var locals = new List<string>();
        for (var i = 0; i < e.Fields.Count; i++)
        {
            var f = e.Fields[i];
            w.Line($"{PropertyType(f)} v{i} = null;");
        }

        // Each field's row key, claimed by the first field that names it (as the switch's cases are).
        var keys = new HashSet<string>();
        var claimed = new List<List<string>>();
        foreach (var f in e.Fields)
        {
            claimed.Add(new[] { f.RowKey, f.WireName }.Distinct().Where(keys.Add).ToList());
        }

        w.Line($"global::System.Collections.Generic.Dictionary<string, {JsonElement}>? extra = null;");
        w.Line($"global::System.Span<char> name = stackalloc char[{Value}.NameBufferLength];");
        w.Line("var next = 0;");
        w.Open("foreach (var p in row.EnumerateObject())");
        w.Line("// The portal sends the fields in one order: try the field after the last one first, then look the name up.");
        w.Line("int field;");
        w.Line("var raw = global::System.Runtime.InteropServices.JsonMarshal.GetRawUtf8PropertyName(p);");
        w.Open("if (next < RowKeysUtf8.Length && RowKeysUtf8[next] is { } expected && global::System.MemoryExtensions.SequenceEqual(raw, (global::System.ReadOnlySpan<byte>)expected))");
        w.Line("field = next;");
        w.Close();
        w.Open("else");
        w.Open($"switch ({Value}.Name(p, name))");
        for (var i = 0; i < e.Fields.Count; i++)
        {
            if (claimed[i].Count == 0)
            {
                continue;
            }

            foreach (var key in claimed[i])
            {
                w.Line($"case {SchemaParser.Literal(key)}:");
            }

            w.Indent();
            w.Line($"field = {i};");
            w.Line("break;");
            w.Unindent();
        }

        w.Line("default:");
        w.Indent();
        w.Line("field = -1;");
        w.Line("break;");
        w.Unindent();
        w.Close();
        w.Close();
        w.Line();
        w.Line("bool read;");
        w.Open("switch (field)");
        for (var i = 0; i < e.Fields.Count; i++)
        {
            if (claimed[i].Count == 0)
            {
                continue;
            }

            var f = e.Fields[i];
            w.Line($"case {i}:");
            w.Indent();
            var reader = "Read" + FieldTypes.HelperName(f.Kind) + (f.IsMultiple ? "List" : string.Empty);
            w.Line($"read = {Value}.{reader}(p.Value, out v{i});");
            w.Line("break;");
            w.Unindent();
        }

        w.Line("default:");
        w.Indent();
        w.Line("read = false;");
        w.Line("break;");
        w.Unindent();
        w.Close();
        w.Line();
        w.Open("if (field >= 0)");
        w.Line("next = field + 1;");
        w.Close();
        w.Line();
        w.Open("if (!read)");
        w.Line($"(extra ??= new global::System.Collections.Generic.Dictionary<string, {JsonElement}>(global::System.StringComparer.Ordinal))[p.Name] = p.Value.Clone();");
        w.Close();
        w.Close();
        w.Line();
        w.Line($"return new {e.Name}");
        w.Line("{");
        w.Indent();
        for (var i = 0; i < e.Fields.Count; i++)
        {
            w.Line($"{e.Fields[i].PropertyName} = v{i},");
        }

        w.Line("AdditionalData = extra,");
        w.Unindent();
        w.Line("};");
        w.Close();
        w.Line();
        w.Line("/// <summary>The row key of each field in schema order, as UTF-8 (null where an earlier field has the key).</summary>");
        w.Line("private static readonly byte[]?[] RowKeysUtf8 = new byte[]?[]");
        w.Line("{");
        w.Indent();
        for (var i = 0; i < e.Fields.Count; i++)
        {
            w.Line(claimed[i].Contains(e.Fields[i].RowKey) ? $"global::System.Text.Encoding.UTF8.GetBytes({SchemaParser.Literal(e.Fields[i].RowKey)})," : "null,");
        }

        w.Unindent();
        w.Line("};");
    }

    /// <summary>The row back as JSON in the portal's shape, and a System.Text.Json converter over both directions.</summary>
    private static void WriteWriter(SourceWriter w, EntitySpec e)
    {
        w.Line("/// <summary>The row as JSON in the portal's shape: every property that has a value, then <see cref=\"AdditionalData\"/> as it came.</summary>");
        w.Open($"public {JsonObject} ToJson()");
        w.Line($"var row = new {JsonObject}();");
        foreach (var f in e.Fields)
        {
            var helper = "Write" + FieldTypes.HelperName(f.Kind);
            var write = f.IsMultiple ? $"{Value}.WriteList({f.PropertyName}, v => {Value}.{helper}(v))" : $"{Value}.{helper}({f.PropertyName})";
            w.Open($"if ({f.PropertyName} is not null)");
            w.Line($"row[{SchemaParser.Literal(f.RowKey)}] = {write};");
            w.Close();
            w.Line();
        }

        w.Open("if (AdditionalData is not null)");
        w.Open("foreach (var pair in AdditionalData)");
        w.Line($"row[pair.Key] = {Value}.WriteJson(pair.Value);");
        w.Close();
        w.Close();
        w.Line();
        w.Line("return row;");
        w.Close();
        w.Line();
        w.Lines($$"""
            /// <summary>
            /// Metadata for System.Text.Json without reflection (trimming- and AOT-safe): <c>bx.CallAsync("...", parameters, {{e.Name}}.JsonTypeInfo)</c>,
            /// <c>JsonSerializer.Serialize(row, {{e.Name}}.JsonTypeInfo)</c>. (A JsonSerializerContext cannot list generated types: generators do not see each other's output.)
            /// </summary>
            public static global::System.Text.Json.Serialization.Metadata.JsonTypeInfo<global::Bitrix.{{e.Name}}> JsonTypeInfo { get; } =
                global::System.Text.Json.Serialization.Metadata.JsonMetadataServices.CreateValueInfo<global::Bitrix.{{e.Name}}>(global::Bitrix.BitrixValue.MetadataOptions, new Converter());

            /// <summary>Reads and writes <see cref="{{e.Name}}"/> with System.Text.Json in the portal's shape.</summary>
            public sealed class Converter : global::System.Text.Json.Serialization.JsonConverter<global::Bitrix.{{e.Name}}>
            {
                /// <inheritdoc/>
                public override global::Bitrix.{{e.Name}} Read(ref global::System.Text.Json.Utf8JsonReader reader, global::System.Type typeToConvert, global::System.Text.Json.JsonSerializerOptions options)
                    => FromJson({{JsonElement}}.ParseValue(ref reader));

                /// <inheritdoc/>
                public override void Write(global::System.Text.Json.Utf8JsonWriter writer, global::Bitrix.{{e.Name}} value, global::System.Text.Json.JsonSerializerOptions options)
                {
                    global::System.ArgumentNullException.ThrowIfNull(value);
                    value.ToJson().WriteTo(writer);
                }
            }
            """);
    }

    /// <summary>Value equality that compares lists and JSON by content, not by reference as a record would.</summary>
    private static void WriteEquality(SourceWriter w, EntitySpec e)
    {
        w.Line("/// <summary>Equal when every property is: lists item by item, JSON values and additional data by content.</summary>");
        w.Line("/// <param name=\"other\">The row to compare with.</param>");
        w.Open($"public bool Equals({e.Name}? other)");
        w.Open("if (ReferenceEquals(this, other))");
        w.Line("return true;");
        w.Close();
        w.Line();
        w.Line("return other is not null");
        w.Indent();
        foreach (var f in e.Fields)
        {
            var p = f.PropertyName;
            if (f.Kind == ValueKind.Json)
            {
                w.Line($"&& {Value}.JsonEquals({p}, other.{p})");
            }
            else if (f.IsMultiple)
            {
                w.Line($"&& {Value}.ListEquals({p}, other.{p})");
            }
            else
            {
                w.Line($"&& global::System.Collections.Generic.EqualityComparer<{FieldTypes.ClrType(f.Kind)}?>.Default.Equals({p}, other.{p})");
            }
        }

        w.Line($"&& {Value}.DataEquals(AdditionalData, other.AdditionalData);");
        w.Unindent();
        w.Close();
        w.Line();
        w.Line("/// <inheritdoc/>");
        w.Open("public override int GetHashCode()");
        w.Line("var hash = new global::System.HashCode();");
        foreach (var f in e.Fields)
        {
            if (f.Kind == ValueKind.Json)
            {
                continue;
            }

            w.Line(f.IsMultiple ? $"hash.Add({f.PropertyName}?.Count);" : $"hash.Add({f.PropertyName});");
        }

        w.Line("hash.Add(AdditionalData?.Count);");
        w.Line("return hash.ToHashCode();");
        w.Close();
        w.Line();
        w.Open("private bool PrintMembers(global::System.Text.StringBuilder builder)");
        w.Line("var empty = true;");
        foreach (var f in e.Fields)
        {
            w.Line($"{Value}.Print(builder, ref empty, \"{f.PropertyName}\", {f.PropertyName});");
        }

        w.Line($"{Value}.Print(builder, ref empty, \"AdditionalData\", AdditionalData);");
        w.Line("return !empty;");
        w.Close();
    }

    private static void WriteValues(SourceWriter w, FieldSpec f)
    {
        var type = f.Kind == ValueKind.Int64 ? "long" : "string";
        w.Summary($"The values of {f.PropertyName} ({f.WireName}).");
        w.Open($"public static class {f.ValuesClassName}");
        var first = true;
        foreach (var item in f.Items)
        {
            w.BlankLineBetween(ref first);
            w.Summary(item.Title);
            w.Line($"public const {type} {item.Name} = {item.Literal};");
        }

        w.Close();
    }
}
