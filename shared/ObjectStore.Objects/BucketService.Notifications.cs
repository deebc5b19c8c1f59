using ObjectStore.Index;
using ObjectStore.Index.Events;

namespace ObjectStore.Objects;

internal sealed partial class BucketService
{
    /// <summary>The bucket's notification configuration (empty when none is set).</summary>
    public async Task<NotificationConfiguration> GetNotificationAsync(string bucket, CancellationToken cancellationToken) =>
        NotificationConfiguration.Of(await RequireBucketAsync(bucket, cancellationToken));

    /// <summary>
    /// Validates and stores a notification configuration (an empty one removes them all), then sends
    /// an s3:TestEvent to each destination it names, as S3 does.
    /// </summary>
    /// <param name="requester">Who asked: the test events carry its request ids.</param>
    public async Task PutNotificationAsync(string bucket, IReadOnlyList<NotificationEntry> entries, Requester? requester, CancellationToken cancellationToken)
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
            var context = requester;
            await publisher.PublishTestEventAsync(bucket, destinations, context?.RequestId ?? "", context?.HostId ?? "", cancellationToken);
        }
    }
}
