namespace Bitrix.Emulator.Protocol;

/// <summary>An HTTP request as the portal core sees it, independent of the host (handler or Kestrel).</summary>
internal sealed record EmulatorRequest(
    string HttpMethod,
    string Path,
    string QueryString,
    string? ContentType,
    byte[] Body,
    string? Authorization,
    Uri BaseAddress);

/// <summary>What the host should do with the connection besides sending the answer.</summary>
internal enum TransportFault
{
    None,
    ResetBeforeAnswer,
    TruncateAnswer,
    DelayAnswer,

    /// <summary>Send the first half of the body with a Content-Length of that half, then close.</summary>
    CutMatchingLength,

    /// <summary>Announce a Content-Length of a third of the body and send only that; keep the connection.</summary>
    CutShortLength,
}

/// <summary>An HTTP answer of the portal core.</summary>
internal sealed record EmulatorResponse(int Status, string ContentType, byte[] Body)
{
    public string? Location { get; init; }

    public TransportFault Fault { get; init; }

    public TimeSpan Delay { get; init; }

    public static EmulatorResponse Json(int status, byte[] body) => new(status, "application/json; charset=utf-8", body);

    public static EmulatorResponse Html(int status, string html) => new(status, "text/html; charset=utf-8", System.Text.Encoding.UTF8.GetBytes(html));
}
