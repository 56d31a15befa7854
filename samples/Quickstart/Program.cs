// The shortest typed TypedBitrix program: list, add, update, get, then bulk add, update and delete.
//
//   BITRIX_WEBHOOK=https://your.bitrix24.com/rest/1/code/ dotnet run --project samples/Quickstart
//
// Without BITRIX_WEBHOOK it talks to an embedded emulated portal on loopback. On a real portal it
// changes only the deals it adds, and deletes them at the end.
using Bitrix;
using Bitrix.Emulator;

var webhook = Environment.GetEnvironmentVariable("BITRIX_WEBHOOK") is { Length: > 0 } url ? url : null;
await using var emulator = webhook is null
    ? await BitrixEmulator.StartAsync(new EmulatorOptions { Deals = 200, LatencyScale = 0 })
    : null;

await using var bx = BitrixClient.FromWebhook(webhook ?? emulator!.WebhookUrl.ToString());

// List: every matching row, streamed and paged for you. Filter fields, operators and value types
// are checked by the compiler: Deal.Filter.Opportunity >= "much" does not compile.
var count = 0;
await foreach (var deal in bx.Crm.Deal.ListAllAsync(
    Deal.Filter.Opportunity >= 5000m,
    select: [Deal.Field.Id, Deal.Field.Title, Deal.Field.Opportunity]))
{
    if (count++ == 0)
    {
        Console.WriteLine($"list:   first #{deal.Id} \"{deal.Title}\" {deal.Opportunity}");
    }
}

Console.WriteLine($"list:   {count} deals of 5,000 or more");

// Add and update: only the properties you set are sent; a property set to null erases the field.
var id = await bx.Crm.Deal.AddAsync(new DealFields { Title = "Quickstart deal", Opportunity = 1234.5m, CurrencyId = "EUR" });
await bx.Crm.Deal.UpdateAsync(id, new DealFields { StageId = "WON", Comments = null });

// Get: one typed row.
var added = await bx.Crm.Deal.GetAsync(id);
Console.WriteLine($"get:    #{added.Id} \"{added.Title}\" {added.Opportunity} {added.CurrencyId}, stage {added.StageId}");

// Bulk: 50 calls to a batch request, one result per item in input order (a failure never hides the others).
var adds = await bx.Crm.Deal.AddManyAsync(Enumerable.Range(1, 120).Select(i => new DealFields { Title = $"Quickstart deal {i}" }));
var ids = adds.Select(r => r.GetValueOrThrow()).ToList();
var updates = await bx.Crm.Deal.UpdateManyAsync(ids.Select(d => (d, new DealFields { Comments = "reviewed" })));
Console.WriteLine($"bulk:   {ids.Count} added, {updates.Count(r => r.IsSuccess)} updated");

var deletes = await bx.Crm.Deal.DeleteManyAsync([id, .. ids]);
Console.WriteLine($"delete: {deletes.Count(r => r.IsSuccess)} deleted");
