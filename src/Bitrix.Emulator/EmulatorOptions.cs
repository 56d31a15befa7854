namespace Bitrix.Emulator;

/// <summary>
/// Everything that shapes an emulated portal: its data, its limits, its cost model and the
/// faults it injects. Defaults are those of a Bitrix24 cloud portal on a standard plan.
/// </summary>
public sealed class EmulatorOptions
{
    /// <summary>Seeded deals (<c>crm.deal</c>, also <c>crm.item</c> with entityTypeId 2).</summary>
    public int Deals { get; set; } = 1_000;

    /// <summary>Seeded leads.</summary>
    public int Leads { get; set; } = 200;

    /// <summary>Seeded contacts.</summary>
    public int Contacts { get; set; } = 200;

    /// <summary>Seeded companies.</summary>
    public int Companies { get; set; } = 100;

    /// <summary>Seeded activities (calls and e-mails bound to deals).</summary>
    public int Activities { get; set; } = 200;

    /// <summary>Seeded tasks.</summary>
    public int Tasks { get; set; } = 200;

    /// <summary>Seeded users (employees); deals are assigned among them. Users are numbered 1..N whatever <see cref="IdLayout"/> says.</summary>
    public int Users { get; set; } = 20;

    /// <summary>
    /// How the seeded IDs of every CRM, activity and task table are spread: real portals have holes,
    /// so the default is <see cref="IdLayout.Gaps"/>. <c>GET /_emulator/ids</c> gives the exact set.
    /// </summary>
    public IdLayout IdLayout { get; set; } = IdLayout.Gaps;

    /// <summary>The webhook as <c>USER_ID/CODE</c>; requests to <c>/rest/USER_ID/CODE/METHOD</c> are accepted.</summary>
    public string Webhook { get; set; } = "1/emulatorsecret";

    /// <summary>The plan whose leaky-bucket limits apply unless <see cref="BucketCapacity"/> or <see cref="DrainPerSecond"/> are set.</summary>
    public EmulatorPlan Plan { get; set; } = EmulatorPlan.Standard;

    /// <summary>Leaky bucket size X: a request arriving at X or above is rejected with 503. Null: the plan's value.</summary>
    public double? BucketCapacity { get; set; }

    /// <summary>Leaky bucket drain Y per second. Null: the plan's value.</summary>
    public double? DrainPerSecond { get; set; }

    /// <summary>Server time a method may use within <see cref="OperatingWindow"/> before it is blocked with 429.</summary>
    public double OperatingLimitSeconds { get; set; } = 480;

    /// <summary>The sliding window of the operating budget: ten baskets of a tenth each.</summary>
    public TimeSpan OperatingWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Multiplier of modelled server time the emulator really waits (0: answer at once).</summary>
    public double LatencyScale { get; set; } = 1;

    /// <summary>The modelled server time of each kind of command.</summary>
    public CostModel Cost { get; set; } = new();

    /// <summary>Probability (0..1) that a REST request meets an injected fault.</summary>
    public double FaultRate { get; set; }

    /// <summary>The kinds of faults to choose from, uniformly. Empty: all kinds.</summary>
    public IList<FaultKind> FaultKinds { get; set; } = [];

    /// <summary>How long a <see cref="FaultKind.Slow"/> answer is held back (long enough to trip a client timeout).</summary>
    public TimeSpan SlowDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Deal inserts plus deletes per second made while clients read (0: none). IDs keep increasing.</summary>
    public double MutateRate { get; set; }

    /// <summary>
    /// Modifications of existing deals per second made while clients read (0: none): a changed
    /// amount and title, <c>DATE_MODIFY</c> set from the portal clock, as an edit on the portal would.
    /// </summary>
    public double MutateModifyRate { get; set; }

    /// <summary>Seed of the data, the fault choices and the mutations.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>The clock of limits, tokens and timestamps; tests may pass a fake one.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>OAuth application client id accepted by <c>/oauth/token/</c>.</summary>
    public string OAuthClientId { get; set; } = "local.emulator.app";

    /// <summary>OAuth application client secret.</summary>
    public string OAuthClientSecret { get; set; } = "emulator-client-secret";

    /// <summary>Lifetime of issued access tokens (a real portal: one hour).</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Lifetime of issued refresh tokens (a real portal: 180 days).</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(180);

    /// <summary>
    /// The certificate Kestrel serves for an <c>https://</c> URL (e.g. a self-signed one made with
    /// <see cref="System.Security.Cryptography.X509Certificates.CertificateRequest"/>). Needed only to listen on HTTPS.
    /// </summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? ServerCertificate { get; set; }

