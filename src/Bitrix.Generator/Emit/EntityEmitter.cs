using System.Collections.Generic;
using System.Linq;
using Bitrix.Generator.Model;
using Bitrix.Generator.Parsing;

namespace Bitrix.Generator.Emit;

/// <summary>
/// Writes one entity's file: the row record with its reader, the typed field references and
/// filter fields, the write type, and the API class's methods.
/// </summary>
internal static class EntityEmitter
{
    private const string JsonElement = "global::System.Text.Json.JsonElement";
    private const string JsonObject = "global::System.Text.Json.Nodes.JsonObject";
    private const string CancellationToken = "global::System.Threading.CancellationToken";
    private const string Value = "global::Bitrix.BitrixValue";
    private const string Support = "global::Bitrix.BitrixApiSupport";

    public static string HintName(EntitySpec entity) => entity.Name + ".g.cs";

    public static string Emit(EntitySpec entity, GeneratorSettings settings)
    {
        var w = new SourceWriter();
        w.Lines(SourceWriter.Header);
        w.Open("namespace Bitrix");
        WriteRecord(w, entity, settings);
        w.Line();
        WriteFieldsClass(w, entity, settings);
        if (entity.Methods.Count > 0 && entity.Path.Count > 0)
        {
            w.Line();
            WriteApi(w, entity);
        }

        w.Close();
        return w.ToString();
    }

    private static string PropertyType(FieldSpec f)
    {
        var type = FieldTypes.ClrType(f.Kind);
        return f.IsMultiple ? $"global::System.Collections.Generic.IReadOnlyList<{type}>?" : type + "?";
    }

    private static string Describe(FieldSpec f)
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

    private static void WriteRecord(SourceWriter w, EntitySpec e, GeneratorSettings settings)
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
        WriteFieldRefs(w, e);
        w.Line();
        WriteFilterFields(w, e);
        foreach (var f in e.Fields.Where(f => f.ValuesClassName is not null))
        {
            w.Line();
            WriteValues(w, f);
        }

        w.Close();
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
        w.Line("/// <summary>");
        w.Line($"/// Metadata for System.Text.Json without reflection (trimming- and AOT-safe): <c>bx.CallAsync(\"...\", parameters, {e.Name}.JsonTypeInfo)</c>,");
        w.Line($"/// <c>JsonSerializer.Serialize(row, {e.Name}.JsonTypeInfo)</c>. (A JsonSerializerContext cannot list generated types: generators do not see each other's output.)");
        w.Line("/// </summary>");
        w.Line($"public static global::System.Text.Json.Serialization.Metadata.JsonTypeInfo<global::Bitrix.{e.Name}> JsonTypeInfo {{ get; }} =");
        w.Line($"    global::System.Text.Json.Serialization.Metadata.JsonMetadataServices.CreateValueInfo<global::Bitrix.{e.Name}>(global::Bitrix.BitrixValue.MetadataOptions, new Converter());");
        w.Line();
        w.Line($"/// <summary>Reads and writes <see cref=\"{e.Name}\"/> with System.Text.Json in the portal's shape.</summary>");
        w.Open($"public sealed class Converter : global::System.Text.Json.Serialization.JsonConverter<global::Bitrix.{e.Name}>");
        w.Line("/// <inheritdoc/>");
        w.Line($"public override global::Bitrix.{e.Name} Read(ref global::System.Text.Json.Utf8JsonReader reader, global::System.Type typeToConvert, global::System.Text.Json.JsonSerializerOptions options)");
        w.Line($"    => FromJson({JsonElement}.ParseValue(ref reader));");
        w.Line();
        w.Line("/// <inheritdoc/>");
        w.Open($"public override void Write(global::System.Text.Json.Utf8JsonWriter writer, global::Bitrix.{e.Name} value, global::System.Text.Json.JsonSerializerOptions options)");
        w.Line("global::System.ArgumentNullException.ThrowIfNull(value);");
        w.Line("value.ToJson().WriteTo(writer);");
        w.Close();
        w.Close();
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

