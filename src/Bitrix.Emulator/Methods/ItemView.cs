using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bitrix.Emulator.Data;
using Bitrix.Emulator.Protocol;

namespace Bitrix.Emulator.Methods;

/// <summary>
/// One field of the crm.item view: its camelCase name, its crm.item upper name, and the field it
/// is stored in. <see cref="Storage"/> carries the storage name with the crm.item definition, so
/// filters and order work on the shared rows; <see cref="Legacy"/> is the legacy field when there is one.
/// </summary>
internal sealed record ItemField(string Camel, string Upper, FieldDef Storage, FieldDef? Legacy)
{
    public JsonObject Definition => Storage.Definition;
}

/// <summary>
/// The crm.item view of a legacy CRM table (docs/protocol.md §3, §6): the same rows under camelCase names
/// with JSON-typed values. For deals the documented <c>crm.item.fields</c> catalog leads, and the
/// deal fields it leaves out follow under derived names; leads, contacts and companies are derived
/// from their legacy catalogs. The view is rebuilt per call because user fields can be declared at any time.
/// </summary>
internal sealed class ItemView
{
    /// <summary>crm.item upper names whose legacy storage field is named differently.</summary>
    private static readonly Dictionary<string, string> ItemToLegacy = new(StringComparer.Ordinal)
    {
        ["CREATED_TIME"] = "DATE_CREATE",
        ["UPDATED_TIME"] = "DATE_MODIFY",
        ["CREATED_BY"] = "CREATED_BY_ID",
        ["UPDATED_BY"] = "MODIFY_BY_ID",
        ["MOVED_BY"] = "MOVED_BY_ID",
    };