    /// <summary>When set, the portal has moved: every REST request answers 302 to the same path on this base address.</summary>
    public Uri? MovedTo { get; set; }

    /// <summary>The leaky bucket capacity in force.</summary>
    public double EffectiveBucketCapacity => BucketCapacity ?? (Plan == EmulatorPlan.Enterprise ? 250 : 50);

    /// <summary>The leaky bucket drain rate in force.</summary>
    public double EffectiveDrainPerSecond => DrainPerSecond ?? (Plan == EmulatorPlan.Enterprise ? 5 : 2);

    /// <summary>A copy that can be changed without touching this instance.</summary>
    public EmulatorOptions Clone()
    {
        var copy = (EmulatorOptions)MemberwiseClone();
        copy.Cost = Cost with { };
        copy.FaultKinds = [.. FaultKinds];
        return copy;
    }
}

/// <summary>How seeded IDs are spread over their range (deterministic per <see cref="EmulatorOptions.Seed"/> and entity).</summary>
public enum IdLayout
{
    /// <summary>1, 2, 3 ... N: a portal where nothing was ever deleted.</summary>
    Dense,

    /// <summary>Small random holes of deleted rows and now and then a larger one: about 1.7 IDs per row (the default).</summary>
    Gaps,

    /// <summary>Dense stretches between long deleted runs (2,000 to 100,000 IDs), sparser in the oldest rows and denser towards the newest.</summary>
    Blocks,

    /// <summary>For tests: a quarter of the rows sparse, half in a twentieth of the span, a quarter sparse, and the last row alone near 10⁹.</summary>
    Adversarial,
}

/// <summary>Bitrix24 plans that differ in REST limits.</summary>
public enum EmulatorPlan
{
    /// <summary>Bucket 50, drain 2 per second.</summary>
    Standard,

    /// <summary>Bucket 250, drain 5 per second.</summary>
    Enterprise,
}

/// <summary>Kinds of injected faults.</summary>
public enum FaultKind
{
    /// <summary>HTTP 500 with the INTERNAL_SERVER_ERROR envelope; the call did not run.</summary>
    InternalError,

    /// <summary>HTTP 502 with an HTML page from a proxy; the call did run.</summary>
    BadGatewayHtml,

    /// <summary>HTTP 503 with an HTML page from a proxy; the call did not run.</summary>
    ServiceUnavailable,

    /// <summary>The connection is reset before the request is processed.</summary>
    Reset,

    /// <summary>The call runs, then the answer is cut off half way.</summary>
    Truncate,

    /// <summary>The call runs, then the answer is held back for <see cref="EmulatorOptions.SlowDelay"/>.</summary>
    Slow,

    /// <summary>
    /// The call runs; the answer stops half way, its Content-Length matching the bytes sent, and
    /// the connection is closed (PHP dying mid-output, a proxy cutting a buffered body): a complete
    /// HTTP 200 whose JSON is cut.
    /// </summary>
    CutMatchingLength,

    /// <summary>
    /// The call runs; the answer's Content-Length is shorter than its JSON (a proxy that rewrote the
    /// body and kept a wrong length): the client reads a third of the JSON and the connection stays open.
    /// </summary>
    CutShortLength,

    /// <summary>The call runs; the answer is HTTP 200 with an empty body.</summary>
    EmptyOk,

    /// <summary>
    /// The call does not run: a captive proxy answers HTTP 200 with its own HTML page
    /// (a login or notice page) instead of passing the request on.
    /// </summary>
    HtmlOk,
}

/// <summary>
/// Modelled server time per command (docs/protocol.md §5), charged to the method's operating budget,
/// reported in <c>time</c>, and waited for (scaled by <see cref="EmulatorOptions.LatencyScale"/>).
/// </summary>
public sealed record CostModel
{
    /// <summary>Fixed cost of a list page.</summary>
    public double ListBaseSeconds { get; init; } = 0.002;

    /// <summary>Cost per row skipped by the offset or returned.</summary>
    public double PerRowSeconds { get; init; } = 0.000009;

    /// <summary>Cost per row counted for <c>total</c> (not paid with <c>start=-1</c>).</summary>
    public double PerCountedRowSeconds { get; init; } = 0.0000005;

    /// <summary>Cost of a get or any other read that is not a list.</summary>
    public double ReadSeconds { get; init; } = 0.002;

    /// <summary>Cost of an add, update or delete.</summary>
    public double WriteSeconds { get; init; } = 0.005;

    /// <summary>The modelled cost of one list page.</summary>
    public double ListPage(long start, int rows, long total, bool counted)
        => ListBaseSeconds + PerRowSeconds * (Math.Max(start, 0) + rows) + (counted ? PerCountedRowSeconds * total : 0);
}
