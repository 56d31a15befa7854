using System.IO;
using System.Text;
using Bitrix.Generator.Model;

namespace Bitrix.Generator.Emit;

/// <summary>
/// Writes the schema-independent types the generated code builds on (filter fields, value
/// readers and writers, typed results). They go into the consuming assembly, like the entities,
/// so that the runtime stays free of anything the generator decides.
/// </summary>
internal static class SupportEmitter
{
    public const string HintName = "BitrixSupport.g.cs";

    private static readonly (string Kind, string Type, string Description)[] Comparables =
    [
        ("Int64", "long", "an integer or ID"),
        ("Decimal", "decimal", "a money"),
        ("Double", "double", "a number"),
        ("Date", "global::System.DateOnly", "a date"),
        ("DateTime", "global::System.DateTimeOffset", "a date-and-time"),
    ];

    private static readonly (string Kind, string Type)[] ListKinds =
    [
        ("Int64", "long"), ("Decimal", "decimal"), ("Double", "double"), ("String", "string"), ("Boolean", "bool"),
        ("Date", "global::System.DateOnly"), ("DateTime", "global::System.DateTimeOffset"), ("Multifield", "global::Bitrix.Multifield"),
    ];

    private static string? _template;

    public static string Emit(GeneratorSettings settings)
    {
        var template = _template ??= LoadTemplate();
        var lists = new StringBuilder();
        foreach (var (kind, type) in ListKinds)
        {
            lists.Append(ListReader(kind, type));
        }

        var filters = new StringBuilder();
        foreach (var (kind, type, description) in Comparables)
        {
            filters.Append(FilterField(kind, type, "an ordered value (" + description + "): ==, !=, &lt;, &lt;=, &gt;, &gt;=, In, NotIn, IsEmpty", comparable: true, text: false));
        }

        filters.Append(FilterField("Text", "string", "free text: ==, !=, In, NotIn, Like, NotLike, LikePattern, NotLikePattern, IsEmpty", comparable: false, text: true));
        filters.Append(FilterField("Code", "string", "a code or a text ID (crm_status, crm_currency): ==, !=, In, NotIn, IsEmpty — no LIKE", comparable: false, text: false));
        filters.Append(FilterField("Boolean", "bool", "a flag (Y/N): ==, !=, IsEmpty", comparable: false, text: false, inList: false));

        var body = template.Replace("__LIST_READERS__\n", lists.ToString()).Replace("__FILTER_FIELDS__\n", filters.ToString());
        return SourceWriter.Header + "\n" + body.Replace("__ACCESS__", settings.Accessibility);
    }

    private static string LoadTemplate()
    {
        using var stream = typeof(SupportEmitter).Assembly.GetManifestResourceStream("Bitrix.Generator.BitrixSupport.cstemplate")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Replace("\r\n", "\n");
    }

    private static string ListReader(string kind, string type) => $@"
        /// <summary>Reads a list of values; a single value reads as a one-item list, null as no list.</summary>
        public static bool Read{kind}List(global::System.Text.Json.JsonElement e, out global::System.Collections.Generic.IReadOnlyList<{type}>? value)
        {{
            value = null;
            if (e.ValueKind is global::System.Text.Json.JsonValueKind.Null or global::System.Text.Json.JsonValueKind.Undefined or global::System.Text.Json.JsonValueKind.False
                || (e.ValueKind == global::System.Text.Json.JsonValueKind.String && e.GetString()!.Length == 0))
            {{
                return true;
            }}

            var list = new global::System.Collections.Generic.List<{type}>();
            foreach (var item in Items(e))
            {{
                if (!Read{kind}(item, out var v))
                {{
                    return false;
                }}

                if (v is {{ }} x)
                {{
                    list.Add(x);
                }}
            }}

            value = list;
            return true;
        }}
".Replace("\r\n", "\n");

