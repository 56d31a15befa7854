using System.Text.Json.Nodes;
using Bitrix.Emulator.Hosting;
using Bitrix.Emulator.OAuth;
using Microsoft.AspNetCore.Builder;

namespace Bitrix.Emulator;

/// <summary>
/// An emulated Bitrix24 cloud portal. One core serves three hosts: an in-process
/// <see cref="HttpMessageHandler"/> (<see cref="CreateHandler"/>), Kestrel on loopback
/// (<see cref="StartAsync(EmulatorOptions, string, CancellationToken)"/>) and the command line.
/// </summary>
public sealed class BitrixEmulator : IAsyncDisposable
{
    private readonly Portal _portal;
    private WebApplication? _app;

    /// <summary>Creates a portal seeded from <paramref name="options"/>.</summary>
    public BitrixEmulator(EmulatorOptions? options = null)
    {
        _portal = new Portal(options ?? new EmulatorOptions());
    }

    /// <summary>The options in force (a copy of those given).</summary>
    public EmulatorOptions Options => _portal.Options;

    /// <summary>The base address when served by Kestrel; <c>http://portal.emulator/</c> for the in-process handler.</summary>
    public Uri BaseAddress { get; private set; } = new("http://portal.emulator/");

    /// <summary>The webhook URL clients use: <c>{base}/rest/{user}/{code}/</c>.</summary>
    public Uri WebhookUrl => new(BaseAddress, _portal.WebhookPath);

    /// <summary>An in-memory handler: no sockets. Use it with <c>new HttpClient(handler)</c> and <see cref="WebhookUrl"/>.</summary>
    public HttpMessageHandler CreateHandler() => new EmulatorHttpHandler(_portal);

    /// <summary>Starts a portal served by Kestrel on <paramref name="url"/> (default: a free loopback port).</summary>
    public static async Task<BitrixEmulator> StartAsync(EmulatorOptions? options = null, string url = "http://127.0.0.1:0", CancellationToken cancellationToken = default)
    {
        var emulator = new BitrixEmulator(options);
        try
        {
            await emulator.ListenAsync(url, cancellationToken).ConfigureAwait(false);
            return emulator;
        }
        catch
        {
            await emulator.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Serves this portal with Kestrel on <paramref name="url"/>.</summary>
    public async Task ListenAsync(string url = "http://127.0.0.1:0", CancellationToken cancellationToken = default)
    {
        if (_app is not null)
        {
            throw new InvalidOperationException("The emulator is already listening.");
        }

        var (app, address) = await KestrelHost.StartAsync(_portal, url, cancellationToken).ConfigureAwait(false);
        _app = app;
        BaseAddress = address;
        _portal.Events.Domain = address.Authority;
    }

    /// <summary>What the portal has seen and holds.</summary>
    public Task<EmulatorStats> GetStatsAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_portal.Snapshot());
    }

    /// <summary>Reseeds the data and clears limits, tokens and statistics.</summary>
    public Task ResetAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _portal.Reset();
        return Task.CompletedTask;
    }

    /// <summary>Reseeds the data with another ID layout (kept for later resets) and clears limits, tokens and statistics.</summary>
    public Task ResetAsync(IdLayout idLayout, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!Enum.IsDefined(idLayout))
        {
            throw new ArgumentOutOfRangeException(nameof(idLayout), idLayout, "Not an ID layout.");
        }

        _portal.Reset(idLayout);
        return Task.CompletedTask;
    }

    /// <summary>The exact IDs that exist now, ascending, for an entity (<c>crm.deal</c>, <c>crm.lead</c>, <c>tasks.task</c>, ...).</summary>
    public Task<IReadOnlyList<long>> GetIdsAsync(string entity, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var ids = _portal.Locked(data => data.FindTable(entity)?.Ids.ToArray())
            ?? throw new ArgumentException($"The emulator has no entity '{entity}'.", nameof(entity));
        return Task.FromResult<IReadOnlyList<long>>(ids);
    }

    /// <summary>
    /// Reads rows straight from the portal's store — no limits, faults or costs — as the legacy
    /// get method prints them; all rows when <paramref name="ids"/> is null. For asserting what was written.
    /// </summary>
    public Task<IReadOnlyList<JsonObject>> GetRowsAsync(string entity, IEnumerable<long>? ids = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var rows = _portal.Locked(data =>
        {
            var table = data.FindTable(entity) ?? throw new ArgumentException($"The emulator has no entity '{entity}'.", nameof(entity));
            return (ids ?? table.Ids.ToArray()).Select(table.Find).OfType<Data.Row>().Select(row => Methods.RowFormat.Legacy(table, row, table.Catalog.Fields)).ToList();
        });
        return Task.FromResult<IReadOnlyList<JsonObject>>(rows);
    }

    /// <summary>Declares a user field (<c>UF_CRM_*</c>) and returns its full name.</summary>
    public Task<string> DeclareUserFieldAsync(UserFieldDeclaration declaration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(declaration);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_portal.DeclareUserField(declaration));
    }

    /// <summary>
    /// Declares a smart process (as <c>crm.type.add</c> does) with its funnels, each with the default stages
    /// (<c>DT{entityTypeId}_{categoryId}:NEW</c> ... <c>:SUCCESS</c>, <c>:FAIL</c>); returns its entityTypeId.
    /// Its user fields are declared with <see cref="DeclareUserFieldAsync"/> on the entity <c>crm.item.{entityTypeId}</c>.
    /// </summary>
    public Task<long> DeclareSmartProcessAsync(SmartProcessDeclaration declaration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(declaration);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_portal.DeclareSmartProcess(declaration));
    }

    /// <summary>The application token the portal's outbound events carry in <c>auth[application_token]</c>: what an event endpoint checks.</summary>
    public string ApplicationToken => _portal.Events.ApplicationToken;

    /// <summary>What the outbound event queue has queued, delivered and lost.</summary>
    public Task<EmulatorEventStats> GetEventStatsAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_portal.Events.Stats);
    }

    /// <summary>Issues an OAuth token pair as if an application had been installed.</summary>
    public Task<OAuthTokens> IssueOAuthTokensAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_portal.Tokens.Issue());
    }

    /// <summary>Makes every issued access token expire now.</summary>
    public Task ExpireOAuthTokensAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _portal.Tokens.ExpireAll();
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
            _app = null;
        }

        _portal.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => $"BitrixEmulator {{ BaseAddress = {BaseAddress} }}";
}
