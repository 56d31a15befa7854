// Lists, gets and adds deals through the generated typed API against the package's embedded emulator.
using Bitrix;
using Bitrix.Emulator;

await using var emulator = await BitrixEmulator.StartAsync(new EmulatorOptions { Deals = 120, LatencyScale = 0 });
await using var bx = BitrixClient.FromWebhook(emulator.WebhookUrl.ToString());

var deals = await bx.Crm.Deal.ListAllAsync(
    Deal.Filter.Opportunity >= 0m,
    select: [Deal.Field.Id, Deal.Field.Title]).ToListAsync();
Console.WriteLine($"listed: {deals.Count}");

var first = await bx.Crm.Deal.GetAsync(deals[0].Id!.Value);
Console.WriteLine($"got: {first.Id == deals[0].Id} {first.Title == deals[0].Title}");

var id = await bx.Crm.Deal.AddAsync(new DealFields { Title = "Added from the package", Opportunity = 42.5m });
var added = await bx.Crm.Deal.GetAsync(id);
Console.WriteLine($"added: {added.Title} {added.Opportunity}");

Console.WriteLine($"runtime: {typeof(BitrixClient).Assembly.GetName().Name} {typeof(BitrixClient).Assembly.GetName().Version}");