    private static readonly Dictionary<string, string> LegacyToItem = ItemToLegacy.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);

    /// <summary>Legacy fields that crm.item names differently for one entity type (docs: api-reference/crm/universal/object-fields.md).</summary>
    private static readonly Dictionary<(long EntityTypeId, string Legacy), string> EntityAliases = new()
    {
        [(1, "STATUS_ID")] = "STAGE_ID",
        [(1, "STATUS_SEMANTIC_ID")] = "STAGE_SEMANTIC_ID",
        [(4, "COMPANY_TYPE")] = "TYPE_ID",
        [(4, "CONTACT_ID")] = "CONTACT_IDS",
    };

    private readonly List<ItemField> _fields = [];
    private readonly Dictionary<string, ItemField> _byName = new(StringComparer.OrdinalIgnoreCase);

    private ItemView(EntityTable table, long entityTypeId)
    {
        Table = table;
        EntityTypeId = entityTypeId;
        var covered = new HashSet<string>(StringComparer.Ordinal);
        if (entityTypeId == 2)
        {
            var documented = EntityCatalog.LoadResource("crm.item.fields")["fields"]!.AsObject();
            foreach (var (camel, node) in documented)
            {
                var definition = node!.AsObject().DeepClone().AsObject();
                var upper = (string?)definition["upperName"] ?? Naming.UpperSnake(camel);
                var storage = ItemToLegacy.GetValueOrDefault(upper, upper);
                Add(new ItemField(camel, upper, new FieldDef(storage, definition), table.Catalog.Find(storage)));
                covered.Add(storage);
            }
        }

        foreach (var legacy in table.Catalog.Fields)
        {
            if (!legacy.IsMultifield && !covered.Contains(legacy.Name))
            {
                Add(Derive(entityTypeId, legacy));
            }
        }

        if (Find("observers") is null)
        {
            Add(Observers());
        }

        StorageCatalog = new EntityCatalog("crm.item." + entityTypeId.ToString(CultureInfo.InvariantCulture), _fields.Select(f => f.Storage));
    }

    public EntityTable Table { get; }

    public long EntityTypeId { get; }

    public IReadOnlyList<ItemField> Fields => _fields;

    /// <summary>The view's fields under their storage names, for <see cref="FilterParser"/> and <see cref="ListEngine"/>.</summary>
    public EntityCatalog StorageCatalog { get; }

    /// <summary>Leads, contacts and companies carry PHONE/EMAIL/... which crm.item returns as <c>fm</c>.</summary>
    public bool HasMultifields => Table.Catalog.Fields.Any(f => f.IsMultifield);

    public static ItemView? For(PortalData data, long? entityTypeId)
        => entityTypeId is { } id && data.TableForEntityType(id) is { } table ? new ItemView(table, id) : null;

    /// <summary>The view of a smart process's own table, whose storage names follow the legacy ones (DATE_CREATE for createdTime, ...).</summary>
    public static ItemView ForTable(EntityTable table, long entityTypeId) => new(table, entityTypeId);

    /// <summary>The storage name of a crm.item upper name: <c>CREATED_TIME</c> is kept as <c>DATE_CREATE</c>, as in the legacy tables.</summary>
    public static string StorageName(string upper) => ItemToLegacy.GetValueOrDefault(upper, upper);

    /// <summary>Finds a field by its camelCase name, or a user field by its original name.</summary>
    public ItemField? Find(string name) => _byName.GetValueOrDefault(name);

    public string KeyOf(ItemField field, bool originalUserFieldNames)
        => originalUserFieldNames && field.Storage.IsUserField ? field.Storage.Name : field.Camel;

    /// <summary>The <c>crm.item.fields</c> answer.</summary>
    public JsonObject FieldsAnswer(bool originalUserFieldNames)
    {
        var fields = new JsonObject();
        foreach (var field in _fields)
        {
            fields[KeyOf(field, originalUserFieldNames)] = field.Definition.DeepClone();
        }

        return new JsonObject { ["fields"] = fields };
    }

    /// <summary>A row in crm.item form: numbers for ids and amounts, Y/N for flags, ISO strings for dates.</summary>
    public JsonObject Item(Row row, IEnumerable<ItemField> fields, bool originalUserFieldNames, bool full)
    {
        var item = new JsonObject();
        foreach (var field in fields)
        {
            item[KeyOf(field, originalUserFieldNames)] = Value(field.Storage, Table.GetValue(row, field.Storage.Name));
        }

        if (full && HasMultifields)
        {
            item["fm"] = Multifields(row);
        }

        if (full)
        {
            item["entityTypeId"] = EntityTypeId;
        }

        return item;
    }

    private JsonArray Multifields(Row row)
    {
        var list = new JsonArray();
        foreach (var field in Table.Catalog.Fields.Where(f => f.IsMultifield))
        {
            if (Table.GetValue(row, field.Name) is not IReadOnlyList<MultifieldValue> values)
            {
                continue;
            }

            foreach (var v in values)
            {
                list.Add((JsonNode)new JsonObject
                {
                    ["id"] = v.Id,
                    ["valueType"] = v.ValueType,
                    ["value"] = v.Value,
                    ["typeId"] = v.TypeId,
                });
            }
        }

        return list;
    }

    public static JsonNode? Value(FieldDef field, object? stored)
    {
        switch (stored)
        {
            case null:
                return field.IsMultiple ? new JsonArray() : null;
            case IReadOnlyList<string> many:
                return new JsonArray(many.Select(v => Scalar(field, v)).ToArray());
            case string text:
                var scalar = Scalar(field, text);
                return field.IsMultiple ? new JsonArray(scalar is null ? [] : [scalar]) : scalar;
            default:
                return Scalar(field, Convert.ToString(stored, CultureInfo.InvariantCulture) ?? string.Empty);
        }
    }

    private static JsonNode? Scalar(FieldDef field, string text)
    {
        var kind = field.Type == "enumeration" ? FieldKind.Integer : field.Kind;
        switch (kind)
        {
            case FieldKind.Integer:
                if (text.Length == 0)
                {
                    return null;
                }

                return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? JsonValue.Create(n) : JsonValue.Create(text);
            case FieldKind.Number:
                if (text.Length == 0)
                {
                    return null;
                }

                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? JsonValue.Create(d) : JsonValue.Create(text);
            case FieldKind.Flag:
                // crm.item prints flags as Y/N; legacy user fields of type boolean store 1/0.
                return JsonValue.Create(text switch
                {
                    "1" => "Y",
                    "0" or "" => "N",
                    _ => text,
                });
            case FieldKind.Date:
            case FieldKind.DateTime:
                return text.Length == 0 ? null : JsonValue.Create(text);
            default:
                return JsonValue.Create(text);
        }
    }

    /// <summary>
    /// A copy of a crm.item filter whose flag values are in stored form: the docs filter boolean
    /// fields with 1/0 (or Y/N), storage holds Y/N.
    /// </summary>
    public JsonObject? NormaliseFilter(JsonObject? filter)
    {
        if (filter is null)
        {
            return null;
        }

        var copy = new JsonObject();
        foreach (var (key, value) in filter)
        {
            var field = Find(FilterParser.SplitOperator(key).Name);
            copy[key] = field switch
            {
                { Storage.Kind: FieldKind.Flag } => FlagValues(value),
                null when value is JsonObject nested => NormaliseFilter(nested),
                _ => value?.DeepClone(),
            };
        }

        return copy;
    }

    private static JsonNode? FlagValues(JsonNode? value)
    {
        if (value is JsonArray or JsonObject)
        {
            return new JsonArray(JsonValues.AsList(value).Select(FlagValues).ToArray());
        }

        if (value is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
        {
            return JsonValue.Create(v.GetValueKind() == JsonValueKind.True ? "Y" : "N");
        }

        return JsonValues.AsString(value) switch
        {
            "1" => JsonValue.Create("Y"),
            "0" => JsonValue.Create("N"),
            _ => value?.DeepClone(),
        };
    }

    private void Add(ItemField field)
    {
        _fields.Add(field);
        _byName[field.Camel] = field;
        if (field.Storage.IsUserField)
        {
            _byName[field.Storage.Name] = field;
        }
    }

    private static ItemField Derive(long entityTypeId, FieldDef legacy)
    {
        var upper = EntityAliases.GetValueOrDefault((entityTypeId, legacy.Name)) ?? LegacyToItem.GetValueOrDefault(legacy.Name, legacy.Name);
        var camel = legacy.IsUserField ? Naming.CrmUserFieldCamel(legacy.Name) : Naming.Camel(upper);
        var definition = legacy.Definition.DeepClone().AsObject();
        if ((string?)definition["type"] == "char")
        {
            definition["type"] = "boolean";
        }

        definition["upperName"] = upper;
        return new ItemField(camel, upper, new FieldDef(legacy.Name, definition), legacy);
    }

    /// <summary>Every CRM type has observers in crm.item; the legacy leads, contacts and companies do not.</summary>
    private static ItemField Observers()
    {
        var definition = new JsonObject
        {
            ["type"] = "user",
            ["isRequired"] = false,
            ["isReadOnly"] = false,
            ["isImmutable"] = false,
            ["isMultiple"] = true,
            ["isDynamic"] = false,
            ["title"] = "Observers",
            ["upperName"] = "OBSERVERS",
        };
        return new ItemField("observers", "OBSERVERS", new FieldDef("OBSERVERS", definition), null);
    }
}
