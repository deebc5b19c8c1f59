using ObjectStore.Index;
using ObjectStore.Index.Events;
using ObjectStore.S3.Xml;

namespace ObjectStore.S3.Service;

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

internal sealed partial class ObjectService
{
    /// <summary>The bucket's notification configuration (empty when none is set).</summary>
    public async Task<NotificationConfiguration> GetNotificationAsync(string bucket, CancellationToken cancellationToken) =>
        NotificationConfiguration.Of(await RequireBucketAsync(bucket, cancellationToken));

    /// <summary>
    /// Validates and stores a notification configuration (an empty one removes them all), then sends
    /// an s3:TestEvent to each destination it names, as S3 does.
    /// </summary>
    public async Task PutNotificationAsync(string bucket, IReadOnlyList<NotificationEntry> entries, CancellationToken cancellationToken)
    {
        var configuration = NotificationRules.Validate(entries, publisher.IsKnownDestination);
        await UpdateBucketAsync(bucket, b =>
        {
            var stored = new Dictionary<string, string>(b.Configuration);
            if (configuration.Rules.Count == 0)
                stored.Remove(NotificationConfiguration.ConfigurationName);
            else
                stored[NotificationConfiguration.ConfigurationName] = configuration.ToJson();
            return b with { Configuration = stored };
        }, cancellationToken);

        var destinations = configuration.Rules.Select(r => r.DestinationArn).Distinct(StringComparer.Ordinal).ToList();
        if (destinations.Count > 0)
        {
            var context = EventRequestContext.Current;
            await publisher.PublishTestEventAsync(bucket, destinations, context?.RequestId ?? "", context?.HostId ?? "", cancellationToken);
        }
    }

    /// <summary>The event a write of <paramref name="key"/> records, when a configuration of the bucket asks for it.</summary>
    private static IReadOnlyList<ObjectEvent>? EventsFor(BucketRecord bucket, string eventName, string key) =>
        NotificationConfiguration.EventsFor(bucket, eventName, key, e => EventRequestContext.Current is { } context
            ? e with { PrincipalId = context.PrincipalId, SourceIpAddress = context.SourceIpAddress, RequestId = context.RequestId, HostId = context.HostId }
            : e);

    /// <summary>The fast path after a commit: the recorded events go to the queue now (the sweep catches what this misses).</summary>
    private async Task PublishAsync(ObjectWriteOutcome outcome)
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
