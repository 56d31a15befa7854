using System.Globalization;

namespace Bitrix.Emulator.Data;

/// <summary>
/// Deterministic, realistic values for seeded rows: the same seed, entity, ID and field always
/// give the same value, so rows need not be stored. Values are in the legacy string form.
/// </summary>
internal sealed class SeedData
{
    /// <summary>The portal's time zone offset (Moscow, as most captured portals).</summary>
    public static readonly TimeSpan PortalOffset = TimeSpan.FromHours(3);

    private static readonly DateTimeOffset Epoch = new(2023, 1, 9, 9, 0, 0, PortalOffset);

    private static readonly string[] FirstNames = ["Anna", "Ivan", "Olga", "Dmitry", "Maria", "Sergey", "Elena", "Pavel", "Natalia", "Alexey", "Irina", "Mikhail", "Svetlana", "Andrey", "Tatiana", "Nikolai", "Yulia", "Artem", "Ekaterina", "Roman"];
    private static readonly string[] LastNames = ["Ivanova", "Petrov", "Smirnova", "Kuznetsov", "Popova", "Sokolov", "Lebedeva", "Kozlov", "Novikova", "Morozov", "Volkova", "Solovyov", "Vasilieva", "Zaitsev", "Pavlova", "Semenov", "Golubeva", "Vinogradov", "Bogdanova", "Fedorov"];
    private static readonly string[] Companies = ["Northwind Trading", "Ural Steelworks", "Volga Logistics", "Baikal Software", "Sibir Foods", "Neva Consulting", "Altai Mining", "Kama Textiles", "Don Agro", "Oka Pharma", "Amur Shipping", "Taiga Timber", "Ladoga Energy", "Vyatka Glass", "Onega Print"];
    private static readonly string[] Products = ["CRM rollout", "Annual licence", "Server upgrade", "Consulting hours", "Training course", "Support contract", "Office furniture", "Marketing campaign", "Website redesign", "Fleet tracking", "Warehouse audit", "Cloud migration"];
    private static readonly string[] Cities = ["Moscow", "Saint Petersburg", "Kazan", "Novosibirsk", "Yekaterinburg", "Samara", "Omsk", "Perm", "Krasnodar", "Voronezh"];
    private static readonly string[] Posts = ["Director", "Sales manager", "Accountant", "Engineer", "Purchasing manager", "CTO", "Office manager", "Lawyer"];
    private static readonly string[] Currencies = ["RUB", "RUB", "RUB", "USD", "EUR"];
    private static readonly string[] Sources = ["CALL", "EMAIL", "WEB", "ADVERTISING", "PARTNER", "RECOMMENDATION", "TRADE_SHOW", "WEBFORM", "CALLBACK", "OTHER"];
    private static readonly string[] DealTypes = ["SALE", "COMPLEX", "GOODS", "SERVICES", "SERVICE"];
    private static readonly string[] DealStages = ["NEW", "PREPARATION", "PREPAYMENT_INVOICE", "EXECUTING", "FINAL_INVOICE", "WON", "LOSE"];
    private static readonly string[] LeadStatuses = ["NEW", "IN_PROCESS", "PROCESSED", "CONVERTED", "JUNK"];
    private static readonly string[] ContactTypes = ["CLIENT", "SUPPLIER", "PARTNER", "OTHER"];
    private static readonly string[] CompanyTypes = ["CUSTOMER", "SUPPLIER", "COMPETITOR", "PARTNER", "OTHER"];
    private static readonly string[] Industries = ["IT", "TELECOM", "MANUFACTURING", "BANKING", "CONSULTING", "FINANCE", "GOVERNMENT", "DELIVERY", "ENTERTAINMENT", "OTHER"];

    private readonly long _seed;
    private readonly Dictionary<string, long[]> _seededIds = new(StringComparer.Ordinal);

    public SeedData(EmulatorOptions options)
    {
        _seed = options.Seed;
        Users = Math.Max(1, options.Users);
        ContactCount = options.Contacts;
        CompanyCount = options.Companies;
        Layout(options, "crm.deal", options.Deals);
        Layout(options, "crm.lead", options.Leads);
        Layout(options, "crm.contact", options.Contacts);
        Layout(options, "crm.company", options.Companies);
        Layout(options, "crm.activity", options.Activities);
        Layout(options, "tasks.task", options.Tasks);
    }

