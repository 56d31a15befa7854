namespace Bitrix.Emulator.Faults;

/// <summary>Chooses, with a seeded generator, which requests meet a fault and of which kind.</summary>
internal sealed class FaultInjector
{
    private static readonly FaultKind[] AllKinds = Enum.GetValues<FaultKind>();
    private readonly object _gate = new();
    private readonly double _rate;
    private readonly FaultKind[] _kinds;
    private Random _random;
    private readonly int _seed;

    public FaultInjector(double rate, IEnumerable<FaultKind> kinds, int seed)
    {
        _rate = Math.Clamp(rate, 0, 1);
        _kinds = kinds.Distinct().ToArray();
        if (_kinds.Length == 0)
        {
            _kinds = AllKinds;
        }

        _seed = seed;
        _random = new Random(seed);
    }

    public FaultKind? Next()
    {
        if (_rate <= 0)
        {
            return null;
        }

        lock (_gate)
        {
            return _random.NextDouble() < _rate ? _kinds[_random.Next(_kinds.Length)] : null;
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            _random = new Random(_seed);
        }
    }

    /// <summary>The command-line names of every kind, in <see cref="FaultKind"/> order.</summary>
    public const string KnownNames = "500, 502html, 503, reset, truncate, slow, cut, cutshort, empty, html200";

    /// <summary>Parses the command-line spelling: <c>500,502html,503,reset,truncate,slow,cut,cutshort,empty,html200</c>.</summary>
    public static IReadOnlyList<FaultKind> ParseKinds(string text)
    {
        var kinds = new List<FaultKind>();
        foreach (var token in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            kinds.Add(token.ToLowerInvariant() switch
            {
                "500" => FaultKind.InternalError,
                "502" or "502html" => FaultKind.BadGatewayHtml,
                "503" => FaultKind.ServiceUnavailable,
                "reset" => FaultKind.Reset,
                "truncate" => FaultKind.Truncate,
                "slow" => FaultKind.Slow,
                "cut" => FaultKind.CutMatchingLength,
                "cutshort" => FaultKind.CutShortLength,
                "empty" => FaultKind.EmptyOk,
                "html200" => FaultKind.HtmlOk,
                _ => throw new ArgumentException($"unknown fault kind '{token}' (known: {KnownNames})", nameof(text)),
            });
        }

        return kinds;
    }
}
