namespace ObjectStore.Index.Events;

/// <summary>
/// The notifier seam: what the object service (and background passes) tell the delivery side.
/// Publishing is best effort: an outbox row that is not moved now is moved by the periodic sweep,
/// so a failure here never fails the write that recorded it.
/// </summary>
public interface IEventPublisher
{
    /// <summary>Whether the operator defined a destination with this ARN.</summary>
    bool IsKnownDestination(string arn);

    /// <summary>Moves just-committed outbox rows onto the events queue and deletes them (the fast path).</summary>
    Task PublishCommittedAsync(IReadOnlyList<OutboxEvent> events, CancellationToken cancellationToken);

    /// <summary>Sends an s3:TestEvent to each destination (after a notification configuration is stored).</summary>
    Task PublishTestEventAsync(string bucket, IReadOnlyCollection<string> destinationArns, string requestId, string hostId, CancellationToken cancellationToken);
}

/// <summary>No destinations, nothing published: for hosts and tests without the delivery side.</summary>
public sealed class NoEventPublisher : IEventPublisher
{
    public static readonly NoEventPublisher Instance = new();

    public bool IsKnownDestination(string arn) => false;

    public Task PublishCommittedAsync(IReadOnlyList<OutboxEvent> events, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task PublishTestEventAsync(string bucket, IReadOnlyCollection<string> destinationArns, string requestId, string hostId, CancellationToken cancellationToken) =>
        Task.CompletedTask;
}
