namespace ObjectStore.Index;

/// <summary>
/// The index's storage is throttling (Azure Tables' 503 ServerBusy, or a 500 OperationTimedOut whose
/// outcome is unknown) and stayed so for the whole retry budget of the call. The S3 layer answers
/// 503 SlowDown with <see cref="RetryAfter"/>; clients retry. Never a server error of ours.
/// </summary>
public sealed class IndexBusyException : Exception
{
    public IndexBusyException(string reason, TimeSpan retryAfter, Exception? inner = null)
        : base($"The index is busy: {reason}", inner)
    {
        Reason = reason;
        RetryAfter = retryAfter;
    }

    public IndexBusyException() : this("busy", TimeSpan.FromSeconds(1)) { }

    public IndexBusyException(string message) : this(message, TimeSpan.FromSeconds(1)) { }

    public IndexBusyException(string message, Exception inner) : this(message, TimeSpan.FromSeconds(1), inner) { }

    /// <summary>The storage's error code (ServerBusy, OperationTimedOut).</summary>
    public string Reason { get; }

    /// <summary>How long the client should wait before retrying.</summary>
    public TimeSpan RetryAfter { get; }

    /// <summary>True when the write may have been applied (OperationTimedOut): the caller must not assume it was not.</summary>
    public bool OutcomeUnknown { get; init; }
}