    private void Layout(EmulatorOptions options, string entity, int count)
        => _seededIds[entity] = IdLayouts.Generate(options.IdLayout, count, options.Seed, entity);

    /// <summary>The IDs an entity is seeded with, ascending (users: none, they are numbered 1..N).</summary>
    public IReadOnlyList<long> SeededIds(string entity) => _seededIds.GetValueOrDefault(entity) ?? [];

    /// <summary>The seeded ID of the <paramref name="ordinal"/>-th row (1-based) of an entity.</summary>
    private long SeededId(string entity, long ordinal)
        => _seededIds.TryGetValue(entity, out var ids) && ordinal >= 1 && ordinal <= ids.Length ? ids[ordinal - 1] : ordinal;

    /// <summary>
    /// The position of a row among the entity's rows (1-based): seeded rows by their rank, rows
    /// seeded later (mutation) after the last one. Dates follow it, so they stay in a realistic
    /// range whatever the IDs look like.
    /// </summary>
    private long Ordinal(string entity, long id)
    {
        if (!_seededIds.TryGetValue(entity, out var ids) || ids.Length == 0)
        {
            return id;
        }

        var index = Array.BinarySearch(ids, id);
        if (index >= 0)
        {
            return index + 1;
        }

        var last = ids[^1];
        return id > last ? ids.Length + Math.Min(id - last, 10_000_000) : ~index + 1;
    }

    public int Users { get; }

    public int ContactCount { get; }

    public int CompanyCount { get; }

