using System.Globalization;
using System.Runtime.InteropServices;
using Bitrix.Emulator.Data;
using Bitrix.Emulator.Faults;

namespace Bitrix.Emulator;

/// <summary>
/// <c>dotnet run --project src/Bitrix.Emulator -- --urls http://127.0.0.1:5080 --deals 100000 ...</c>:
/// serves an emulated portal until stopped, printing the webhook URL on one line when ready.
/// </summary>
internal static class Program
{
    private static readonly Dictionary<string, (string Help, Action<EmulatorOptions, string> Apply)> Flags = new(StringComparer.Ordinal)
    {
        ["--deals"] = ("seeded deals", (o, v) => o.Deals = Int(v)),
        ["--leads"] = ("seeded leads", (o, v) => o.Leads = Int(v)),
        ["--contacts"] = ("seeded contacts", (o, v) => o.Contacts = Int(v)),
        ["--companies"] = ("seeded companies", (o, v) => o.Companies = Int(v)),
        ["--activities"] = ("seeded activities", (o, v) => o.Activities = Int(v)),
        ["--tasks"] = ("seeded tasks", (o, v) => o.Tasks = Int(v)),
        ["--users"] = ("seeded users", (o, v) => o.Users = Int(v)),
        ["--id-layout"] = ("dense | gaps (default) | blocks | adversarial: how seeded IDs are spread", (o, v) => o.IdLayout = ParseIdLayout(v)),
        ["--webhook"] = ("USER_ID/CODE of the accepted webhook", (o, v) => o.Webhook = v),
        ["--plan"] = ("standard | enterprise", (o, v) => o.Plan = Enum.Parse<EmulatorPlan>(v, ignoreCase: true)),
        ["--bucket-capacity"] = ("leaky bucket size X (overrides the plan)", (o, v) => o.BucketCapacity = Num(v)),
        ["--drain-rate"] = ("leaky bucket drain Y per second (overrides the plan)", (o, v) => o.DrainPerSecond = Num(v)),
        ["--operating-limit"] = ("operating budget per method, seconds per window", (o, v) => o.OperatingLimitSeconds = Num(v)),
        ["--operating-window"] = ("operating budget window, seconds", (o, v) => o.OperatingWindow = TimeSpan.FromSeconds(Num(v))),
        ["--latency-scale"] = ("multiplier of modelled server time really waited", (o, v) => o.LatencyScale = Num(v)),
        ["--cost-list-base"] = ("seconds per list page", (o, v) => o.Cost = o.Cost with { ListBaseSeconds = Num(v) }),
        ["--cost-per-row"] = ("seconds per skipped or returned row", (o, v) => o.Cost = o.Cost with { PerRowSeconds = Num(v) }),
        ["--cost-per-counted-row"] = ("seconds per counted row", (o, v) => o.Cost = o.Cost with { PerCountedRowSeconds = Num(v) }),
        ["--cost-read"] = ("seconds per get or other read", (o, v) => o.Cost = o.Cost with { ReadSeconds = Num(v) }),
        ["--cost-write"] = ("seconds per add/update/delete", (o, v) => o.Cost = o.Cost with { WriteSeconds = Num(v) }),
        ["--fault-rate"] = ("probability 0..1 of an injected fault per request", (o, v) => o.FaultRate = Num(v)),
        ["--fault-kinds"] = ("500,502html,503,reset,truncate,slow,cut,cutshort,empty,html200", (o, v) => o.FaultKinds = [.. FaultInjector.ParseKinds(v)]),
        ["--slow-delay"] = ("seconds a slow answer is held back", (o, v) => o.SlowDelay = TimeSpan.FromSeconds(Num(v))),
        ["--mutate-rate"] = ("deal inserts + deletes per second", (o, v) => o.MutateRate = Num(v)),
        ["--mutate-modify-rate"] = ("deal modifications per second (DATE_MODIFY from the portal clock)", (o, v) => o.MutateModifyRate = Num(v)),
        ["--seed"] = ("seed of data, faults and mutations", (o, v) => o.Seed = Int(v)),
        ["--oauth-client-id"] = ("OAuth client id", (o, v) => o.OAuthClientId = v),
        ["--oauth-client-secret"] = ("OAuth client secret", (o, v) => o.OAuthClientSecret = v),
        ["--token-ttl"] = ("access token lifetime, seconds", (o, v) => o.AccessTokenLifetime = TimeSpan.FromSeconds(Num(v))),
        ["--moved-to"] = ("answer every REST call with 302 to this base URL", (o, v) => o.MovedTo = new Uri(v)),
    };

    public static async Task<int> Main(string[] args)
    {
        var options = new EmulatorOptions { Deals = 100_000 };
        var url = "http://127.0.0.1:5080";
        try
        {
            for (var i = 0; i < args.Length; i++)
            {
                var flag = args[i];
                if (flag is "--help" or "-h")
                {
                    PrintHelp();
                    return 0;
                }

                if (i + 1 >= args.Length)
                {
                    throw new ArgumentException($"{flag} needs a value");
                }

                var value = args[++i];
                if (flag == "--urls")
                {
                    url = value.Split(';')[0];
                }
                else if (Flags.TryGetValue(flag, out var entry))
                {
                    entry.Apply(options, value);
                }
                else
                {
                    throw new ArgumentException($"unknown option {flag} (see --help)");
                }
            }
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return 2;
        }

        using var stop = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }

        await using var emulator = await BitrixEmulator.StartAsync(options, url).ConfigureAwait(false);
        Console.WriteLine(emulator.WebhookUrl);
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        return 0;
    }

    private static void PrintHelp()
    {
        Console.WriteLine("Bitrix24 portal emulator. Options (all optional):");
        Console.WriteLine("  --urls URL                 where to listen (default http://127.0.0.1:5080; port 0 picks a free one)");
        foreach (var (flag, (help, _)) in Flags)
        {
            Console.WriteLine($"  {flag,-26} {help}");
        }
    }

    private static IdLayout ParseIdLayout(string v)
        => IdLayouts.TryParse(v, out var layout) ? layout : throw new FormatException($"--id-layout takes dense, gaps, blocks or adversarial; got '{v}'");

    private static int Int(string v) => int.Parse(v, NumberStyles.Integer, CultureInfo.InvariantCulture);

    private static double Num(string v) => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture);
}
