using System.Globalization;
using System.Text.Json.Nodes;
using Bitrix.Emulator.Data;
using Bitrix.Emulator.Protocol;

namespace Bitrix.Emulator.Methods;

/// <summary>Shared reading of list parameters and writing of rows in the legacy (string-valued) shape.</summary>
internal static partial class RowFormat
{
    /// <summary>The fields a <c>select</c> names: <c>*</c> = regular fields, <c>UF_*</c> = user fields, multifields only by name. ID always.</summary>
    public static List<FieldDef> Select(EntityCatalog catalog, JsonNode? select, Func<string, string?>? mapKey = null)
    {
        var names = JsonValues.AsList(select).Select(JsonValues.AsString).Where(s => !string.IsNullOrEmpty(s)).Select(s => s!).ToList();
        var all = names.Count == 0 || names.Contains("*");
        var allUser = names.Any(n => n.Equals("UF_*", StringComparison.OrdinalIgnoreCase));
        var wanted = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in names)
        {
            var storage = mapKey is null ? name : mapKey(name);
            if (storage is not null)
            {
                wanted.Add(storage);
            }
        }

        return catalog.Fields.Where(f =>
            f.Name == "ID"
            || wanted.Contains(f.Name)
            || (all && !f.IsUserField && !f.IsMultifield)
            || (allUser && f.IsUserField)).ToList();
    }

    /// <summary>Reads <c>order</c> (<c>{FIELD: ASC|DESC}</c>); unknown fields are ignored.</summary>
    public static List<OrderKey> Order(EntityCatalog catalog, JsonNode? order, Func<string, string?>? mapKey = null)
    {
        var keys = new List<OrderKey>();
        if (JsonValues.AsObject(order) is not { } map)
        {
            return keys;
        }

        foreach (var (key, value) in map)
        {
            var storage = mapKey is null ? key : mapKey(key);
            if (storage is not null && catalog.Find(storage) is { } field)
            {
                keys.Add(new OrderKey(field, string.Equals(JsonValues.AsString(value), "DESC", StringComparison.OrdinalIgnoreCase)));
            }
        }

        return keys;
    }

    /// <summary>Reads <c>start</c>: an offset, or -1 to skip counting.</summary>
    public static long Start(RequestParams parameters)
    {
        var start = parameters.GetLong("start") ?? 0;
        return start < 0 ? -1 : start;
    }

    /// <summary>
    /// A row as legacy handlers print it: every value a string or null, multifields only when present.
    /// The link lists a deal keeps of its contacts and a contact of its companies are never printed
    /// (crm.deal.get/list do not give CONTACT_IDS, crm.contact.get/list not COMPANY_IDS): they can be written, not read here.
    /// </summary>
    public static JsonObject Legacy(EntityTable table, Row row, IEnumerable<FieldDef> fields)
    {
        var obj = new JsonObject();
        var hidden = table.Name switch
        {
            "crm.deal" => "CONTACT_IDS",
            "crm.contact" => "COMPANY_IDS",
            _ => null,
        };
        foreach (var field in fields)
        {
            if (field.Name == hidden)
            {
                continue;
            }

            var value = table.GetValue(row, field.Name);
            if (field.IsMultifield)
            {
                if (value is IReadOnlyList<MultifieldValue> { Count: > 0 } multi)
                {
                    obj[field.Name] = Multifield(multi);
                }

                continue;
            }

            obj[field.Name] = LegacyValue(value);
        }

        return obj;
    }

    public static JsonNode? LegacyValue(object? value) => value switch
    {
        null => null,
        string s => JsonValue.Create(s),
        IReadOnlyList<string> many => new JsonArray(many.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()),
        IReadOnlyList<MultifieldValue> multi => Multifield(multi),
        _ => JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture)),
    };

    private static JsonArray Multifield(IReadOnlyList<MultifieldValue> values)
    {
        var list = new JsonArray();
        foreach (var v in values)
        {
            list.Add((JsonNode)new JsonObject
            {
                ["ID"] = v.Id.ToString(CultureInfo.InvariantCulture),
                ["VALUE_TYPE"] = v.ValueType,
                ["VALUE"] = v.Value,
                ["TYPE_ID"] = v.TypeId,
            });
        }

        return list;
    }

    /// <summary>
    /// Turns a written value into the stored legacy form. JSON null erases; booleans become Y/N
    /// for flags; numbers become their text; lists stay lists.
    /// </summary>
    public static object? ToStored(FieldDef field, JsonNode? node)
    {
        if (node is null)
        {
            return null;
        }

        if (node is JsonArray or JsonObject)
        {
            var items = JsonValues.AsList(node).Select(n => Scalar(field, n) ?? string.Empty).ToArray();
            return field.IsMultiple ? items : items.FirstOrDefault();
        }

        var scalar = Scalar(field, node);
        return field.IsMultiple && scalar is not null ? new[] { scalar } : scalar;
    }

    /// <summary>A cast of text to a number as PHP does it: the longest leading number (<c>"12abc"</c> is 12), else 0.</summary>
    private static decimal LeadingNumber(string text)
    {
        var match = LeadingNumberPattern().Match(text);
        return match.Success && decimal.TryParse(match.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : 0m;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex LeadingNumberPattern();

    private static string? Scalar(FieldDef field, JsonNode? node)
    {
        if (node is JsonValue value && value.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False)
        {
            var yes = value.GetValueKind() == System.Text.Json.JsonValueKind.True;
            return field.Kind == FieldKind.Flag ? (yes ? "Y" : "N") : (yes ? "1" : "0");
        }

        var text = JsonValues.AsString(node);
        if (text is null)
        {
            return null;
        }

        // Instants at the very ends of the calendar cannot be shown in the portal's offset: kept as written.
        if (field.Kind is FieldKind.Date or FieldKind.DateTime && SeedData.TryParseInstant(text, out var t) && t.UtcDateTime.Year is > 1 and < 9999)
        {
            return field.Kind == FieldKind.Date ? SeedData.FormatDate(SeedData.PortalDay(t)) : SeedData.FormatDateTime(t);
        }

        if (field.Kind == FieldKind.Number)
        {
            // The field is a double: the portal casts what it is given, so text that is no number is stored as 0.00.
            return (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : LeadingNumber(text)).ToString("0.00", CultureInfo.InvariantCulture);
        }

        return text;
    }
}
