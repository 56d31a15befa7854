// Adds, moves and lists items of the smart process "Orders" through the typed API generated from the
// pulled schema: no entityTypeId in any call, the stage constants of both funnels, the typed user field.
using Bitrix;

await using var bx = BitrixClient.FromWebhook(args[0], new BitrixClientOptions { RateLimit = RateLimitPlan.Enterprise, RateLimitStore = new InMemoryRateLimitStore() });

var first = await bx.Crm.SmartProcesses.Orders.AddAsync(new OrdersFields { Title = "Heavy", UfCrm1Weight = 12.5, Opportunity = 1500.50m });
var second = await bx.Crm.SmartProcesses.Orders.AddAsync(new OrdersFields { Title = "Light", UfCrm1Weight = 0.5 });
await bx.Crm.SmartProcesses.Orders.UpdateAsync(first, new OrdersFields { StageId = Orders.StageIdValues.Success });

var heavy = new List<string>();
await foreach (var order in bx.Crm.SmartProcesses.Orders.ListAllAsync(
    Orders.Filter.UfCrm1Weight > 1.0 & Orders.Filter.StageId == Orders.StageIdValues.Success,
    select: [Orders.Field.Id, Orders.Field.Title, Orders.Field.UfCrm1Weight, Orders.Field.StageId]))
{
    heavy.Add($"{order.Id}:{order.Title}:{order.UfCrm1Weight?.ToString(System.Globalization.CultureInfo.InvariantCulture)}:{order.StageId}");
}

var got = await bx.Crm.SmartProcesses.Orders.GetAsync(second);
var all = 0;
await foreach (var _ in bx.Crm.SmartProcesses.Orders.ListAllAsync())
{
    all++;
}

Console.WriteLine($"heavy={string.Join(",", heavy)} second={got.Title}:{got.StageId}:{got.Opportunity?.ToString(System.Globalization.CultureInfo.InvariantCulture)} all={all} start={Orders.StageIdValues.Start}");
