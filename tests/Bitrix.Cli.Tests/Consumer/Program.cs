// Writes and reads a deal's user fields through the typed API generated from the pulled schema:
// UfCrmColor (an enumeration: long? with the constants UfCrmColorValues) and UfCrmNote (a string).
using Bitrix;

await using var bx = BitrixClient.FromWebhook(args[0], new BitrixClientOptions { RateLimit = RateLimitPlan.Enterprise, RateLimitStore = new InMemoryRateLimitStore() });

var id = await bx.Crm.Deal.AddAsync(new DealFields { Title = "Typed user fields", UfCrmColor = Deal.UfCrmColorValues.Green, UfCrmNote = "written by the consumer" });
var deal = await bx.Crm.Deal.GetAsync(id);

var listed = 0;
await foreach (var row in bx.Crm.Deal.ListAllAsync(Deal.Filter.UfCrmColor == Deal.UfCrmColorValues.Green, select: [Deal.Field.Id, Deal.Field.UfCrmColor, Deal.Field.UfCrmNote]))
{
    listed += row.Id == id && row.UfCrmNote == "written by the consumer" ? 1 : 0;
}

Console.WriteLine($"id={id} color={deal.UfCrmColor} green={Deal.UfCrmColorValues.Green} red={Deal.UfCrmColorValues.Red} note={deal.UfCrmNote} listed={listed}");
