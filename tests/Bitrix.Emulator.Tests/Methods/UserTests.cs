namespace Bitrix.Emulator.Tests.Methods;

public sealed class UserTests
{
    [Fact]
    public async Task User_get_pages_users_with_boolean_active_and_numeric_departments()
    {
        await using var portal = TestPortal.Small();

        var answer = await portal.PostJsonAsync("user.get", new { });
        var last = await portal.PostJsonAsync("user.get", new { start = 50 });

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var users = answer.Result!.AsArray();
        Assert.Equal(50, users.Count);
        Assert.Equal(50, (long?)answer.Json!["next"]);
        Assert.Equal(60, (long?)answer.Json!["total"]);
        var user = users[0]!.AsObject();
        Assert.Equal("1", (string?)user["ID"]);
        Assert.True((bool)user["ACTIVE"]!);
        Assert.Equal(JsonValueKindName.Number, TestPortal.Kind(user["UF_DEPARTMENT"]![0]));
        Assert.Equal(JsonValueKindName.String, TestPortal.Kind(user["IS_ONLINE"]));
        Assert.Equal(10, last.Result!.AsArray().Count);
        Assert.Null(last.Json!["next"]);
        await portal.AssertNoInternalFailuresAsync();
    }

    [Fact]
    public async Task User_get_sorts_with_top_level_sort_and_order()
    {
        await using var portal = TestPortal.Small();

        var byId = await portal.OkAsync("user.get", new { SORT = "ID", ORDER = "DESC" });
        var byName = await portal.OkAsync("user.get", new { sort = "LAST_NAME", order = "asc", start = 0 });

        Assert.Equal("60", (string?)byId[0]!["ID"]);
        var names = byName.AsArray().Select(u => (string)u!["LAST_NAME"]!).ToList();
        Assert.Equal(names.Order(StringComparer.OrdinalIgnoreCase), names);
    }

    [Fact]
    public async Task User_get_filters_by_top_level_keys_or_a_filter_object()
    {
        await using var portal = TestPortal.Small();

        var department = await portal.PostJsonAsync("user.get", new { UF_DEPARTMENT = 2 });
        var range = await portal.PostJsonAsync("user.get", new { FILTER = new Dictionary<string, object> { [">ID"] = 55 } });
        var active = await portal.PostJsonAsync("user.get", new { FILTER = new { ACTIVE = true } });
        var inactive = await portal.PostJsonAsync("user.get", new { ACTIVE = false });
        var search = await portal.OkAsync("user.get", new { NAME_SEARCH = "user7@" });

        Assert.Equal(12, (long)department.Json!["total"]!);
        Assert.All(department.Result!.AsArray(), u => Assert.Contains(2, u!["UF_DEPARTMENT"]!.AsArray().Select(d => (long)d!)));
        Assert.Equal(["56", "57", "58", "59", "60"], range.Result!.AsArray().Select(u => (string?)u!["ID"]));
        Assert.Equal(60, (long)active.Json!["total"]!);
        Assert.Empty(inactive.Result!.AsArray());
        Assert.Equal(0, (long)inactive.Json!["total"]!);
        Assert.Equal(["7"], search.AsArray().Select(u => (string?)u!["ID"]));
    }

    [Fact]
    public async Task User_current_is_the_webhook_user_and_user_fields_names_the_fields()
    {
        await using var portal = TestPortal.Small();

        var current = await portal.OkAsync("user.current", new { });
        var fields = await portal.OkAsync("user.fields", new { });

        Assert.Equal("1", (string?)current["ID"]);
        Assert.True((bool)current["ACTIVE"]!);
        Assert.Equal("First Name", (string?)fields["NAME"]);
        Assert.Equal(JsonValueKindName.String, TestPortal.Kind(fields["UF_DEPARTMENT"]));
    }

    [Fact]
    public async Task Department_get_lists_filters_and_sorts_the_structure()
    {
        await using var portal = TestPortal.Small();

        var all = await portal.PostJsonAsync("department.get", new { });
        var children = await portal.OkAsync("department.get", new { sort = "NAME", order = "DESC", PARENT = 1 });
        var one = await portal.OkAsync("department.get", new { ID = 3 });
        var bySort = await portal.PostJsonAsync("department.get", new { SORT = 500 });

        var rows = all.Result!.AsArray();
        Assert.Equal(5, rows.Count);
        Assert.Equal(5, (long)all.Json!["total"]!);
        Assert.Null(all.Json!["next"]);
        Assert.Equal(JsonValueKindName.String, TestPortal.Kind(rows[0]!["ID"]));
        Assert.Equal(500, (long)rows[0]!["SORT"]!);
        Assert.Null(rows[0]!["PARENT"]);
        Assert.Equal(["Support", "Sales", "Marketing", "Development"], children.AsArray().Select(d => (string?)d!["NAME"]));
        Assert.Equal("Marketing", (string?)one[0]!["NAME"]);
        Assert.Equal(5, (long)bySort.Json!["total"]!);
    }

    [Fact]
    public async Task Users_and_departments_work_inside_a_batch()
    {
        await using var portal = TestPortal.Small();

        var answer = await portal.PostJsonAsync("batch", new
        {
            cmd = new Dictionary<string, string>
            {
                ["me"] = "user.current",
                ["dept"] = "department.get?ID=$result[me][UF_DEPARTMENT][0]",
                ["colleagues"] = "user.get?UF_DEPARTMENT=$result[me][UF_DEPARTMENT][0]&SORT=ID&ORDER=DESC",
            },
        });

        var result = answer.Result!;
        Assert.Equal("2", (string?)result["result"]!["dept"]![0]!["ID"]);
        Assert.Equal(12, (long)result["result_total"]!["colleagues"]!);
        Assert.Equal("56", (string?)result["result"]!["colleagues"]![0]!["ID"]);
        await portal.AssertNoInternalFailuresAsync();
    }
}
