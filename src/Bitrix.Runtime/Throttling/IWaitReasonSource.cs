namespace Bitrix.Throttling;

/// <summary>Tells what requests are waiting for right now, for progress reports.</summary>
internal interface IWaitReasonSource
{
    /// <summary>What requests are waiting for right now (bucket, operating budget, backoff, slow scope), if anything.</summary>
    string? CurrentWaitReason { get; }
}
