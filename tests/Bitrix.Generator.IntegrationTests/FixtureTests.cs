using System.Globalization;
using System.Reflection;
using System.Text.Json;

namespace Bitrix.Generator.IntegrationTests;

/// <summary>
/// What real portals sent (tests/fixtures/real-responses) reads into the generated records without
/// loss: every member is either a typed property holding the same value, or kept as sent in AdditionalData.
/// </summary>
public class FixtureTests
{
    private static readonly string Fixtures = Path.Combine(
        typeof(FixtureTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "TestFixtures").Value!,
        "real-responses");

    [Fact]
    public void A_full_legacy_lead_reads_typed()
    {
        var row = Response("call_single_success.json").GetProperty("result").GetProperty("result").GetProperty("order0");

        var lead = Lead.FromJson(row);

        Assert.Equal(35943, lead.Id);
        Assert.Equal(3607999.00m, lead.Opportunity);
        Assert.Equal("3607999.00", lead.Opportunity!.Value.ToString(CultureInfo.InvariantCulture));
        Assert.False(lead.IsReturnCustomer);
        Assert.False(lead.Opened);
        Assert.Null(lead.Birthdate);
        Assert.Null(lead.DateClosed);
        Assert.Null(lead.Name);
        Assert.Equal(19, lead.AssignedById);
        Assert.Equal(new DateTimeOffset(2022, 5, 21, 12, 0, 12, TimeSpan.FromHours(3)), lead.DateCreate);
        Assert.Equal(TimeSpan.FromHours(3), lead.DateCreate!.Value.Offset);
        Assert.Equal("3", lead.StatusId);
        Assert.Null(lead.AdditionalData);
        Assert.StartsWith("Lead { Id = 35943, Title = 7-я Кожуховская", lead.ToString(), StringComparison.Ordinal);
        Assert.Contains("Opportunity = 3607999.00, IsManualOpportunity = False", lead.ToString(), StringComparison.Ordinal);
        Assert.Contains("DateCreate = 2022-05-21T12:00:12+03:00", lead.ToString(), StringComparison.Ordinal);
        AssertLossless(row, lead);
    }

    [Fact]
    public void Every_lead_of_a_paged_read_reads_without_loss()
    {
        var pages = Response("crm_lead_list_several_pages_success.json");
        var rows = new List<JsonElement>();
        foreach (var envelope in pages.EnumerateArray())
        {
            var result = envelope.GetProperty("result");
            if (result.ValueKind == JsonValueKind.Array)
            {
                rows.AddRange(result.EnumerateArray());
                continue;
            }

            foreach (var command in result.GetProperty("result").EnumerateObject())
            {
                rows.AddRange(command.Value.EnumerateArray());
            }
        }

        var leads = rows.Select(Lead.FromJson).ToList();

        Assert.Equal(7531, leads.Count);
        Assert.All(leads, l => Assert.NotNull(l.Id));
        for (var i = 0; i < rows.Count; i++)
        {
            AssertLossless(rows[i], leads[i]);
        }
    }

    [Fact]
    public void Tasks_rows_in_camelCase_read_into_upper_case_catalog_fields()
    {
        var pages = Response("get_all_tasks.json");
        var rows = new List<JsonElement>();
        foreach (var envelope in pages.EnumerateArray())
        {
            var result = envelope.GetProperty("result");
            if (result.TryGetProperty("tasks", out var tasks))
            {
                rows.AddRange(tasks.EnumerateArray());
                continue;
            }

            foreach (var command in result.GetProperty("result").EnumerateObject())
            {
                rows.AddRange(command.Value.GetProperty("tasks").EnumerateArray());
            }
        }

        var items = rows.Select(TaskItem.FromJson).ToList();
        var single = Response("single_add.json").GetProperty("result").GetProperty("task");
        var task = TaskItem.FromJson(single);

        Assert.Equal(1570, items.Count);
        Assert.All(items, t => Assert.NotNull(t.Id));
        Assert.Equal(TaskItem.StatusValues.Pending, items[0].Status);
        for (var i = 0; i < rows.Count; i++)
        {
            AssertLossless(rows[i], items[i]);
        }

        Assert.Equal(456, task.Id);
        Assert.Equal("Алм", task.Title);
        Assert.Equal(TaskItem.PriorityValues.Medium, task.Priority);
        Assert.False(task.Multitask);
        Assert.Equal(new DateTimeOffset(2022, 5, 9, 1, 0, 0, TimeSpan.FromHours(4)), task.Deadline);
        Assert.Empty(task.Auditors!);
        Assert.Null(task.UfCrmTask);
        Assert.Equal("days", task.DurationType);
        Assert.True(task.AdditionalData!.ContainsKey("responsibleName"));
        AssertLossless(single, task);
    }

