namespace Bitrix.Emulator.Tests.Methods;

public sealed class TaskTests
{
    [Fact]
    public async Task A_task_list_wraps_camel_case_rows_with_string_values()
    {
        await using var portal = TestPortal.Small();
        var first = await portal.IdAsync("tasks.task", 0);

        var answer = await portal.PostJsonAsync("tasks.task.list", new { });

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var tasks = answer.Result!["tasks"]!.AsArray();
        Assert.Equal(50, tasks.Count);
        Assert.Equal(50, (long?)answer.Json!["next"]);
        Assert.Equal(120, (long?)answer.Json!["total"]);
        var task = tasks[0]!.AsObject();
        Assert.Equal(Text(first), (string?)task["id"]);
        Assert.Equal(JsonValueKindName.String, TestPortal.Kind(task["responsibleId"]));
        Assert.Equal(JsonValueKindName.String, TestPortal.Kind(task["status"]));
        Assert.Equal(JsonValueKindName.String, TestPortal.Kind(task["priority"]));
        Assert.Equal(JsonValueKindName.Array, TestPortal.Kind(task["group"]));
        Assert.Equal(JsonValueKindName.Array, TestPortal.Kind(task["auditors"]));
        Assert.Equal(JsonValueKindName.String, TestPortal.Kind(task["subStatus"]));
        Assert.DoesNotContain(task, p => p.Key.Any(char.IsAsciiLetterUpper) && p.Key == p.Key.ToUpperInvariant());
        await portal.AssertNoInternalFailuresAsync();
    }

    [Fact]
    public async Task Selecting_id_and_status_gives_the_captured_row_shape()
    {
        await using var portal = TestPortal.Small();

        var result = await portal.OkAsync("tasks.task.list", new { select = new[] { "ID", "STATUS" }, start = 100 });

        var tasks = result["tasks"]!.AsArray();
        Assert.Equal(20, tasks.Count);
        Assert.All(tasks, t =>
        {
            Assert.Equal(["id", "status", "group", "subStatus"], t!.AsObject().Select(p => p.Key));
            Assert.Equal("[]", t["group"]!.ToJsonString());
        });

        // Seeded deadlines are long past: running tasks are overdue (-1), finished ones keep their status.
        Assert.All(tasks, t => Assert.Equal((string?)t!["status"] is "2" or "3" ? "-1" : (string?)t["status"], (string?)t["subStatus"]));
    }

    [Fact]
    public async Task Filter_and_order_take_upper_keys_and_camel_keys_alike()
    {
        await using var portal = TestPortal.Small();
        var ids = await portal.IdsAsync("tasks.task");

        var upper = await portal.PostJsonAsync("tasks.task.list", new { filter = new Dictionary<string, object> { ["RESPONSIBLE_ID"] = 5, ["!STATUS"] = 5 } });
        var camel = await portal.PostJsonAsync("tasks.task.list", new { filter = new Dictionary<string, object> { ["responsibleId"] = "5", ["!REAL_STATUS"] = "5" } });
        var descending = await portal.OkAsync("tasks.task.list", new { order = new { ID = "desc" }, filter = new Dictionary<string, object> { ["<ID"] = ids[99] }, select = new[] { "ID" } });

        var total = (long)upper.Json!["total"]!;
        Assert.True(total > 0);
        Assert.Equal(total, (long)camel.Json!["total"]!);
        Assert.All(upper.Result!["tasks"]!.AsArray(), t =>
        {
            Assert.Equal("5", (string?)t!["responsibleId"]);
            Assert.NotEqual("5", (string?)t["status"]);
        });
        Assert.Equal(Text(ids[98]), (string?)descending["tasks"]![0]!["id"]);
    }

    [Fact]
    public async Task Unsortable_order_keys_are_refused()
    {
        await using var portal = TestPortal.Small();

        var description = await portal.FailsAsync("tasks.task.list", new { order = new { NOPE = "asc" } }, "0");

        Assert.Equal("Invalid sorting key (internal error)", description);
        await portal.AssertNoInternalFailuresAsync();
    }

    [Fact]
    public async Task Get_wraps_the_task_and_a_missing_task_is_an_empty_result()
    {
        await using var portal = TestPortal.Small();
        var id = await portal.IdAsync("tasks.task", 11);

        var found = await portal.OkAsync("tasks.task.get", new { taskId = id });
        var selected = await portal.OkAsync("tasks.task.get", new { taskId = id, select = new[] { "ID", "TITLE" } });
        var missing = await portal.OkAsync("tasks.task.get", new { taskId = 9999 });

        Assert.Equal(Text(id), (string?)found["task"]!["id"]);
        Assert.NotNull(found["task"]!["responsible"]?["name"]);
        Assert.Equal(["id", "title", "group", "subStatus"], selected["task"]!.AsObject().Select(p => p.Key));
        Assert.Equal("[]", missing.ToJsonString());
        Assert.Equal("CTaskItem All parameters in the constructor must have real class type (internal error)", await portal.FailsAsync("tasks.task.get", new { }, "100"));
        Assert.Equal("wrong task id", await portal.FailsAsync("tasks.task.get", new { taskId = "abc" }, "0"));
    }

