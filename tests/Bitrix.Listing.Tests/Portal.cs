using System.Text.Json;
using System.Text.Json.Nodes;
using Bitrix.Emulator;

namespace Bitrix.Listing.Tests;

/// <summary>An emulated portal without effective rate limits, and a client on its in-process handler.</summary>
public sealed class Portal : IAsyncDisposable
{
    public Portal(Action<EmulatorOptions> configure)
    {
        var options = new EmulatorOptions { LatencyScale = 0, BucketCapacity = 1_000_000, DrainPerSecond = 1_000_000, OperatingLimitSeconds = 1e9, Deals = 0, Leads = 0, Contacts = 10, Companies = 10, Tasks = 0, Activities = 0 };
        configure(options);
        Emulator = new BitrixEmulator(options);
        Client = new BitrixClient(new HttpClient(Emulator.CreateHandler()), Emulator.WebhookUrl.ToString(), new BitrixClientOptions
        {
            RateLimit = new RateLimitPlan(1_000_000, 1_000_000),
            RateLimitStore = new InMemoryRateLimitStore(),
            OperatingLimitSeconds = 1e9,
        });
    }

    public BitrixEmulator Emulator { get; }

    public BitrixClient Client { get; }

    public async Task<List<long>> ListIdsAsync(string method, JsonObject? parameters, ListStrategy strategy, string idKey = "ID")
    {
        var ids = new List<long>();
        await foreach (var row in Client.ListAllAsync(method, parameters, new ListOptions { Strategy = strategy }))
        {
            var id = row.GetProperty(idKey);
            ids.Add(id.ValueKind == JsonValueKind.String ? long.Parse(id.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : id.GetInt64());
        }

        return ids;
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Emulator.DisposeAsync();
    }
}