    [Fact]
    public void Crm_items_categories_statuses_and_contact_links_read_without_loss()
    {
        var items = Response("crm_item_list.json").GetProperty("result").GetProperty("items");
        var added = Response("crm_item_add.json").GetProperty("result").GetProperty("result").GetProperty("order0000000000").GetProperty("item");
        var categories = Response("crm_category_list.json").GetProperty("result").GetProperty("categories");
        var statuses = Response("call_batch.json").GetProperty("result").GetProperty("result").GetProperty("statuses");
        var links = Response("crm_company_contact_items_get.json").GetProperty("result").GetProperty("result").GetProperty("205364");

        var item = CrmItem.FromJson(items[0]);
        var created = CrmItem.FromJson(added);
        var category = CrmCategory.FromJson(categories[1]);
        var link = DealContactItem.FromJson(links[0]);

        Assert.Equal(1, item.Id);
        Assert.Equal("2024-04-19T03:00:00+03:00", item.AdditionalData!["ufCrm11_1712074666"].GetString());
        Assert.Equal(247, created.Id);
        Assert.Equal(new DateTimeOffset(2024, 5, 21, 15, 14, 26, TimeSpan.FromHours(3)), created.CreatedTime);
        Assert.Equal(1, category.Id);
        Assert.False(category.IsDefault);
        Assert.Equal(350354, link.ContactId);
        Assert.True(link.IsPrimary);
        Assert.Equal(0, link.RoleId);
        foreach (var row in items.EnumerateArray())
        {
            AssertLossless(row, CrmItem.FromJson(row));
        }

        AssertLossless(added, created);
        foreach (var row in categories.EnumerateArray())
        {
            AssertLossless(row, CrmCategory.FromJson(row));
        }

        foreach (var row in statuses.EnumerateArray())
        {
            AssertLossless(row, CrmStatus.FromJson(row));
        }

        foreach (var row in links.EnumerateArray())
        {
            AssertLossless(row, DealContactItem.FromJson(row));
        }
    }

    [Fact]
    public void A_portals_field_catalog_reads_in_both_dialects()
    {
        var typed = BitrixFieldInfo.ParseCatalog(Response("crm_lead_fields_success.json").GetProperty("result"));
        var titles = BitrixFieldInfo.ParseCatalog(Response("user_fields.json").GetProperty("result"));

        Assert.Equal("money", typed["UF_CRM_1594289659496"].Type);
        Assert.True(typed["ID"].IsReadOnly);
        Assert.True(typed["PHONE"].IsMultiple);
        Assert.Equal("Имя", titles["NAME"].Title);
    }

    [Fact]
    public void Rows_round_trip_through_ToJson_and_System_Text_Json()
    {
        var lead = Lead.FromJson(Response("call_single_success.json").GetProperty("result").GetProperty("result").GetProperty("order0"));
        var task = TaskItem.FromJson(Response("single_add.json").GetProperty("result").GetProperty("task"));
        var item = CrmItem.FromJson(Response("crm_item_list.json").GetProperty("result").GetProperty("items")[0]);

        Assert.Equal(lead, Lead.FromJson(Element(lead.ToJson())));
        Assert.Equal(task, TaskItem.FromJson(Element(task.ToJson())));
        Assert.Equal(item, CrmItem.FromJson(Element(item.ToJson())));
        Assert.Equal(lead, JsonSerializer.Deserialize(JsonSerializer.Serialize(lead, Lead.JsonTypeInfo), Lead.JsonTypeInfo));
        Assert.Equal(task, JsonSerializer.Deserialize(JsonSerializer.Serialize(task, TaskItem.JsonTypeInfo), TaskItem.JsonTypeInfo));
        Assert.Contains("\"OPPORTUNITY\":3607999.00", JsonSerializer.Serialize(lead, Lead.JsonTypeInfo), StringComparison.Ordinal);
        Assert.Contains("\"responsibleId\":1", JsonSerializer.Serialize(task, TaskItem.JsonTypeInfo), StringComparison.Ordinal);
    }

