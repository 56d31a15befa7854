using System.Globalization;

namespace Bitrix.Bench.Harness;

/// <summary>
/// <c>--name value</c> options of a scenario, and <c>--name</c> flags (an option followed by another
/// option or by nothing reads as <c>true</c>). Scenarios read what they know, then call
/// <see cref="EnsureAllRead"/> so a mistyped option fails instead of silently running defaults.
/// </summary>
internal sealed class BenchArguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public bool IsHelp { get; private init; }

    public static BenchArguments Parse(ReadOnlySpan<string> args)
    {
        var help = false;
        var parsed = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name is "--help" or "-h")
            {
                help = true;
                continue;
            }

            if (!name.StartsWith("--", StringComparison.Ordinal) || name.Length < 3)
            {
                throw new ArgumentException($"expected an option, got '{name}'");
            }

            parsed[name[2..]] = i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal) ? "true" : args[++i];
        }

        var arguments = new BenchArguments { IsHelp = help };
        foreach (var (key, value) in parsed)
        {
            arguments._values[key] = value;
        }

        return arguments;
    }

    public string? String(string name)
    {
        _read.Add(name);
        return _values.GetValueOrDefault(name);
    }

    public string String(string name, string fallback) => String(name) ?? fallback;

    /// <summary>A flag: <c>--name</c> alone, or <c>--name true|false</c>.</summary>
    public bool Flag(string name)
    {
        var text = String(name);
        return text switch
        {
            null or "false" or "0" or "no" or "off" => false,
            "true" or "1" or "yes" or "on" => true,
            _ => throw new ArgumentException($"--{name} is a flag (true or false), got '{text}'"),
        };
    }

    public int Int(string name, int fallback, int min = int.MinValue)
    {
        var text = String(name);
        if (text is null)
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min)
        {
            throw new ArgumentException($"--{name} must be an integer >= {min}, got '{text}'");
        }

        return value;
    }

    public double Double(string name, double fallback, double min = double.MinValue)
    {
        var text = String(name);
        if (text is null)
        {
            return fallback;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < min)
        {
            throw new ArgumentException($"--{name} must be a number >= {min.ToString(CultureInfo.InvariantCulture)}, got '{text}'");
        }

        return value;
    }

    /// <summary>A comma-separated choice among <paramref name="allowed"/>; all of them when absent.</summary>
    public IReadOnlyList<string> Choices(string name, IReadOnlyList<string> allowed)
    {
        var text = String(name);
        if (text is null)
        {
            return allowed;
        }

        var chosen = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = chosen.Where(c => !allowed.Contains(c, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0 || chosen.Length == 0)
        {
            throw new ArgumentException($"--{name} takes a comma-separated list of {string.Join(", ", allowed)}; got '{text}'");
        }

        return chosen;
    }

    public void EnsureAllRead()
    {
        var unknown = _values.Keys.Where(k => !_read.Contains(k)).Select(k => "--" + k).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"unknown option(s) {string.Join(", ", unknown)} (see --help)");
        }
    }
}
