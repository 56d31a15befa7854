using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Bitrix.DependencyInjection;

/// <summary>
/// Reads <see cref="BitrixServiceOptions"/> from a configuration section by hand (no reflection, so
/// trimming- and AOT-safe). Every client setting is a key at the top of the section; durations are
/// <c>hh:mm:ss</c> or seconds; a value that does not parse is an error that names its key.
/// </summary>
internal static class BitrixConfiguration
{
    public static void Apply(IConfiguration section, BitrixServiceOptions options)
    {
        if (section["WebhookUrl"] is { Length: > 0 } webhook)
        {
            options.WebhookUrl = webhook;
        }

        var client = options.Client;
        Read<bool>(section, "AutoBatch", ParseBool, v => client.AutoBatch = v);
        Read<TimeSpan>(section, "AutoBatchWindow", ParseDuration, v => client.AutoBatchWindow = v);
        Read<int>(section, "MaxConcurrency", ParseInt, v => client.MaxConcurrency = v);
        Read<int>(section, "MaxRetries", ParseInt, v => client.MaxRetries = v);
        Read<int>(section, "MaxRedirects", ParseInt, v => client.MaxRedirects = v);
        Read<TimeSpan>(section, "RetryBaseDelay", ParseDuration, v => client.RetryBaseDelay = v);
        Read<TimeSpan>(section, "OverloadPause", ParseDuration, v => client.OverloadPause = v);
        Read<TimeSpan>(section, "RequestTimeout", ParseDuration, v => client.RequestTimeout = v);
        Read<TimeSpan>(section, "CallTimeout", ParseDuration, v => client.CallTimeout = v);
        Read<TimeSpan>(section, "MaxServerWait", ParseDuration, v => client.MaxServerWait = v);
        Read<double>(section, "OperatingLimitSeconds", ParseDouble, v => client.OperatingLimitSeconds = v);
        Read<RateLimitPlan>(section, "Plan", ParsePlan, v => client.RateLimit = v);
        var rate = section.GetSection("RateLimit");
        if (rate.Exists())
        {
            var capacity = client.RateLimit.Capacity;
            var drain = client.RateLimit.DrainPerSecond;
            Read<double>(rate, "Capacity", ParseDouble, v => capacity = v);
            Read<double>(rate, "DrainPerSecond", ParseDouble, v => drain = v);
            client.RateLimit = new RateLimitPlan(capacity, drain);
        }

        foreach (var method in section.GetSection("ReadMethods").GetChildren())
        {
            if (method.Value is { Length: > 0 } name)
            {
                client.ReadMethods.Add(name);
            }
        }

        foreach (var host in section.GetSection("AllowPortalMoveTo").GetChildren())
        {
            if (host.Value is { Length: > 0 } name)
            {
                client.AllowPortalMoveTo.Add(name.Trim());
            }
        }

        var oauth = section.GetSection("OAuth");
        if (oauth.Exists())
        {
            options.OAuth = new BitrixOAuthOptions
            {
                PortalUrl = Required<Uri>(oauth, "PortalUrl", ParseUri),
                ClientId = Required<string>(oauth, "ClientId", ParseText),
                ClientSecret = Required<string>(oauth, "ClientSecret", ParseText),
                AccessToken = Required<string>(oauth, "AccessToken", ParseText),
                RefreshToken = Required<string>(oauth, "RefreshToken", ParseText),
            };
            Read<Uri>(oauth, "TokenEndpoint", ParseUri, v => options.OAuth.TokenEndpoint = v);
        }
    }

    private delegate bool Parser<T>(string text, out T value);

    private static void Read<T>(IConfiguration section, string key, Parser<T> parse, Action<T> apply)
    {
        if (section[key] is not { Length: > 0 } text)
        {
            return;
        }

        apply(parse(text.Trim(), out var value) ? value : throw Invalid(section, key, text));
    }

    private static T Required<T>(IConfiguration section, string key, Parser<T> parse)
    {
        if (section[key] is not { Length: > 0 } text)
        {
            throw new InvalidOperationException($"Configuration key '{Path(section, key)}' is required.");
        }

        return parse(text.Trim(), out var value) ? value : throw Invalid(section, key, text);
    }

    // Values are not echoed: a misplaced secret must not end up in an exception message.
    private static InvalidOperationException Invalid(IConfiguration section, string key, string text)
        => new($"Configuration key '{Path(section, key)}' has a value that is not {Expected(key)} ({text.Length} characters).");

    private static string Path(IConfiguration section, string key) => section is IConfigurationSection s ? s.Path + ":" + key : key;

    private static string Expected(string key) => key switch
    {
        "AutoBatch" => "true or false",
        "MaxConcurrency" or "MaxRetries" or "MaxRedirects" => "a whole number",
        "OperatingLimitSeconds" or "Capacity" or "DrainPerSecond" => "a number",
        "Plan" => "Standard or Enterprise",
        "PortalUrl" or "TokenEndpoint" => "an absolute URL",
        _ => "a duration (hh:mm:ss or seconds)",
    };

    private static bool ParseBool(string s, out bool value) => bool.TryParse(s, out value);

    private static bool ParseInt(string s, out int value) => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out value);

    private static bool ParseDouble(string s, out double value) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    private static bool ParseText(string s, out string value)
    {
        value = s;
        return true;
    }

    private static bool ParseDuration(string s, out TimeSpan value)
    {
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            var fits = double.IsFinite(seconds) && Math.Abs(seconds) < TimeSpan.MaxValue.TotalSeconds;
            value = fits ? TimeSpan.FromSeconds(seconds) : default;
            return fits;
        }

        return TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out value);
    }

    private static bool ParsePlan(string s, out RateLimitPlan value)
    {
        value = s.Equals("Standard", StringComparison.OrdinalIgnoreCase) ? RateLimitPlan.Standard
            : s.Equals("Enterprise", StringComparison.OrdinalIgnoreCase) ? RateLimitPlan.Enterprise
            : null!;
        return value is not null;
    }

    private static bool ParseUri(string s, out Uri value) => Uri.TryCreate(s, UriKind.Absolute, out value!);
}
