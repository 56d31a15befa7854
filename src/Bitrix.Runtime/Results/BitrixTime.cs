using System.Text.Json;

namespace Bitrix;

/// <summary>The <c>time</c> object of an answer. Every member is optional: portals omit some.</summary>
public sealed record BitrixTime
{
    /// <summary>Unix time the server started the call.</summary>
    public double? Start { get; init; }

    /// <summary>Unix time the server finished the call.</summary>
    public double? Finish { get; init; }

    /// <summary>Seconds from start to finish.</summary>
    public double? Duration { get; init; }

    /// <summary>Seconds of processing.</summary>
    public double? Processing { get; init; }

    /// <summary>Start as an ISO date with offset.</summary>
    public DateTimeOffset? DateStart { get; init; }

    /// <summary>Finish as an ISO date with offset.</summary>
    public DateTimeOffset? DateFinish { get; init; }

    /// <summary>Seconds this method has used of its operating budget in the current window.</summary>
    public double? Operating { get; init; }

    /// <summary>When the oldest minute of the operating window expires.</summary>
    public DateTimeOffset? OperatingResetAt { get; init; }

    internal static BitrixTime? Parse(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        return new BitrixTime
        {
            Start = Json.Number(element, "start"),
            Finish = Json.Number(element, "finish"),
            Duration = Json.Number(element, "duration"),
            Processing = Json.Number(element, "processing"),
            DateStart = Json.Date(element, "date_start"),
            DateFinish = Json.Date(element, "date_finish"),
            Operating = Json.Number(element, "operating"),
            OperatingResetAt = UnixTime(Json.Number(element, "operating_reset_at")),
        };
    }

    /// <summary>A unix time; one past the representable range is the latest representable moment (the client bounds the wait it causes), a negative or non-number none.</summary>
    private static DateTimeOffset? UnixTime(double? seconds)
    {
        if (seconds is not { } s || double.IsNaN(s) || s < 0)
        {
            return null;
        }

        return s >= LatestUnixSeconds ? DateTimeOffset.FromUnixTimeSeconds(LatestUnixSeconds) : DateTimeOffset.FromUnixTimeMilliseconds((long)(s * 1000));
    }

    /// <summary>A day before the end of year 9999, so that adding a margin to it cannot overflow.</summary>
    private static readonly long LatestUnixSeconds = DateTimeOffset.MaxValue.AddDays(-1).ToUnixTimeSeconds();
}
