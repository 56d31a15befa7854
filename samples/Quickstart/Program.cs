// The shortest typed TypedBitrix program: list, get, add, update and a bulk update of deals.
//
//   BITRIX_WEBHOOK=https://your.bitrix24.com/rest/1/code/ dotnet run --project samples/Quickstart
//
// Without BITRIX_WEBHOOK it talks to an embedded emulated portal on loopback.
using Bitrix;
using Bitrix.Emulator;

var webhook = Environment.GetEnvironmentVariable("BITRIX_WEBHOOK") is { Length: > 0 } url ? url : null;
await using var emulator = webhook is null
    ? await BitrixEmulator.StartAsync(new EmulatorOptions { Deals = 200, LatencyScale = 0 })
    : null;

await using var bx = BitrixClient.FromWebhook(webhook ?? emulator!.WebhookUrl.ToString());

// List: every matching row, streamed and paged for you. Filter fields, operators and value types
// are checked by the compiler (Deal.Filter.Opportunity >= "x" does not compile).
var big = new List<long>();
await foreach (var deal in bx.Crm.Deal.ListAllAsync(
    Deal.Filter.Opportunity >= 5000m,
    select: [Deal.Field.Id, Deal.Field.Title, Deal.Field.Opportunity]))
{
    big.Add(deal.Id!.Value);
}
Console.WriteLine($"list:   {big.Count} deals of 5,000 or more");

// Get: one typed row.
var first = await bx.Crm.Deal.GetAsync(big[0]);
Console.WriteLine($"get:    #{first.Id} \"{first.Title}\" {first.Opportunity} {first.CurrencyId}, stage {first.StageId}");

// Add and update: only the properties you set are sent; setting one to null erases it.
var id = await bx.Crm.Deal.AddAsync(new DealFields { Title = "Quickstart deal", Opportunity = 1234.5m, CurrencyId = "EUR" });
await bx.Crm.Deal.UpdateAsync(id, new DealFields { StageId = "WON", Comments = null });
var added = await bx.Crm.Deal.GetAsync(id);
Console.WriteLine($"add:    #{id} \"{added.Title}\" {added.Opportunity} {added.CurrencyId}, stage {added.StageId}");

// Bulk: 50 updates to a batch request, one result per item in input order.
var results = await bx.Crm.Deal.UpdateManyAsync(big.Take(120).Select(d => (d, new DealFields { Comments = "reviewed" })));
Console.WriteLine($"bulk:   {results.Count(r => r.IsSuccess)} of {results.Count} updated");
