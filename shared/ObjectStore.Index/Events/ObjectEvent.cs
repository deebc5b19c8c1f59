namespace ObjectStore.Index.Events;

/// <summary>
/// An event to record in the outbox with an index write, in the same transaction: no object change
/// without its event, no event for a change that did not commit. The index completes it with what
/// only the commit knows (version id, size, ETag, sequencer, event time) and returns the rows it
/// wrote in <see cref="ObjectWriteOutcome.Events"/>.
/// </summary>
/// <param name="EventName">The full S3 event type, e.g. "s3:ObjectCreated:Put" (<see cref="EventNames"/>).</param>
/// <param name="Targets">The notification configurations (id and destination) that asked for it.</param>
public sealed record ObjectEvent(string EventName, IReadOnlyList<EventTarget> Targets)
{
    /// <summary>The bucket's region (awsRegion).</summary>
    public string Region { get; init; } = "";
    /// <summary>Who made the request (userIdentity.principalId), or the service for background passes.</summary>
    public string PrincipalId { get; init; } = "";
    public string SourceIpAddress { get; init; } = "";
    public string RequestId { get; init; } = "";
    public string HostId { get; init; } = "";
    /// <summary>ObjectRestore:Completed: until when the restored copy lasts (glacierEventData).</summary>
    public DateTimeOffset? RestoreExpiry { get; init; }
    /// <summary>ObjectRestore:Completed: the archive class the copy was restored from (glacierEventData).</summary>
    public string? RestoreStorageClass { get; init; }
}

/// <param name="ConfigurationId">The Id of the notification configuration (s3.configurationId).</param>
/// <param name="DestinationArn">The operator-defined destination it sends to.</param>
public readonly record struct EventTarget(string ConfigurationId, string DestinationArn);

/// <summary>
/// An outbox row: one committed event, waiting to be moved onto the events queue. Each target
/// becomes one queue message; <see cref="EventId"/> is stable across redeliveries.
/// </summary>
public sealed record OutboxEvent(
    string Bucket,
    string RowKey,
    string EventId,
    string EventName,
    DateTimeOffset EventTime,
    string Key,
    long Size,
    string ETag,
    string? VersionId,
    string Sequencer,
    IReadOnlyList<EventTarget> Targets)
{
    public string Region { get; init; } = "";
    public string PrincipalId { get; init; } = "";
    public string SourceIpAddress { get; init; } = "";
    public string RequestId { get; init; } = "";
    public string HostId { get; init; } = "";
    public DateTimeOffset? RestoreExpiry { get; init; }
    public string? RestoreStorageClass { get; init; }
    /// <summary>Until when a sweeping instance has claimed the row (others leave it alone until then).</summary>
    public DateTimeOffset? ClaimedUntil { get; init; }
    /// <summary>Opaque concurrency token of the stored row (its Table ETag).</summary>
    public string? ConcurrencyToken { get; init; }
}

/// <summary>The event types S3 defines for notifications, and how configured types match them.</summary>
public static class EventNames
{
    public const string ObjectCreatedPut = "s3:ObjectCreated:Put";
    public const string ObjectCreatedPost = "s3:ObjectCreated:Post";
    public const string ObjectCreatedCopy = "s3:ObjectCreated:Copy";
    public const string ObjectCreatedCompleteMultipartUpload = "s3:ObjectCreated:CompleteMultipartUpload";
    public const string ObjectRemovedDelete = "s3:ObjectRemoved:Delete";
    public const string ObjectRemovedDeleteMarkerCreated = "s3:ObjectRemoved:DeleteMarkerCreated";
    public const string ObjectTaggingPut = "s3:ObjectTagging:Put";
    public const string ObjectTaggingDelete = "s3:ObjectTagging:Delete";
    public const string LifecycleExpirationDelete = "s3:LifecycleExpiration:Delete";
    public const string LifecycleExpirationDeleteMarkerCreated = "s3:LifecycleExpiration:DeleteMarkerCreated";
    public const string LifecycleTransition = "s3:LifecycleTransition";
    public const string ObjectRestorePost = "s3:ObjectRestore:Post";
    public const string ObjectRestoreCompleted = "s3:ObjectRestore:Completed";
    public const string ObjectRestoreDelete = "s3:ObjectRestore:Delete";
    public const string TestEvent = "s3:TestEvent";

    /// <summary>Every event type a configuration may name (wildcards included).</summary>
    public static readonly IReadOnlySet<string> Configurable = new HashSet<string>(StringComparer.Ordinal)
    {
        "s3:ObjectCreated:*", ObjectCreatedPut, ObjectCreatedPost, ObjectCreatedCopy, ObjectCreatedCompleteMultipartUpload,
        "s3:ObjectRemoved:*", ObjectRemovedDelete, ObjectRemovedDeleteMarkerCreated,
        "s3:ObjectTagging:*", ObjectTaggingPut, ObjectTaggingDelete,
        "s3:LifecycleExpiration:*", LifecycleExpirationDelete, LifecycleExpirationDeleteMarkerCreated,
        LifecycleTransition,
        "s3:ObjectRestore:*", ObjectRestorePost, ObjectRestoreCompleted, ObjectRestoreDelete,
    };

    /// <summary>Whether a configured type (possibly "family:*") covers an emitted event type.</summary>
    public static bool Covers(string configured, string eventName) =>
        configured.EndsWith(":*", StringComparison.Ordinal)
            ? eventName.StartsWith(configured[..^1], StringComparison.Ordinal)
            : string.Equals(configured, eventName, StringComparison.Ordinal);

    /// <summary>Whether two configured types can match a common event.</summary>
    public static bool Overlap(string a, string b) => Covers(a, b) || Covers(b, a);
}
