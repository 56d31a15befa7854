using System.Globalization;
using System.Text.Json.Nodes;

namespace Bitrix.Emulator.Data;

/// <summary>
/// All entities of one emulated portal. Not thread-safe: <see cref="Portal"/> serialises access.
/// </summary>
internal sealed class PortalData
{
    public PortalData(EmulatorOptions options)
    {
        Seed = new SeedData(options);
        Deals = CrmTable("crm.deal", "crm.deal.fields");
        Leads = CrmTable("crm.lead", "crm.lead.fields");
        Contacts = CrmTable("crm.contact", "crm.contact.fields");
        Companies = CrmTable("crm.company", "crm.company.fields");
        var dealCount = options.Deals;
        Activities = new EntityTable("crm.activity", EntityCatalog.Load("crm.activity.fields"), (id, f) => Seed.ActivityValue(id, f, dealCount));
        Activities.Seed(Seed.SeededIds("crm.activity"));
        Tasks = new EntityTable("tasks.task", EntityCatalog.Load("tasks.task.getFields"), Seed.TaskValue);
        Tasks.Seed(Seed.SeededIds("tasks.task"));
        Users = new EntityTable("user", UserCatalog(), Seed.UserValue);
        Users.SeedNext(Seed.Users);
    }

    public SeedData Seed { get; }

    public EntityTable Deals { get; }

    public EntityTable Leads { get; }

    public EntityTable Contacts { get; }

    public EntityTable Companies { get; }

    public EntityTable Activities { get; }

    public EntityTable Tasks { get; }

    public EntityTable Users { get; }

    /// <summary>Declared user fields per CRM entity (<c>crm.deal</c> ...), in declaration order.</summary>
    public Dictionary<string, List<UserFieldDef>> UserFields { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Deal–contact links changed through <c>crm.deal.contact.*</c>; other deals use their seeded contact.</summary>
    public Dictionary<long, List<JsonObject>> DealContacts { get; } = [];

    /// <summary>Comments of tasks (<c>task.commentitem.*</c>), by task ID.</summary>
    public Dictionary<long, List<JsonObject>> TaskComments { get; } = [];

    public long NextTaskCommentId { get; set; } = 1;

    public long NextUserFieldId { get; set; } = 100;

    public long NextMultifieldId { get; set; } = 50_000_000;

    /// <summary>The tables that have an ID list for <c>/_emulator/ids</c>, by entity name.</summary>
    public IEnumerable<EntityTable> AllTables => [Deals, Leads, Contacts, Companies, Activities, Tasks, Users];

    public EntityTable? FindTable(string entity) => entity.ToLowerInvariant() switch
    {
        "crm.deal" or "deal" => Deals,
        "crm.lead" or "lead" => Leads,
        "crm.contact" or "contact" => Contacts,
        "crm.company" or "company" => Companies,
        "crm.activity" or "activity" => Activities,
        "tasks.task" or "task" => Tasks,
        "user" => Users,
        _ => null,
    };

    /// <summary>The legacy CRM table behind a <c>crm.item</c> entityTypeId (1 lead, 2 deal, 3 contact, 4 company).</summary>
    public EntityTable? TableForEntityType(long entityTypeId) => entityTypeId switch
    {
        1 => Leads,
        2 => Deals,
        3 => Contacts,
        4 => Companies,
        _ => null,
    };

    public static long EntityTypeIdOf(EntityTable table) => table.Name switch
    {
        "crm.lead" => 1,
        "crm.deal" => 2,
        "crm.contact" => 3,
        "crm.company" => 4,
        _ => 0,
    };

    private EntityTable CrmTable(string name, string catalog)
    {
        var table = new EntityTable(name, EntityCatalog.Load(catalog), (id, field) => Seed.CrmValue(name, id, field));
        table.Seed(Seed.SeededIds(name));
        return table;
    }

    private static EntityCatalog UserCatalog()
    {
        static FieldDef F(string name, string type, string title, bool multiple = false) => new(name, new JsonObject
        {
            ["type"] = type,
            ["isRequired"] = false,
            ["isReadOnly"] = name == "ID",
            ["isImmutable"] = false,
            ["isMultiple"] = multiple,
            ["isDynamic"] = false,
            ["title"] = title,
        });

        return new EntityCatalog("user",
        [
            F("ID", "integer", "ID"),
            F("XML_ID", "string", "External ID"),
            F("ACTIVE", "char", "Active"),
            F("NAME", "string", "First name"),
            F("LAST_NAME", "string", "Last name"),
            F("SECOND_NAME", "string", "Second name"),
            F("EMAIL", "string", "E-mail"),
            F("LAST_LOGIN", "datetime", "Last login"),
            F("DATE_REGISTER", "datetime", "Registered"),
            F("IS_ONLINE", "char", "Online"),
            F("TIME_ZONE", "string", "Time zone"),
            F("PERSONAL_CITY", "string", "City"),
            F("WORK_POSITION", "string", "Position"),
            F("UF_DEPARTMENT", "integer", "Departments", multiple: true),
            F("USER_TYPE", "string", "User type"),
        ]);
    }

    /// <summary>Departments of the seeded company structure.</summary>
    public static IReadOnlyList<JsonObject> Departments() =>
    [
        Department(1, "Northwind HQ", 500, null, 1),
        Department(2, "Sales", 500, 1, 2),
        Department(3, "Marketing", 500, 1, 3),
        Department(4, "Support", 500, 1, 4),
        Department(5, "Development", 500, 1, 5),
    ];

    private static JsonObject Department(long id, string name, int sort, long? parent, long head)
    {
        var d = new JsonObject
        {
            ["ID"] = id.ToString(CultureInfo.InvariantCulture),
            ["NAME"] = name,
            ["SORT"] = sort,
        };
        if (parent is { } p)
        {
            d["PARENT"] = p.ToString(CultureInfo.InvariantCulture);
        }

        d["UF_HEAD"] = head.ToString(CultureInfo.InvariantCulture);
        return d;
    }
}

/// <summary>A user field declared on a CRM entity (<c>UF_CRM_*</c>).</summary>
internal sealed record UserFieldDef(long Id, string Entity, string FieldName, string UserTypeId, bool Multiple, bool Mandatory, string Label, IReadOnlyList<UserFieldItem> Items);

/// <summary>One item of an enumeration user field.</summary>
internal sealed record UserFieldItem(long Id, string Value, int Sort, bool IsDefault);
