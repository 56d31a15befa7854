namespace Bitrix.Throttling;

/// <summary>Why a request waited.</summary>
internal static class WaitReasons
{
    public const string Bucket = "bucket";
    public const string Operating = "operating budget";
    public const string Backoff = "backoff";
    public const string SlowScope = "slow scope";

    /// <summary>In the order <see cref="WaitTracker.CurrentWaitReason"/> reports them.</summary>
    public static readonly string[] All = [Operating, Bucket, Backoff, SlowScope];
}