    private static void WriteValues(SourceWriter w, FieldSpec f)
    {
        var type = f.Kind == ValueKind.Int64 ? "long" : "string";
        w.Summary($"The values of {f.PropertyName} ({f.WireName}).");
        w.Open($"public static class {f.ValuesClassName}");
        var first = true;
        foreach (var item in f.Items)
        {
            if (!first)
            {
                w.Line();
            }

            first = false;
            w.Summary(item.Title);
            w.Line($"public const {type} {item.Name} = {item.Literal};");
        }

        w.Close();
    }

    private static void WriteFieldsClass(SourceWriter w, EntitySpec e, GeneratorSettings settings)
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
            var type = PropertyType(f);
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
            w.Line("/// <remarks>" + Describe(f) + "</remarks>");
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
                w.Line($"private {PropertyType(f)} _f{i};");
            }
        }

        w.Close();
    }

    private static void WriteApi(SourceWriter w, EntitySpec e)
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
                    WriteList(w, e, m);
                    WriteChanges(w, e, m);
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

    private static string IdType(EntitySpec e) => e.IdIsString ? "string" : "long";

    private static string CommonParameters(EntitySpec e)
        => string.Concat(e.CommonParameters.Where(p => p.FixedValue is null).Select(p => ParameterDeclaration(e, p) + ", "));

    private static string ParameterDeclaration(EntitySpec e, ParameterSpec p)
    {
        var type = p.Type switch
        {
            ParameterType.Int64 => "long",
            ParameterType.String => "string",
            ParameterType.Boolean => "bool",
            ParameterType.Json => "global::System.Text.Json.Nodes.JsonNode",
            ParameterType.Fields => "global::Bitrix." + e.FieldsClassName,
            ParameterType.Rows => $"global::System.Collections.Generic.IEnumerable<global::Bitrix.{e.FieldsClassName}>",
            _ => "global::System.Collections.Generic.IEnumerable<long>",
        };
        return p.IsRequired ? $"{type} {p.CSharpName}" : $"{type}? {p.CSharpName} = null";
    }

    private static void WriteSetParameter(SourceWriter w, ParameterSpec p, string target)
    {
        var key = SchemaParser.Literal(p.Key);
        if (p.FixedValue is { } fixedValue)
        {
            w.Line($"{target}[{key}] = {fixedValue};");
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

            w.Line($"{target}[{key}] = {value};");
        }
        else
        {
            w.Open($"if ({p.CSharpName} is not null)");
            w.Line($"{target}[{key}] = {(p.Type is ParameterType.Int64 or ParameterType.Boolean ? p.CSharpName + ".Value" : value)};");
            w.Close();
        }
    }

    private static void WriteCommon(SourceWriter w, EntitySpec e, string target = "parameters")
    {
        foreach (var p in e.CommonParameters)
        {
            WriteSetParameter(w, p, target);
        }
    }

    private static void DocCommon(SourceWriter w, EntitySpec e)
    {
        foreach (var p in e.CommonParameters.Where(p => p.FixedValue is null))
        {
            w.Line($"/// <param name=\"{p.CSharpName.TrimStart('@')}\">{SourceWriter.Xml(p.Description.Length > 0 ? p.Description : p.Key)}</param>");
        }
    }

    private static string Lit(string? value) => value is null ? "null" : SchemaParser.Literal(value);

    private static string ReadNote(MethodSpec m) => m.IsRead ? " A read: safe to retry." : string.Empty;

    private static void WriteList(SourceWriter w, EntitySpec e, MethodSpec m)
    {
        var entity = "global::Bitrix." + e.Name;
        var filter = m.FilterParameter is not null || m.Kind == MethodKind.List;
        var select = m.SelectParameter is not null;
        var order = m.OrderParameter is not null || m.SortOrderStyle;
        var listParameters = string.Empty;
        if (filter)
        {
            listParameters += $"global::Bitrix.BitrixFilter<{entity}>? filter = null, ";
        }

        if (select)
        {
            listParameters += $"global::System.Collections.Generic.IEnumerable<global::Bitrix.BitrixField<{entity}>>? select = null, ";
        }

        if (order)
        {
            listParameters += $"global::System.Collections.Generic.IEnumerable<global::Bitrix.BitrixOrder<{entity}>>? order = null, ";
        }

        var addList = $"{Support}.AddListParameters(parameters, filter, {Lit(m.FilterParameter)}, {(select ? "select" : "null")}, {Lit(m.SelectParameter)}, {(order ? "order" : "null")}, {Lit(m.OrderParameter)}, {(m.SortOrderStyle ? "true" : "false")});";

        w.Line($"/// <summary>Streams every {SourceWriter.Xml(e.Name)} that matches (<c>{m.Method}</c>), page after page, as rows arrive.{ReadNote(m)}</summary>");
        DocCommon(w, e);
        w.Line("/// <param name=\"filter\">The filter: <c>" + e.Name + ".Filter.X == value &amp; ...</c>; null for every row.</param>");
        if (select)
        {
            w.Line("/// <param name=\"select\">The fields to return; null for the method's default.</param>");
        }

        if (order)
        {
            w.Line("/// <param name=\"order\">The sort order.</param>");
        }

        w.Line("/// <param name=\"options\">How to read the list (strategy, limits, progress).</param>");
        w.Line("/// <param name=\"cancellationToken\">Cancels the read.</param>");
        w.Open($"public global::System.Collections.Generic.IAsyncEnumerable<{entity}> ListAllAsync({CommonParameters(e)}{listParameters}global::Bitrix.ListOptions? options = null, {CancellationToken} cancellationToken = default)");
        w.Line($"var parameters = new {JsonObject}();");
        WriteCommon(w, e);
        w.Line(addList);
        w.Line($"var rows = Client.ListAllAsync({Lit(m.Method)}, parameters, {Support}.Options(options, {Lit(m.ResultKey ?? e.WrapperKey)}, {Lit(e.IdRowKey)}), cancellationToken);");
        w.Line($"return {Support}.MapAsync(rows, {entity}.FromJson, cancellationToken);");
        w.Close();
        w.Line();
        w.Line($"/// <summary>Reads one page of up to 50 rows (<c>{m.Method}</c>) from offset <paramref name=\"start\"/>, with the total and the next offset.{ReadNote(m)}</summary>");
        DocCommon(w, e);
        w.Line("/// <param name=\"filter\">The filter; null for every row.</param>");
        if (select)
        {
            w.Line("/// <param name=\"select\">The fields to return; null for the method's default.</param>");
        }

        if (order)
        {
            w.Line("/// <param name=\"order\">The sort order.</param>");
        }

        w.Line("/// <param name=\"start\">The offset: 0, 50, 100, ... (the previous page's Next).</param>");
        w.Line("/// <param name=\"cancellationToken\">Cancels the call.</param>");
        w.Open($"public async global::System.Threading.Tasks.Task<global::Bitrix.BitrixPage<{entity}>> ListAsync({CommonParameters(e)}{listParameters}long start = 0, {CancellationToken} cancellationToken = default)");
        w.Line($"var parameters = new {JsonObject}();");
        WriteCommon(w, e);
        w.Line(addList);
        w.Line("parameters[\"start\"] = start;");
        w.Line($"var response = await Client.CallRawAsync({Lit(m.Method)}, parameters, cancellationToken).ConfigureAwait(false);");
        w.Line($"return {Support}.Page(response, {Lit(m.ResultKey ?? e.WrapperKey)}, {entity}.FromJson, {Lit(m.Method)});");
        w.Close();
    }

    /// <summary>The field a list's incremental read filters on: the entity's modification time, when its schema has one.</summary>
    internal static FieldSpec? ModifiedField(EntitySpec e) =>
        e.IdIsString ? null : e.Fields.FirstOrDefault(f => f.Kind == ValueKind.DateTime && f.WireName is "DATE_MODIFY" or "updatedTime" or "CHANGED_DATE");

    private static void WriteChanges(SourceWriter w, EntitySpec e, MethodSpec m)
    {
        // The modification-time condition goes into the method's filter parameter: a method that takes its filter at the top level gets no incremental read.
        if (ModifiedField(e) is not { } modified || m.FilterParameter is null)
        {
            return;
        }

        var entity = "global::Bitrix." + e.Name;
        var select = m.SelectParameter is not null;
        var listParameters = $"global::Bitrix.BitrixFilter<{entity}>? filter = null, ";

        if (select)
        {
            listParameters += $"global::System.Collections.Generic.IEnumerable<global::Bitrix.BitrixField<{entity}>>? select = null, ";
        }

        w.Line();
        w.Line($"/// <summary>Streams every {SourceWriter.Xml(e.Name)} modified at or after <paramref name=\"since\"/> (<c>{m.Method}</c> filtered on <c>{modified.WireName}</c>, in ID order), with the checkpoint to store for the next run in <see cref=\"global::Bitrix.ChangeFeed{{T}}.Checkpoint\"/>. Deleted rows do not appear: learn them with <see cref=\"global::Bitrix.BitrixClient.FindDeletedAsync\"/>. A read: safe to retry.</summary>");
        DocCommon(w, e);
        w.Line("/// <param name=\"since\">Where the last run stopped; null or <see cref=\"global::Bitrix.SyncCheckpoint.Beginning\"/> for every row.</param>");
        w.Line("/// <param name=\"filter\">A filter on top of the modification time; null for every changed row.</param>");

        if (select)
        {
            w.Line("/// <param name=\"select\">The fields to return; null for the method's default. The modification time is added when missing.</param>");
        }

        w.Line("/// <param name=\"options\">How to read the changes (strategy, overlap, progress).</param>");
        w.Line("/// <param name=\"cancellationToken\">Cancels the read.</param>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">The options ask for offsets.</exception>");
        w.Open($"public global::Bitrix.ChangeFeed<{entity}> ChangesAsync({CommonParameters(e)}global::Bitrix.SyncCheckpoint? since, {listParameters}global::Bitrix.ChangeOptions? options = null, {CancellationToken} cancellationToken = default)");
        w.Line($"var parameters = new {JsonObject}();");
        WriteCommon(w, e);
        w.Line($"{Support}.AddListParameters(parameters, filter, {Lit(m.FilterParameter)}, {(select ? "select" : "null")}, {Lit(m.SelectParameter)}, null, null, false);");
        w.Line($"var rows = Client.ChangesAsync({Lit(m.Method)}, since, parameters, {Support}.ChangeOptions(options, {Lit(m.ResultKey ?? e.WrapperKey)}, {Lit(e.IdRowKey)}, {Lit(modified.WireName)}, {Lit(modified.RowKey)}), cancellationToken);");
        w.Line($"return rows.As({entity}.FromJson);");
        w.Close();
    }

    private static void WriteGet(SourceWriter w, EntitySpec e, MethodSpec m)
    {
        var entity = "global::Bitrix." + e.Name;
        var itemKey = Lit(m.ResultKey ?? e.ItemKey);
        var firstRow = m.FirstRow ? "true" : "false";
        w.Line($"/// <summary>Gets one {SourceWriter.Xml(e.Name)} by ID (<c>{m.Method}</c>).{ReadNote(m)}</summary>");
        DocCommon(w, e);
        w.Line("/// <param name=\"id\">The ID.</param>");
        w.Line("/// <param name=\"cancellationToken\">Cancels the call.</param>");
        w.Line("/// <exception cref=\"global::Bitrix.BitrixException\">The portal reported an error, such as Not found.</exception>");
        w.Open($"public async global::System.Threading.Tasks.Task<{entity}> GetAsync({CommonParameters(e)}{IdType(e)} id, {CancellationToken} cancellationToken = default)");
        w.Line($"var parameters = new {JsonObject}();");
        WriteCommon(w, e);
        w.Line($"parameters[{Lit(m.IdParameter)}] = id;");
        w.Line($"var result = await Client.CallAsync({Lit(m.Method)}, parameters, cancellationToken).ConfigureAwait(false);");
        w.Line($"return {entity}.FromJson({Support}.Item(result, {itemKey}, {firstRow}, {Lit(m.Method)}));");
        w.Close();
        w.Line();
        w.Line($"/// <summary>Gets many {SourceWriter.Xml(e.Name)} rows by ID, 50 to a batch: one result per ID in input order; a missing ID is an error on its own result.{ReadNote(m)}</summary>");
        DocCommon(w, e);
        w.Line("/// <param name=\"ids\">The IDs; duplicates allowed.</param>");
        w.Line("/// <param name=\"cancellationToken\">Cancels the calls.</param>");
        w.Open($"public async global::System.Threading.Tasks.Task<global::System.Collections.Generic.IReadOnlyList<global::Bitrix.BitrixResult<{entity}>>> GetManyAsync({CommonParameters(e)}global::System.Collections.Generic.IEnumerable<{IdType(e)}> ids, {CancellationToken} cancellationToken = default)");
        w.Line("global::System.ArgumentNullException.ThrowIfNull(ids);");
        w.Line($"var items = new global::System.Collections.Generic.List<{JsonObject}?>();");
        w.Open("foreach (var id in ids)");
        w.Line($"var parameters = new {JsonObject}();");
        WriteCommon(w, e);
        w.Line($"parameters[{Lit(m.IdParameter)}] = id;");
        w.Line("items.Add(parameters);");
        w.Close();
        w.Line();
        w.Line($"var results = await Client.CallManyAsync({Lit(m.Method)}, items, cancellationToken).ConfigureAwait(false);");
        w.Line($"return {Support}.Map(results, r => {entity}.FromJson({Support}.Item(r, {itemKey}, {firstRow}, {Lit(m.Method)})));");
        w.Close();
    }

    private static void WriteAdd(SourceWriter w, EntitySpec e, MethodSpec m)
    {
        var fields = "global::Bitrix." + e.FieldsClassName;
        var newId = $"{Support}.NewId(result, {Lit(m.ResultKey ?? e.ItemKey)}, {Lit(e.IdRowKey)})";
        w.Line($"/// <summary>Adds a {SourceWriter.Xml(e.Name)} (<c>{m.Method}</c>) and returns its new ID.</summary>");
        DocCommon(w, e);
        w.Line("/// <param name=\"fields\">The fields to set.</param>");
        w.Line("/// <param name=\"cancellationToken\">Cancels the call.</param>");
        w.Open($"public async global::System.Threading.Tasks.Task<long> AddAsync({CommonParameters(e)}{fields} fields, {CancellationToken} cancellationToken = default)");
        w.Line($"var parameters = new {JsonObject}();");
        WriteCommon(w, e);
        w.Line($"{Support}.AddFields(parameters, {Lit(m.FieldsParameter)}, fields);");
        w.Line($"var result = await Client.CallAsync({Lit(m.Method)}, parameters, cancellationToken).ConfigureAwait(false);");
        w.Line($"return {newId};");
        w.Close();
        w.Line();
        w.Line($"/// <summary>Adds many {SourceWriter.Xml(e.Name)} rows, 50 to a batch: one result (the new ID or an error) per item, in input order.</summary>");
        DocCommon(w, e);
        w.Line("/// <param name=\"items\">The rows to add.</param>");
        w.Line("/// <param name=\"cancellationToken\">Cancels the calls.</param>");
        w.Open($"public async global::System.Threading.Tasks.Task<global::System.Collections.Generic.IReadOnlyList<global::Bitrix.BitrixResult<long>>> AddManyAsync({CommonParameters(e)}global::System.Collections.Generic.IEnumerable<{fields}> items, {CancellationToken} cancellationToken = default)");
        w.Line("global::System.ArgumentNullException.ThrowIfNull(items);");
        w.Line($"var calls = new global::System.Collections.Generic.List<{JsonObject}?>();");
        w.Open("foreach (var fields in items)");
        w.Line($"var parameters = new {JsonObject}();");
        WriteCommon(w, e);
        w.Line($"{Support}.AddFields(parameters, {Lit(m.FieldsParameter)}, fields);");
        w.Line("calls.Add(parameters);");
        w.Close();
        w.Line();
        w.Line($"var results = await Client.CallManyAsync({Lit(m.Method)}, calls, cancellationToken).ConfigureAwait(false);");
        w.Line($"return {Support}.Map(results, result => {newId});");
        w.Close();
    }

    private static void WriteUpdate(SourceWriter w, EntitySpec e, MethodSpec m)
    {
        var fields = "global::Bitrix." + e.FieldsClassName;
        w.Line($"/// <summary>Updates a {SourceWriter.Xml(e.Name)} (<c>{m.Method}</c>): only the fields set are sent; a field set to null is erased.</summary>");
        DocCommon(w, e);
        w.Line("/// <param name=\"id\">The ID.</param>");
        w.Line("/// <param name=\"fields\">The fields to change.</param>");
        w.Line("/// <param name=\"cancellationToken\">Cancels the call.</param>");
        w.Open($"public async global::System.Threading.Tasks.Task UpdateAsync({CommonParameters(e)}{IdType(e)} id, {fields} fields, {CancellationToken} cancellationToken = default)");
        w.Line($"var parameters = new {JsonObject}();");
        WriteCommon(w, e);
        w.Line($"parameters[{Lit(m.IdParameter)}] = id;");
        WriteImmutableCheck(w, e);
        w.Line($"{Support}.AddFields(parameters, {Lit(m.FieldsParameter)}, fields);");
        w.Line($"await Client.CallAsync({Lit(m.Method)}, parameters, cancellationToken).ConfigureAwait(false);");
        w.Close();
        w.Line();
        w.Line($"/// <summary>Updates many {SourceWriter.Xml(e.Name)} rows, 50 to a batch (items that erase a field go alone, as a batch cannot carry null): one result per item, in input order.</summary>");
        DocCommon(w, e);
        w.Line("/// <param name=\"items\">Pairs of ID and fields to change.</param>");
        w.Line("/// <param name=\"cancellationToken\">Cancels the calls.</param>");
        w.Open($"public async global::System.Threading.Tasks.Task<global::System.Collections.Generic.IReadOnlyList<global::Bitrix.BitrixResult<bool>>> UpdateManyAsync({CommonParameters(e)}global::System.Collections.Generic.IEnumerable<({IdType(e)} Id, {fields} Fields)> items, {CancellationToken} cancellationToken = default)");
        w.Line("global::System.ArgumentNullException.ThrowIfNull(items);");
        w.Line($"var calls = new global::System.Collections.Generic.List<{JsonObject}?>();");
        w.Open("foreach (var (id, fields) in items)");
        w.Line($"var parameters = new {JsonObject}();");
        WriteCommon(w, e);
        w.Line($"parameters[{Lit(m.IdParameter)}] = id;");
        WriteImmutableCheck(w, e);
        w.Line($"{Support}.AddFields(parameters, {Lit(m.FieldsParameter)}, fields);");
        w.Line("calls.Add(parameters);");
        w.Close();
        w.Line();
        w.Line($"var results = await Client.CallManyAsync({Lit(m.Method)}, calls, cancellationToken).ConfigureAwait(false);");
        w.Line($"return {Support}.Map(results, {Support}.Success);");
        w.Close();
    }

    /// <summary>Fields the catalog marks immutable are set on add only; an update would ignore them silently.</summary>
    private static void WriteImmutableCheck(SourceWriter w, EntitySpec e)
    {
        var immutable = e.Fields.Where(f => f.IsImmutable && !f.IsReadOnly).Select(f => SchemaParser.Literal(f.WireName)).ToList();
        if (immutable.Count > 0)
        {
            w.Line($"{Support}.RejectImmutable(fields, {string.Join(", ", immutable)});");
        }
    }

    private static void WriteDelete(SourceWriter w, EntitySpec e, MethodSpec m)
    {
        w.Line($"/// <summary>Deletes a {SourceWriter.Xml(e.Name)} (<c>{m.Method}</c>).</summary>");
        DocCommon(w, e);
        w.Line("/// <param name=\"id\">The ID.</param>");
        w.Line("/// <param name=\"cancellationToken\">Cancels the call.</param>");
        w.Open($"public async global::System.Threading.Tasks.Task DeleteAsync({CommonParameters(e)}{IdType(e)} id, {CancellationToken} cancellationToken = default)");
        w.Line($"var parameters = new {JsonObject}();");
        WriteCommon(w, e);
        w.Line($"parameters[{Lit(m.IdParameter)}] = id;");
        w.Line($"await Client.CallAsync({Lit(m.Method)}, parameters, cancellationToken).ConfigureAwait(false);");
        w.Close();
        w.Line();
        w.Line($"/// <summary>Deletes many {SourceWriter.Xml(e.Name)} rows, 50 to a batch: one result per ID, in input order.</summary>");
        DocCommon(w, e);
        w.Line("/// <param name=\"ids\">The IDs.</param>");
        w.Line("/// <param name=\"cancellationToken\">Cancels the calls.</param>");
        w.Open($"public async global::System.Threading.Tasks.Task<global::System.Collections.Generic.IReadOnlyList<global::Bitrix.BitrixResult<bool>>> DeleteManyAsync({CommonParameters(e)}global::System.Collections.Generic.IEnumerable<{IdType(e)}> ids, {CancellationToken} cancellationToken = default)");
        w.Line("global::System.ArgumentNullException.ThrowIfNull(ids);");
        w.Line($"var calls = new global::System.Collections.Generic.List<{JsonObject}?>();");
        w.Open("foreach (var id in ids)");
        w.Line($"var parameters = new {JsonObject}();");
        WriteCommon(w, e);
        w.Line($"parameters[{Lit(m.IdParameter)}] = id;");
        w.Line("calls.Add(parameters);");
        w.Close();
        w.Line();
        w.Line($"var results = await Client.CallManyAsync({Lit(m.Method)}, calls, cancellationToken).ConfigureAwait(false);");
        w.Line($"return {Support}.Map(results, {Support}.Success);");
        w.Close();
    }

    private static void WriteFieldsMethod(SourceWriter w, EntitySpec e, MethodSpec m)
    {
        w.Line($"/// <summary>Reads the portal's field catalog of {SourceWriter.Xml(e.Name)} (<c>{m.Method}</c>), user fields included.{ReadNote(m)}</summary>");
        DocCommon(w, e);
        w.Line("/// <param name=\"cancellationToken\">Cancels the call.</param>");
        w.Open($"public async global::System.Threading.Tasks.Task<global::System.Collections.Generic.IReadOnlyDictionary<string, global::Bitrix.BitrixFieldInfo>> FieldsAsync({CommonParameters(e)}{CancellationToken} cancellationToken = default)");
        w.Line($"var parameters = new {JsonObject}();");
        WriteCommon(w, e);
        w.Line($"var result = await Client.CallAsync({Lit(m.Method)}, parameters, cancellationToken).ConfigureAwait(false);");
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
        var all = e.CommonParameters.Concat(m.Parameters).ToList();
        var declared = all.Where(p => p.FixedValue is null).ToList();
        var required = declared.Where(p => p.IsRequired).Select(p => ParameterDeclaration(e, p));
        var optional = declared.Where(p => !p.IsRequired).Select(p => ParameterDeclaration(e, p));
        var declarations = string.Concat(required.Concat(optional).Select(d => d + ", "));
        var description = m.Description.Length > 0 ? m.Description : $"Calls <c>{m.Method}</c>.";
        w.Line($"/// <summary>{SourceWriter.Xml(description)}{(m.Description.Length > 0 ? $" (<c>{m.Method}</c>)" : string.Empty)}{ReadNote(m)}</summary>");
        foreach (var p in declared)
        {
            w.Line($"/// <param name=\"{p.CSharpName.TrimStart('@')}\">{SourceWriter.Xml(p.Description.Length > 0 ? p.Description : "The parameter " + p.Key + ".")}</param>");
        }

        w.Line("/// <param name=\"cancellationToken\">Cancels the call.</param>");
        w.Open($"public async {returnType} {m.CSharpName}Async({declarations}{CancellationToken} cancellationToken = default)");
        w.Line($"var parameters = new {JsonObject}();");
        foreach (var p in all)
        {
            WriteSetParameter(w, p, "parameters");
        }

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