    private static JsonElement Element(System.Text.Json.Nodes.JsonNode node) => JsonDocument.Parse(node.ToJsonString()).RootElement;

    private static JsonElement Response(string file)
        => JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures, file))).RootElement.GetProperty("response");

    /// <summary>Every member of the row is a typed property with the same meaning, or kept as sent.</summary>
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2090", Justification = "Test-only reflection over generated records, never trimmed.")]
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "Test-only reflection over generated records, never trimmed.")]
    private static void AssertLossless<T>(JsonElement row, T record)
    {
        var type = typeof(T);
        var extra = (IReadOnlyDictionary<string, JsonElement>?)type.GetProperty("AdditionalData")!.GetValue(record);
        var fieldRefs = type.GetNestedType("Field")!;
        var byKey = new Dictionary<string, PropertyInfo>();
        foreach (var property in type.GetProperties(BindingFlags.Instance | BindingFlags.Public).Where(p => p.Name is not ("AdditionalData" or "EqualityContract")))
        {
            var wire = fieldRefs.GetProperty(property.Name)!.GetValue(null)!.ToString()!;
            byKey[Normalize(wire)] = property;
        }

        foreach (var member in row.EnumerateObject())
        {
            if (extra is not null && extra.TryGetValue(member.Name, out var kept))
            {
                Assert.True(JsonElement.DeepEquals(member.Value, kept), $"{member.Name} was not kept as sent");
                continue;
            }

            Assert.True(byKey.TryGetValue(Normalize(member.Name), out var property), $"{member.Name} was dropped: neither a property nor in AdditionalData");
            var value = property!.GetValue(record);
            if (IsEmpty(member.Value))
            {
                // None stays none: null, an empty list, an empty string kept as text, or the JSON value as sent.
                var none = value is null or System.Collections.ICollection { Count: 0 } or ""
                    || (value is JsonElement json && JsonElement.DeepEquals(json, member.Value));
                Assert.True(none, $"{member.Name}: empty in the row but {value} in the record");
                continue;
            }

            Assert.True(SameMeaning(member.Value, value), $"{member.Name}: {member.Value.GetRawText()} read as {value}");
        }
    }

    private static string Normalize(string key) => key.Replace("_", string.Empty, StringComparison.Ordinal).ToUpperInvariant();

    private static bool IsEmpty(JsonElement e)
        => e.ValueKind is JsonValueKind.Null or JsonValueKind.False
            || (e.ValueKind == JsonValueKind.String && e.GetString()!.Length == 0)
            || (e.ValueKind == JsonValueKind.Array && e.GetArrayLength() == 0);

    private static bool SameMeaning(JsonElement raw, object? value)
    {
        var text = raw.ValueKind == JsonValueKind.String ? raw.GetString()! : raw.GetRawText();
        return value switch
        {
            long l => text == l.ToString(CultureInfo.InvariantCulture),
            decimal d => decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture) == d,
            double d => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture).Equals(d),
            bool b => b == text is "Y" or "true" or "1",
            string s => s == text,
            DateTimeOffset t => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture) is var p && p == t && p.Offset == t.Offset,
            DateOnly d => text.StartsWith(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), StringComparison.Ordinal),
            System.Collections.ICollection c => raw.ValueKind == JsonValueKind.Array ? raw.GetArrayLength() == c.Count : c.Count == 1,
            JsonElement j => JsonElement.DeepEquals(raw, j),
            _ => false,
        };
    }
}
