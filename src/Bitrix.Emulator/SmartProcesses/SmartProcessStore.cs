using System.Globalization;
using System.Text.Json.Nodes;
using Bitrix.Emulator.Data;
using Bitrix.Emulator.Methods;

namespace Bitrix.Emulator.SmartProcesses;

/// <summary>
/// The smart processes (user-defined CRM types) of one emulated portal: their settings, funnels
/// (categories) with stages, and a table of items per type. Not thread-safe: the portal serialises access.
/// </summary>
internal sealed class SmartProcessStore
{
    /// <summary>Stages a new funnel starts with, as a portal creates them (codes after the <c>DT{type}_{category}:</c> prefix).</summary>
    private static readonly (string Code, string Name, string Semantics, string Color)[] DefaultStages =
    [
        ("NEW", "Start", "P", "#22B9FF"),
        ("PREPARATION", "Preparation", "P", "#FFA900"),
        ("CLIENT", "Client approval", "P", "#39A8EF"),
        ("SUCCESS", "Success", "S", "#7BD500"),
        ("FAIL", "Failure", "F", "#FF5752"),
    ];

    /// <summary>Fields of the documented crm.item.fields catalog that belong to every type, not to its relations.</summary>
    private static readonly string[] Excluded = ["contacts", "parentId1", "parentId2", "parentId1248"];

    private readonly List<SmartProcessType> _types = [];
    private long _nextTypeId = 1;
    private long _nextCategoryId = 10;
    private long _nextEntityTypeId = 1030;

    public IReadOnlyList<SmartProcessType> Types => _types;

    public SmartProcessType? Find(long entityTypeId) => _types.FirstOrDefault(t => t.EntityTypeId == entityTypeId);

    public SmartProcessType? FindById(long id) => _types.FirstOrDefault(t => t.Id == id);

    /// <summary>Creates a type with one default funnel and its stages; <paramref name="entityTypeId"/> must be free and in a documented range.</summary>
    public SmartProcessType Add(string title, long? entityTypeId, string code, IReadOnlyDictionary<string, bool> flags, long createdBy, DateTimeOffset now)
    {
        long typeId;
        if (entityTypeId is { } requested)
        {
            if (!IsValidEntityTypeId(requested))
            {
                throw new ArgumentException("entityTypeId must be an even number of at least 1030, or from 128 to 192", nameof(entityTypeId));
            }

            if (Find(requested) is not null)
            {
                throw new ArgumentException($"a type with entityTypeId {requested} exists", nameof(entityTypeId));
            }

            typeId = requested;
        }
        else
        {
            while (Find(_nextEntityTypeId) is not null)
            {
                _nextEntityTypeId += 2;
            }

            typeId = _nextEntityTypeId;
            _nextEntityTypeId += 2;
        }

        var id = _nextTypeId++;
        var table = new EntityTable("crm.item." + typeId.ToString(CultureInfo.InvariantCulture), Catalog(typeId), (_, _) => null);
        var type = new SmartProcessType(id, typeId, title, code, new Dictionary<string, bool>(flags, StringComparer.Ordinal), createdBy, now, table);
        type.Categories.Add(NewCategory(type, "General", isDefault: true));
        _types.Add(type);
        return type;
    }

    /// <summary>A funnel with the default stages, ID taken from the portal-wide category sequence.</summary>
    public SmartProcessCategory NewCategory(SmartProcessType type, string name, bool isDefault)
    {
        var id = _nextCategoryId++;
        var prefix = string.Create(CultureInfo.InvariantCulture, $"DT{type.EntityTypeId}_{id}:");
        var stages = DefaultStages.Select((s, i) => new SmartProcessStage(prefix + s.Code, s.Name, (i + 1) * 10, s.Semantics, s.Color)).ToList();
        return new SmartProcessCategory(id, name, (type.Categories.Count + 1) * 100, isDefault, stages);
    }

    /// <summary>The documented ranges: an even number from 1030, or 128–192.</summary>
    public static bool IsValidEntityTypeId(long value) => (value >= 1030 && value % 2 == 0) || (value >= 128 && value <= 192);