    private static string FilterField(string kind, string type, string description, bool comparable, bool text, bool inList = true)
    {
        var name = $"Bitrix{kind}Filter";
        var writer = kind is "Text" or "Code" ? "WriteString" : "Write" + kind;
        var b = new StringBuilder();
        b.Append($@"
    /// <summary>A typed filter field holding {description}.</summary>
    /// <typeparam name=""TEntity"">The entity the field belongs to.</typeparam>
    __ACCESS__ readonly struct {name}<TEntity> : global::System.IEquatable<{name}<TEntity>>
    {{
        /// <summary>A filter field for the wire name <paramref name=""name""/>.</summary>
        public {name}(string name) => Name = name;

        /// <summary>The field's wire name.</summary>
        public string Name {{ get; }}

        /// <summary>Equal (<c>=</c>).</summary>
        public static global::Bitrix.BitrixFilter<TEntity> operator ==({name}<TEntity> field, {type} value) => Term(""="", field, value);

        /// <summary>Not equal (<c>!=</c>).</summary>
        public static global::Bitrix.BitrixFilter<TEntity> operator !=({name}<TEntity> field, {type} value) => Term(""!="", field, value);
");
        if (comparable)
        {
            b.Append($@"
        /// <summary>Less than (<c>&lt;</c>).</summary>
        public static global::Bitrix.BitrixFilter<TEntity> operator <({name}<TEntity> field, {type} value) => Term(""<"", field, value);

        /// <summary>Less than or equal (<c>&lt;=</c>).</summary>
        public static global::Bitrix.BitrixFilter<TEntity> operator <=({name}<TEntity> field, {type} value) => Term(""<="", field, value);

        /// <summary>Greater than (<c>&gt;</c>).</summary>
        public static global::Bitrix.BitrixFilter<TEntity> operator >({name}<TEntity> field, {type} value) => Term("">"", field, value);

        /// <summary>Greater than or equal (<c>&gt;=</c>).</summary>
        public static global::Bitrix.BitrixFilter<TEntity> operator >=({name}<TEntity> field, {type} value) => Term("">="", field, value);
");
        }

        if (inList)
        {
            b.Append($@"
        /// <summary>One of the values (<c>@</c>, IN).</summary>
        public global::Bitrix.BitrixFilter<TEntity> In(params {type}[] values) => In((global::System.Collections.Generic.IEnumerable<{type}>)values);

        /// <summary>One of the values (<c>@</c>, IN).</summary>
        public global::Bitrix.BitrixFilter<TEntity> In(global::System.Collections.Generic.IEnumerable<{type}> values)
            => global::Bitrix.BitrixFilter<TEntity>.Term(""@"" + Name, global::Bitrix.BitrixValue.WriteList(values ?? throw new global::System.ArgumentNullException(nameof(values)), v => global::Bitrix.BitrixValue.{writer}(v)));

        /// <summary>None of the values (<c>!@</c>, NOT IN).</summary>
        public global::Bitrix.BitrixFilter<TEntity> NotIn(params {type}[] values) => NotIn((global::System.Collections.Generic.IEnumerable<{type}>)values);

        /// <summary>None of the values (<c>!@</c>, NOT IN).</summary>
        public global::Bitrix.BitrixFilter<TEntity> NotIn(global::System.Collections.Generic.IEnumerable<{type}> values)
            => global::Bitrix.BitrixFilter<TEntity>.Term(""!@"" + Name, global::Bitrix.BitrixValue.WriteList(values ?? throw new global::System.ArgumentNullException(nameof(values)), v => global::Bitrix.BitrixValue.{writer}(v)));
");
        }

        if (text)
        {
            b.Append(@"
        /// <summary>Contains the text anywhere (<c>%</c>, LIKE without wildcards).</summary>
        public global::Bitrix.BitrixFilter<TEntity> Like(string text) => global::Bitrix.BitrixFilter<TEntity>.Term(""%"" + Name, text);

        /// <summary>Does not contain the text (<c>!%</c>; crm.item.list, user.get, crm.activity.list).</summary>
        public global::Bitrix.BitrixFilter<TEntity> NotLike(string text) => global::Bitrix.BitrixFilter<TEntity>.Term(""!%"" + Name, text);

        /// <summary>Matches a pattern with explicit <c>%</c> wildcards (<c>=%</c>): <c>""mol%""</c>.</summary>
        public global::Bitrix.BitrixFilter<TEntity> LikePattern(string pattern) => global::Bitrix.BitrixFilter<TEntity>.Term(""=%"" + Name, pattern);

        /// <summary>Does not match a pattern with explicit <c>%</c> wildcards (<c>!=%</c>).</summary>
        public global::Bitrix.BitrixFilter<TEntity> NotLikePattern(string pattern) => global::Bitrix.BitrixFilter<TEntity>.Term(""!=%"" + Name, pattern);
");
        }

        b.Append($@"
        /// <summary>Has no value (<c>=</c> an empty string).</summary>
        public global::Bitrix.BitrixFilter<TEntity> IsEmpty() => global::Bitrix.BitrixFilter<TEntity>.Term(""="" + Name, string.Empty);

        /// <summary>Has a value (<c>!=</c> an empty string).</summary>
        public global::Bitrix.BitrixFilter<TEntity> IsNotEmpty() => global::Bitrix.BitrixFilter<TEntity>.Term(""!="" + Name, string.Empty);

        /// <inheritdoc/>
        public bool Equals({name}<TEntity> other) => string.Equals(Name, other.Name, global::System.StringComparison.Ordinal);

        /// <inheritdoc/>
        public override bool Equals(object? obj) => obj is {name}<TEntity> other && Equals(other);

        /// <inheritdoc/>
        public override int GetHashCode() => Name is null ? 0 : global::System.StringComparer.Ordinal.GetHashCode(Name);

        /// <inheritdoc/>
        public override string ToString() => Name;

        private static global::Bitrix.BitrixFilter<TEntity> Term(string op, {name}<TEntity> field, {type} value)
            => global::Bitrix.BitrixFilter<TEntity>.Term(op + field.Name, global::Bitrix.BitrixValue.{writer}(value));
    }}
");
        return b.ToString().Replace("\r\n", "\n");
    }
}