    /// <summary>Stable 64-bit mix of the inputs (SplitMix64 finaliser).</summary>
    public ulong Hash(string entity, long id, string field)
    {
        var h = (ulong)_seed * 0x9E3779B97F4A7C15UL;
        h ^= Fnv(entity) + 0x632BE59BD9B4E019UL;
        h = Mix(h + (ulong)id * 0xBF58476D1CE4E5B9UL);
        h ^= Fnv(field);
        return Mix(h);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong Fnv(string s)
    {
        var h = 14695981039346656037UL;
        foreach (var c in s)
        {
            h = (h ^ c) * 1099511628211UL;
        }

        return h;
    }

    private T Pick<T>(string entity, long id, string field, T[] items) => items[(int)(Hash(entity, id, field) % (ulong)items.Length)];

    private long Range(string entity, long id, string field, long min, long max) => min + (long)(Hash(entity, id, field) % (ulong)(max - min + 1));

    public static string FormatDateTime(DateTimeOffset value) => value.ToOffset(PortalOffset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    /// <summary>
    /// Reads a date or date-time as the portal does: one written without an offset is in the
    /// portal's time zone (the docs: API dates are kept in the server's time zone), not UTC.
    /// </summary>
    public static bool TryParseInstant(string text, out DateTimeOffset value)
    {
        if (DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var clock) && clock.Kind == DateTimeKind.Unspecified)
        {
            var representable = clock >= DateTime.MinValue + PortalOffset;
            value = representable ? new DateTimeOffset(clock, PortalOffset) : default;
            return representable;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
    }

    /// <summary>
    /// A date-only value as the portal prints it: midnight UTC of the day, shown in the portal's zone
    /// (<c>2024-05-01T03:00:00+03:00</c> on a portal three hours east of UTC).
    /// </summary>
    public static string FormatDate(DateOnly value) => FormatDateTime(new DateTimeOffset(value.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));

    /// <summary>The calendar day of a stored date-only value, or of a date written to one, in the portal's zone.</summary>
    public static DateOnly PortalDay(DateTimeOffset value)
    {
        // At the very ends of the calendar the portal's clock cannot be shown: the day as written.
        var local = value.UtcTicks + PortalOffset.Ticks;
        return local >= DateTime.MinValue.Ticks && local <= DateTime.MaxValue.Ticks
            ? DateOnly.FromDateTime(new DateTime(local))
            : DateOnly.FromDateTime(value.DateTime);
    }

    private DateTimeOffset Created(string entity, long id) => Epoch.AddMinutes(Ordinal(entity, id) * 7 + Range(entity, id, "created", 0, 6));

    private static string S(long v) => v.ToString(CultureInfo.InvariantCulture);

    public string UserId(string entity, long id, string field) => S(Range(entity, id, field, 1, Users));

    /// <summary>The value of a field of a seeded CRM row (deal, lead, contact, company).</summary>
    public object? CrmValue(string entity, long id, string field)
    {
        var created = Created(entity, id);
        switch (field)
        {
            case "ID":
                return S(id);
            case "TITLE" when entity == "crm.deal":
                return $"{Pick(entity, id, "product", Products)} — {Pick(entity, id, "company", Companies)}";
            case "TITLE" when entity == "crm.lead":
                return $"Request from {Pick(entity, id, "company", Companies)}";
            case "TITLE":
                return $"{Pick(entity, id, "company", Companies)} {S(id)}";
            case "NAME":
                return Pick(entity, id, field, FirstNames);
            case "LAST_NAME":
                return Pick(entity, id, field, LastNames);
            case "SECOND_NAME":
            case "HONORIFIC":
            case "PHOTO":
            case "LOGO":
            case "QUOTE_ID":
            case "LEAD_ID" when entity != "crm.lead":
            case "ADDITIONAL_INFO":
            case "LOCATION_ID":
            case "ORIGINATOR_ID":
            case "ORIGIN_ID":
            case "ORIGIN_VERSION":
            case "SOURCE_DESCRIPTION":
            case "STATUS_DESCRIPTION":
            case "BANKING_DETAILS":
                return null;
            case "COMPANY_TITLE":
                return Pick(entity, id, "company", Companies);
            case "POST":
                return Pick(entity, id, field, Posts);
            case "ADDRESS_CITY":
            case "REG_ADDRESS_CITY":
                return Pick(entity, id, "city", Cities);
            case "ADDRESS":
                return $"{Range(entity, id, field, 1, 120)} Lenina st.";
            case "ADDRESS_COUNTRY":
                return "Russia";
            case "COMMENTS":
                return Hash(entity, id, field) % 3 == 0 ? $"Called on {created.AddDays(1):yyyy-MM-dd}, waiting for an answer." : null;
            case "TYPE_ID" when entity == "crm.deal":
                return Pick(entity, id, field, DealTypes);
            case "TYPE_ID" when entity == "crm.contact":
                return Pick(entity, id, field, ContactTypes);
            case "COMPANY_TYPE":
                return Pick(entity, id, field, CompanyTypes);
            case "INDUSTRY":
                return Pick(entity, id, field, Industries);
            case "EMPLOYEES":
                return Pick(entity, id, field, new[] { "EMPLOYEES_1", "EMPLOYEES_2", "EMPLOYEES_3", "EMPLOYEES_4" });
            case "CATEGORY_ID":
                return Hash(entity, id, field) % 5 == 0 ? "1" : "0";
            case "STAGE_ID":
                var stage = Pick(entity, id, field, DealStages);
                return CrmValue(entity, id, "CATEGORY_ID") as string == "1" ? "C1:" + stage : stage;
            case "STAGE_SEMANTIC_ID":
                var st = (string)CrmValue(entity, id, "STAGE_ID")!;
                return st.EndsWith("WON", StringComparison.Ordinal) ? "S" : st.EndsWith("LOSE", StringComparison.Ordinal) ? "F" : "P";
            case "STATUS_ID":
                return Pick(entity, id, field, LeadStatuses);
            case "STATUS_SEMANTIC_ID":
                var ls = (string)CrmValue(entity, id, "STATUS_ID")!;
                return ls == "CONVERTED" ? "S" : ls == "JUNK" ? "F" : "P";
            case "IS_NEW":
                return ((string)CrmValue(entity, id, "STAGE_ID")!).EndsWith("NEW", StringComparison.Ordinal) ? "Y" : "N";
            case "CLOSED":
                return CrmValue(entity, id, "STAGE_SEMANTIC_ID") as string == "P" ? "N" : "Y";
            case "OPENED":
            case "EXPORT":
                return "Y";
            case "HAS_PHONE":
            case "HAS_EMAIL":
                return "Y";
            case "IS_RETURN_CUSTOMER":
                return Hash(entity, id, field) % 4 == 0 ? "Y" : "N";
            case "PROBABILITY":
                return Hash(entity, id, field) % 2 == 0 ? S(Range(entity, id, "p", 1, 9) * 10) : null;
            case "CURRENCY_ID":
                return Pick(entity, id, field, Currencies);
            case "OPPORTUNITY":
            case "REVENUE":
                return (Range(entity, id, field, 1_000, 5_000_000) / 100m).ToString("0.00", CultureInfo.InvariantCulture);
            case "TAX_VALUE":
                return "0.00";
            case "COMPANY_ID":
                return CompanyCount == 0 || Hash(entity, id, field) % 4 == 0 ? "0" : S(SeededId("crm.company", Range(entity, id, field, 1, CompanyCount)));
            case "CONTACT_ID":
                return ContactCount == 0 || Hash(entity, id, field) % 5 == 0 ? "0" : S(SeededId("crm.contact", Range(entity, id, field, 1, ContactCount)));
            case "CONTACT_IDS":
                return CrmValue(entity, id, "CONTACT_ID") is "0" or null ? Array.Empty<string>() : new[] { (string)CrmValue(entity, id, "CONTACT_ID")! };
            case "COMPANY_IDS":
                return CrmValue(entity, id, "COMPANY_ID") is "0" or null ? Array.Empty<string>() : new[] { (string)CrmValue(entity, id, "COMPANY_ID")! };
            case "BEGINDATE":
                return FormatDate(DateOnly.FromDateTime(created.Date));
            case "CLOSEDATE":
                return FormatDate(DateOnly.FromDateTime(created.Date.AddDays(Range(entity, id, field, 7, 60))));
            case "BIRTHDATE":
                return Hash(entity, id, field) % 3 == 0 ? FormatDate(new DateOnly(1960, 1, 1).AddDays((int)Range(entity, id, field, 0, 15000))) : string.Empty;
            case "DATE_CREATE":
                return FormatDateTime(created);
            case "DATE_MODIFY":
            case "MOVED_TIME":
            case "LAST_ACTIVITY_TIME":
                return FormatDateTime(created.AddHours(Range(entity, id, "modified", 0, 72)));
            case "DATE_CLOSED":
                return CrmValue(entity, id, "STATUS_SEMANTIC_ID") as string == "P" ? string.Empty : FormatDateTime(created.AddDays(3));
            case "ASSIGNED_BY_ID":
            case "CREATED_BY_ID":
            case "MODIFY_BY_ID":
            case "MOVED_BY_ID":
            case "LAST_ACTIVITY_BY":
                return UserId(entity, id, "ASSIGNED_BY_ID");
            case "SOURCE_ID":
                return Pick(entity, id, field, Sources);
            case "PHONE":
                return new[] { new MultifieldValue(id * 4 + 1, "WORK", $"+7 9{Range(entity, id, field, 10, 99)} {Range(entity, id, "p2", 100, 999)}-{Range(entity, id, "p3", 10, 99)}-{Range(entity, id, "p4", 10, 99)}", "PHONE") };
            case "EMAIL":
                return new[] { new MultifieldValue(id * 4 + 2, "WORK", $"{Pick(entity, id, "NAME", FirstNames).ToLowerInvariant()}.{S(id)}@example.ru", "EMAIL") };
            case "WEB":
            case "IM":
            case "LINK":
                return Array.Empty<MultifieldValue>();
            case "IS_RECURRING":
            case "IS_REPEATED_APPROACH":
            case "IS_MANUAL_OPPORTUNITY":
            case "HAS_IMOL":
            case "IS_MY_COMPANY":
                return "N";
            default:
                return null;
        }
    }

    /// <summary>A seeded activity (a call or an e-mail bound to a deal).</summary>
    public object? ActivityValue(long id, string field, int dealCount)
    {
        const string e = "crm.activity";
        var created = Created(e, id);
        return field switch
        {
            "ID" => S(id),
            "OWNER_ID" => S(dealCount == 0 ? 0 : SeededId("crm.deal", Range(e, id, field, 1, dealCount))),
            "OWNER_TYPE_ID" => "2",
            "TYPE_ID" => Hash(e, id, field) % 2 == 0 ? "2" : "4",
            "PROVIDER_ID" => Hash(e, id, "TYPE_ID") % 2 == 0 ? "VOXIMPLANT_CALL" : "CRM_EMAIL",
            "PROVIDER_TYPE_ID" => Hash(e, id, "TYPE_ID") % 2 == 0 ? "CALL" : "EMAIL",
            "SUBJECT" => Hash(e, id, "TYPE_ID") % 2 == 0 ? $"Call with {Pick(e, id, "name", FirstNames)}" : $"Offer for {Pick(e, id, "company", Companies)}",
            "START_TIME" or "CREATED" or "LAST_UPDATED" => FormatDateTime(created),
            "END_TIME" or "DEADLINE" => FormatDateTime(created.AddMinutes(30)),
            "COMPLETED" => Hash(e, id, field) % 3 == 0 ? "N" : "Y",
            "STATUS" => Hash(e, id, "COMPLETED") % 3 == 0 ? "1" : "2",
            "RESPONSIBLE_ID" or "AUTHOR_ID" or "EDITOR_ID" => UserId(e, id, "RESPONSIBLE_ID"),
            "PRIORITY" => "2",
            "NOTIFY_TYPE" => "1",
            "NOTIFY_VALUE" => "15",
            "DESCRIPTION" => string.Empty,
            "DESCRIPTION_TYPE" => "1",
            "DIRECTION" => Hash(e, id, field) % 2 == 0 ? "1" : "2",
            "LOCATION" => string.Empty,
            "ASSOCIATED_ENTITY_ID" => "0",
            "IS_INCOMING_CHANNEL" => "N",
            _ => null,
        };
    }

    /// <summary>A seeded task.</summary>
    public object? TaskValue(long id, string field)
    {
        const string e = "tasks.task";
        var created = Created(e, id);
        return field switch
        {
            "ID" => S(id),
            "PARENT_ID" => "0",
            "TITLE" => $"{Pick(e, id, "verb", new[] { "Prepare", "Review", "Send", "Call about", "Update", "Check" })} {Pick(e, id, "product", Products).ToLowerInvariant()}",
            "DESCRIPTION" => string.Empty,
            "MARK" => null,
            "PRIORITY" => S(Range(e, id, field, 0, 2)),
            "STATUS" => Pick(e, id, field, new[] { "2", "2", "3", "5" }),
            "MULTITASK" or "NOT_VIEWED" or "REPLICATE" or "SUBORDINATE" or "FAVORITE" or "IS_MUTED" or "IS_PINNED" or "IS_PINNED_IN_GROUP" => "N",
            "GROUP_ID" or "STAGE_ID" or "SPRINT_ID" or "BACKLOG_ID" or "FORKED_BY_TEMPLATE_ID" or "FLOW_ID" => "0",
            "CREATED_BY" or "CHANGED_BY" or "STATUS_CHANGED_BY" => UserId(e, id, "CREATED_BY"),
            "RESPONSIBLE_ID" => UserId(e, id, field),
            "CREATED_DATE" or "CHANGED_DATE" or "STATUS_CHANGED_DATE" or "ACTIVITY_DATE" => FormatDateTime(created),
            "DEADLINE" => FormatDateTime(created.AddDays(Range(e, id, field, 1, 30))),
            "ACCOMPLICES" or "AUDITORS" => Array.Empty<string>(),
            "ALLOW_CHANGE_DEADLINE" or "ALLOW_TIME_TRACKING" or "TASK_CONTROL" or "ADD_IN_REPORT" => "N",
            "TIME_ESTIMATE" or "TIME_SPENT_IN_LOGS" or "COMMENTS_COUNT" or "SERVICE_COMMENTS_COUNT" or "NEW_COMMENTS_COUNT" or "DURATION_FACT" => "0",
            "MATCH_WORK_TIME" => "0",
            "SITE_ID" => "s1",
            "GUID" => $"{{{new Guid((int)(Hash(e, id, "g1") & 0x7FFFFFFF), 0x1234, 0x5678, 1, 2, 3, 4, 5, 6, 7, (byte)(id & 0xFF))}}}".ToUpperInvariant(),
            "SORTING" => null,
            "DURATION_TYPE" => "days",
            _ => null,
        };
    }

    public object? UserValue(long id, string field) => field switch
    {
        "ID" => S(id),
        "ACTIVE" => "Y",
        "NAME" => Pick("user", id, field, FirstNames),
        "LAST_NAME" => Pick("user", id, field, LastNames),
        "SECOND_NAME" => string.Empty,
        "EMAIL" => $"user{S(id)}@example.ru",
        "WORK_POSITION" => Pick("user", id, field, Posts),
        "PERSONAL_CITY" => Pick("user", id, field, Cities),
        "UF_DEPARTMENT" => new[] { S(1 + (id % 5)) },
        "USER_TYPE" => "employee",
        "DATE_REGISTER" => FormatDateTime(Epoch.AddDays(-400 + id)),
        "LAST_LOGIN" => FormatDateTime(Epoch.AddDays(300 + id)),
        "IS_ONLINE" => "N",
        "TIME_ZONE" => string.Empty,
        "XML_ID" => S(1000 + id),
        _ => null,
    };
}