    /// <summary>
    /// The storage catalog of a type's items: the documented crm.item fields under the legacy storage
    /// names the shared write path fills in (DATE_CREATE for createdTime, ...), with their definitions as served.
    /// </summary>
    private static EntityCatalog Catalog(long entityTypeId)
    {
        var documented = EntityCatalog.LoadResource("crm.item.fields")["fields"]!.AsObject();
        var fields = new List<FieldDef>();
        foreach (var (camel, node) in documented)
        {
            if (Excluded.Contains(camel))
            {
                continue;
            }

            var definition = node!.AsObject().DeepClone().AsObject();
            var upper = (string?)definition["upperName"] ?? Naming.UpperSnake(camel);
            if (camel == "stageId" || camel == "previousStageId")
            {
                definition["statusType"] = string.Create(CultureInfo.InvariantCulture, $"DYNAMIC_{entityTypeId}_STAGE");
            }

            fields.Add(new FieldDef(ItemView.StorageName(upper), definition));
        }

        return new EntityCatalog("crm.item." + entityTypeId.ToString(CultureInfo.InvariantCulture), fields);
    }
}

/// <summary>One smart process: its <c>crm.type</c> settings, funnels and items.</summary>
internal sealed class SmartProcessType(long id, long entityTypeId, string title, string code, Dictionary<string, bool> flags, long createdBy, DateTimeOffset createdTime, EntityTable table)
{
    /// <summary>The settings flags crm.type answers with, in the documented order.</summary>
    public static readonly string[] FlagNames =
    [
        "isCategoriesEnabled", "isStagesEnabled", "isBeginCloseDatesEnabled", "isClientEnabled", "isUseInUserfieldEnabled",
        "isLinkWithProductsEnabled", "isMycompanyEnabled", "isDocumentsEnabled", "isSourceEnabled", "isObserversEnabled",
        "isRecyclebinEnabled", "isAutomationEnabled", "isBizProcEnabled", "isSetOpenPermissions", "isPaymentsEnabled", "isCountersEnabled",
    ];

    public long Id { get; } = id;

    public long EntityTypeId { get; } = entityTypeId;

    public string Title { get; set; } = title;

    public string Code { get; } = code;

    public Dictionary<string, bool> Flags { get; } = flags;

    public long CreatedBy { get; } = createdBy;

    public DateTimeOffset CreatedTime { get; } = createdTime;

    public DateTimeOffset UpdatedTime { get; set; } = createdTime;

    public EntityTable Table { get; } = table;

    public List<SmartProcessCategory> Categories { get; } = [];

    /// <summary>User fields of a type are named <c>UF_CRM_{id}_...</c> after its crm.type <c>id</c>.</summary>
    public string UserFieldPrefix => string.Create(CultureInfo.InvariantCulture, $"UF_CRM_{Id}_");

    public SmartProcessCategory DefaultCategory => Categories.First(c => c.IsDefault);

    /// <summary>The <c>type</c> object of crm.type.* answers.</summary>
    public JsonObject ToJson(bool withRelations)
    {
        var json = new JsonObject
        {
            ["id"] = Id,
            ["title"] = Title,
            ["code"] = Code,
            ["createdBy"] = CreatedBy,
            ["entityTypeId"] = EntityTypeId,
            ["customSectionId"] = null,
        };
        foreach (var flag in FlagNames)
        {
            json[flag] = Flags.GetValueOrDefault(flag, flag == "isSetOpenPermissions") ? "Y" : "N";
        }

        json["createdTime"] = SeedData.FormatDateTime(CreatedTime);
        json["updatedTime"] = SeedData.FormatDateTime(UpdatedTime);
        json["updatedBy"] = CreatedBy;
        if (withRelations)
        {
            json["relations"] = new JsonObject { ["parent"] = new JsonArray(), ["child"] = new JsonArray() };
            json["linkedUserFields"] = new JsonObject();
            json["customSections"] = new JsonArray();
        }

        return json;
    }
}

/// <summary>A funnel of a smart process.</summary>
internal sealed record SmartProcessCategory(long Id, string Name, int Sort, bool IsDefault, List<SmartProcessStage> Stages)
{
    /// <summary>The crm.status ENTITY_ID of its stages: <c>DYNAMIC_{entityTypeId}_STAGE_{categoryId}</c>.</summary>
    public string StatusEntityId(long entityTypeId) => string.Create(CultureInfo.InvariantCulture, $"DYNAMIC_{entityTypeId}_STAGE_{Id}");
}

/// <summary>A stage of a funnel: <c>DT1036_12:NEW</c>, its name, sort and semantics (P process, S success, F failure).</summary>
internal sealed record SmartProcessStage(string StatusId, string Name, int Sort, string Semantics, string Color);