    [Fact]
    public async Task Add_validates_and_returns_the_new_task()
    {
        await using var portal = TestPortal.Small();
        var lastSeeded = (await portal.IdsAsync("tasks.task"))[^1];

        var added = await portal.OkAsync("tasks.task.add", new { fields = new { TITLE = "Call the supplier", RESPONSIBLE_ID = 7, AUDITORS = new[] { 2, 3 }, DEADLINE = "2031-05-01T10:00:00+03:00" } });
        var task = added["task"]!.AsObject();

        Assert.Equal(Text(lastSeeded + 1), (string?)task["id"]);
        Assert.Equal("Call the supplier", (string?)task["title"]);
        Assert.Equal("7", (string?)task["responsibleId"]);
        Assert.Equal("1", (string?)task["createdBy"]);
        Assert.Equal("2", (string?)task["status"]);
        Assert.Equal("2", (string?)task["subStatus"]);
        Assert.Equal(["2", "3"], task["auditors"]!.AsArray().Select(a => (string?)a));
        Assert.Equal("2031-05-01T10:00:00+03:00", (string?)task["deadline"]);
        Assert.StartsWith("{", (string?)task["guid"], StringComparison.Ordinal);
        Assert.Equal("Could not find value for parameter {fields} (internal error)", await portal.FailsAsync("tasks.task.add", new { }, "100"));
        Assert.StartsWith("Task title is not specified", await portal.FailsAsync("tasks.task.add", new { fields = new { RESPONSIBLE_ID = 1 } }, "ERROR_CORE"), StringComparison.Ordinal);
        Assert.StartsWith("Responsible person not specified", await portal.FailsAsync("tasks.task.add", new { fields = new { TITLE = "x" } }, "ERROR_CORE"), StringComparison.Ordinal);
        await portal.FailsAsync("tasks.task.add", new { fields = new { TITLE = "x", RESPONSIBLE_ID = 999 } }, "ERROR_CORE");
        await portal.FailsAsync("tasks.task.add", new { fields = new { TITLE = "x", RESPONSIBLE_ID = 1, PARENT_ID = 5000 } }, "ERROR_CORE");
        var listed = await portal.PostJsonAsync("tasks.task.list", new { });
        Assert.Equal(121, (long)listed.Json!["total"]!);
        await portal.AssertNoInternalFailuresAsync();
    }

    [Fact]
    public async Task Update_changes_the_task_and_records_the_status_change()
    {
        await using var portal = TestPortal.Small();
        var id = await portal.IdAsync("tasks.task", 3);

        var updated = await portal.OkAsync("tasks.task.update", new { taskId = id, fields = new { TITLE = "Renamed", STATUS = 5 } });
        var listed = await portal.OkAsync("tasks.task.list", new { filter = new { ID = id }, select = new[] { "ID", "TITLE", "STATUS", "CLOSED_DATE" } });

        Assert.Equal("Renamed", (string?)updated["task"]!["title"]);
        Assert.Equal("5", (string?)updated["task"]!["status"]);
        var row = listed["tasks"]![0]!;
        Assert.Equal("Renamed", (string?)row["title"]);
        Assert.Equal("5", (string?)row["subStatus"]);
        Assert.NotNull((string?)row["closedDate"]);
        Assert.Equal("Action on the task is not allowed (internal error)", await portal.FailsAsync("tasks.task.update", new { taskId = 9999, fields = new { TITLE = "x" } }, "0"));
        await portal.FailsAsync("tasks.task.update", new { taskId = id }, "100");
        await portal.FailsAsync("tasks.task.update", new { taskId = id, fields = new { TITLE = "" } }, "ERROR_CORE");
        await portal.FailsAsync("tasks.task.update", new { taskId = id, fields = new { PARENT_ID = id } }, "ERROR_CORE");
        await portal.FailsAsync("tasks.task.update", new { taskId = id, fields = new { STATUS = 42 } }, "ERROR_CORE");
    }

    [Fact]
    public async Task Delete_answers_task_true_once()
    {
        await using var portal = TestPortal.Small();
        var id = await portal.IdAsync("tasks.task", 7);

        var deleted = await portal.OkAsync("tasks.task.delete", new { taskId = id });
        var after = await portal.OkAsync("tasks.task.get", new { taskId = id });

        Assert.True((bool)deleted["task"]!);
        Assert.Equal("[]", after.ToJsonString());
        Assert.Equal("No access to delete the task", await portal.FailsAsync("tasks.task.delete", new { taskId = id }, "1048582"));
    }

    [Fact]
    public async Task Get_fields_answers_the_documented_catalog()
    {
        await using var portal = TestPortal.Small();

        var result = await portal.OkAsync("tasks.task.getFields", new { });

        var fields = result["fields"]!.AsObject();
        Assert.Equal("integer", (string?)fields["ID"]!["type"]);
        Assert.True((bool)fields["TITLE"]!["required"]!);
        Assert.Equal("Pending", (string?)fields["STATUS"]!["values"]!["2"]);
    }

    [Fact]
    public async Task A_batch_walks_tasks_with_an_id_cursor()
    {
        await using var portal = TestPortal.Small();
        var fiftyFirst = Text(await portal.IdAsync("tasks.task", 50));

        var answer = await portal.PostJsonAsync("batch", new
        {
            halt = 0,
            cmd = new Dictionary<string, string>
            {
                ["p0"] = "tasks.task.list?order[ID]=asc&filter[>ID]=0&select[]=ID&start=-1",
                ["p1"] = "tasks.task.list?order[ID]=asc&filter[>ID]=$result[p0][tasks][49][id]&select[]=ID&start=-1",
                ["one"] = "tasks.task.get?taskId=$result[p1][tasks][0][id]",
            },
        });

        var results = answer.Result!["result"]!;
        Assert.Equal(fiftyFirst, (string?)results["p1"]!["tasks"]![0]!["id"]);
        Assert.Equal(fiftyFirst, (string?)results["one"]!["task"]!["id"]);
        Assert.Equal("[]", answer.Result!["result_next"]!.ToJsonString());
        await portal.AssertNoInternalFailuresAsync();
    }

    private static string Text(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
