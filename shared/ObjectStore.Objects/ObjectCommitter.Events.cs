using ObjectStore.Index;
using ObjectStore.Index.Events;
using ObjectStore.Objects.Errors;

namespace ObjectStore.Objects;

/// <summary>
/// Who made a request, for the events its writes record: the request handler builds it once per request
/// and passes it down to where events are built (null for the background passes, which have no caller).
/// </summary>
internal sealed record Requester(string PrincipalId, string SourceIpAddress, string RequestId, string HostId);

/// <summary>The bucket a request addresses as the request read it once: its record, or null when it does not exist.</summary>
internal readonly record struct KnownBucket(string Name, BucketRecord? Record)
{
    /// <summary>The record; NoSuchBucket when the bucket does not exist.</summary>
    public BucketRecord Require() => Record ?? throw S3Errors.NoSuchBucketError(Name);
}

internal sealed partial class ObjectCommitter
{
    /// <summary>The event a write of <paramref name="key"/> records, when a configuration of the bucket asks for it.</summary>
    internal static IReadOnlyList<ObjectEvent>? EventsFor(BucketRecord bucket, string eventName, string key, Requester? requester) =>
        NotificationConfiguration.EventsFor(bucket, eventName, key, e => requester is { } context
            ? e with { PrincipalId = context.PrincipalId, SourceIpAddress = context.SourceIpAddress, RequestId = context.RequestId, HostId = context.HostId }
            : e);

    /// <summary>The fast path after a commit: the recorded events go to the queue now (the sweep catches what this misses).</summary>
    internal async Task PublishAsync(ObjectWriteOutcome outcome)
    {
        if (outcome.Events.Count == 0)
            return;
        try
        {
            // Not the request's token: the write committed, so its events go out even if the client left.
            await publisher.PublishCommittedAsync(outcome.Events, CancellationToken.None);
        }
        catch (Exception ex)
        {
            Log.PublishFailed(logger, outcome.Events[0].Bucket, outcome.Events.Count, ex);
        }
    }
}
