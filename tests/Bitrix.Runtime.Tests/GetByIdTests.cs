using System.Globalization;

namespace Bitrix.Runtime.Tests;

/// <summary>GetByIdAsync: one (ID, result) pair per requested ID, in input order, duplicates kept.</summary>
public sealed class GetByIdTests
{
    [Fact]
    public async Task Pairs_come_in_input_order()
    {
        await using var portal = TestPortal.Create();
        var seeded = await portal.IdsAsync();
        long[] ids = [seeded[41], seeded[4], seeded[198], seeded[0], seeded[76]];

        var results = await portal.Client.GetByIdAsync("crm.deal.get", ids);

        Assert.Equal(ids, results.Select(p => p.Key));
        Assert.Equal(ids.Select(i => i.ToString(CultureInfo.InvariantCulture)), results.Select(p => p.Value.Result!.Value.GetProperty("ID").GetString()));
        Assert.Equal(Enumerable.Range(0, 5), results.Select(p => p.Value.Index));
        Assert.Equal(5, results.Count);
        Assert.Equal(1, await portal.RequestsAsync());
    }

    [Fact]
    public async Task Duplicates_keep_their_places_and_ById_has_each_id_once()
    {
        await using var portal = TestPortal.Create();
        var seeded = (await portal.IdsAsync()).Select(i => (int)i).ToArray();
        int seventh = seeded[6], third = seeded[2], ninth = seeded[8], eighth = seeded[7];
        int[] ids = [seventh, seventh, third, seventh, third, ninth];

        var results = await portal.Client.GetByIdAsync("crm.deal.get", ids);

        Assert.Equal(ids, results.Select(p => p.Key));
        Assert.All(results, p => Assert.Equal(p.Key.ToString(CultureInfo.InvariantCulture), p.Value.Result!.Value.GetProperty("ID").GetString()));
        Assert.Equal([seventh, third, ninth], results.ById.Keys);
        Assert.Equal(3, results.ById.Count);
        Assert.Same(results[0].Value, results.ById[seventh]);
        Assert.Same(results[2].Value, results.ById[third]);
        Assert.False(results.ById.ContainsKey(eighth));
    }

    [Fact]
    public async Task A_missing_id_is_an_error_on_its_own_pair()
    {
        await using var portal = TestPortal.Create();
        var seeded = await portal.IdsAsync();
        Assert.True(seeded[^1] < 888888);
        long[] ids = [seeded[0], 999999, seeded[1], 888888, seeded[2]];

        var results = await portal.Client.GetByIdAsync("crm.deal.get", ids);

        Assert.Equal([true, false, true, false, true], results.Select(p => p.Value.IsSuccess));
        Assert.Equal("Not found", results.ById[999999].Error!.Description);
        Assert.Equal("Not found", results[3].Value.Error!.Description);
        Assert.Equal(seeded[1].ToString(CultureInfo.InvariantCulture), results.ById[seeded[1]].Result!.Value.GetProperty("ID").GetString());
    }

    [Fact]
    public async Task String_ids_a_custom_parameter_name_and_many_batches()
    {
        await using var portal = TestPortal.Create();
        var ids = (await portal.IdsAsync()).Take(120).Reverse().Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList();

        var results = await portal.Client.GetByIdAsync("crm.deal.get", ids, idParameter: "id");

        Assert.Equal(ids, results.Select(p => p.Value.Result!.Value.GetProperty("ID").GetString()));
        Assert.Equal(3, await portal.RequestsAsync());
        var command = (string)portal.Recorder.RestRequests[0].Json!["cmd"]!["0"]!;
        Assert.Matches("^crm\\.deal\\.get\\?id=[0-9]+$", command);
    }

    [Fact]
    public async Task No_ids_means_no_request()
    {
        await using var portal = TestPortal.Create();

        var results = await portal.Client.GetByIdAsync("crm.deal.get", Array.Empty<long>());

        Assert.Empty(results);
        Assert.Empty(results.ById);
        Assert.Equal(0, await portal.RequestsAsync());
    }

    [Fact]
    public async Task Invalid_arguments_are_rejected_before_sending()
    {
        await using var portal = TestPortal.Create();

        await Assert.ThrowsAsync<ArgumentNullException>(() => portal.Client.GetByIdAsync<long>("crm.deal.get", null!));
        await Assert.ThrowsAsync<ArgumentException>(() => portal.Client.GetByIdAsync("crm.deal.get", [1L], idParameter: " "));
        await Assert.ThrowsAsync<ArgumentException>(() => portal.Client.GetByIdAsync("batch", [1L]));
        await Assert.ThrowsAsync<ArgumentException>(() => portal.Client.GetByIdAsync("crm..get", [1L]));

        Assert.Equal(0, await portal.RequestsAsync());
    }
}
