namespace Bitrix.Emulator.Tests.Methods;

/// <summary>Malformed parameters must end in a portal answer (200 or a documented error), never in an emulator defect.</summary>
public sealed class OddInputTests
{
    public static TheoryData<string> Methods() =>
    [
        "crm.item.list", "crm.item.get", "crm.item.add", "crm.item.update", "crm.item.delete", "crm.item.fields",
        "tasks.task.list", "tasks.task.get", "tasks.task.add", "tasks.task.update", "tasks.task.delete", "tasks.task.getFields",
        "user.get", "user.current", "user.fields", "department.get",
        "crm.status.list", "crm.category.list",
        "crm.deal.contact.items.get", "crm.deal.contact.items.set", "crm.deal.contact.items.delete",
        "crm.deal.contact.add", "crm.deal.contact.delete", "crm.deal.contact.fields",
        "crm.deal.userfield.list", "crm.deal.userfield.add", "crm.company.userfield.list",
    ];

    [Theory]
    [MemberData(nameof(Methods))]
    public async Task Odd_parameters_never_break_the_emulator(string method)
    {
        await using var portal = TestPortal.Small();
        object[] bodies =
        [
            new { },
            new { id = "abc", taskId = "abc", entityTypeId = "abc", filter = "x", order = "x", select = "x", fields = "x", items = "x", start = "x" },
            new { id = -1, taskId = -1, entityTypeId = -1, filter = new[] { 1, 2 }, order = new[] { "x" }, select = new[] { 1 }, fields = new[] { 1 }, items = new[] { 1 }, start = -5 },
            new
            {
                id = 2,
                taskId = 2,
                entityTypeId = 2,
                filter = new Dictionary<string, object?> { ["0"] = new { logic = "OR", a = 1 }, [">ID"] = new { x = 1 }, ["@id"] = Array.Empty<int>(), ["ACTIVE"] = null, ["::SUBFILTER-X"] = new { ID = 1 } },
                order = new Dictionary<string, object?> { ["ID"] = null },
                fields = new Dictionary<string, object?> { ["TITLE"] = new { a = 1 }, ["RESPONSIBLE_ID"] = new[] { 1 }, ["CONTACT_ID"] = new[] { 1 }, ["FIELD_NAME"] = new[] { "A" }, ["USER_TYPE_ID"] = 5, ["title"] = null, ["observers"] = "x" },
                items = new object[] { new { CONTACT_ID = "x" }, 5, new { CONTACT_ID = 3, SORT = "y" } },
                SORT = new[] { "ID" },
                ORDER = new { a = 1 },
                FILTER = "x",
                NAME_SEARCH = new { a = 1 },
            },
        ];

        foreach (var body in bodies)
        {
            var answer = await portal.PostJsonAsync(method, body);
            Assert.True(answer.Status is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{method}: {answer.Status} {answer.Text}");
        }

        var form = await portal.PostFormAsync(method, "id=1&taskId=1&entityTypeId=2&filter[%3E%3DID]=&order[TITLE]=DESC&select[]=*&fields[TITLE]=T&fields[RESPONSIBLE_ID]=1&items[0][CONTACT_ID]=1");
        Assert.True(form.Status is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{method}: {form.Status} {form.Text}");
        await portal.AssertNoInternalFailuresAsync();
    }
}
