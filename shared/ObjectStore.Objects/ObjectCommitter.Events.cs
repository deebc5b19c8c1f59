using ObjectStore.Index;
using ObjectStore.Index.Events;

namespace ObjectStore.Objects;

/// <summary>Who made the current request, for the events its writes record (set by the request handler).</summary>
internal sealed record EventRequestContext(string PrincipalId, string SourceIpAddress, string RequestId, string HostId)
{
    private static readonly AsyncLocal<EventRequestContext?> CurrentValue = new();

    public static EventRequestContext? Current
    {
        get => CurrentValue.Value;
        set => CurrentValue.Value = value;
    }
}

internal sealed partial class ObjectCommitter
{
    /// <summary>The event a write of <paramref name="key"/> records, when a configuration of the bucket asks for it.</summary>
    internal static IReadOnlyList<ObjectEvent>? EventsFor(BucketRecord bucket, string eventName, string key) =>
        NotificationConfiguration.EventsFor(bucket, eventName, key, e => EventRequestContext.Current is { } context
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
