namespace Bitrix.Emulator.Tests.Support;

/// <summary>
/// Base of test classes that start portals: every portal a test starts is disposed after it, and
/// the test fails if that portal met a defect of its own (<see cref="EmulatorStats.InternalFailures"/>
/// must stay 0 whatever the client sent).
/// </summary>
public abstract class PortalTestBase : IAsyncLifetime
{
    private readonly List<PortalClient> _clients = [];
    private readonly List<BitrixEmulator> _emulators = [];

    /// <summary>A small portal that answers at once: the defaults of this suite.</summary>
    public static EmulatorOptions Small() => new()
    {
        Deals = 120,
        Leads = 60,
        Contacts = 30,
        Companies = 20,
        Activities = 30,
        Tasks = 10,
        Users = 5,
        LatencyScale = 0,
    };

    protected PortalClient InProcess(EmulatorOptions? options = null)
    {
        var client = PortalClient.InProcess(options ?? Small());
        _clients.Add(client);
        return client;
    }

    protected async Task<PortalClient> OverLoopbackAsync(EmulatorOptions? options = null)
    {
        var client = await PortalClient.OverLoopbackAsync(options ?? Small());
        _clients.Add(client);
        return client;
    }

    /// <summary>Tracks an emulator built by the test itself (disposed and checked like the others).</summary>
    protected BitrixEmulator Track(BitrixEmulator emulator)
    {
        _emulators.Add(emulator);
        return emulator;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        var failures = new List<string>();
        foreach (var emulator in _clients.Select(c => c.Emulator).Concat(_emulators))
        {
            var stats = await emulator.GetStatsAsync();
            if (stats.InternalFailures != 0)
            {
                failures.Add($"{stats.InternalFailures} internal failure(s); last: {stats.LastInternalFailure}");
            }
        }

        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        foreach (var emulator in _emulators)
        {
            await emulator.DisposeAsync();
        }

        Assert.True(failures.Count == 0, "the emulator met a defect of its own: " + string.Join("; ", failures));
    }
}
