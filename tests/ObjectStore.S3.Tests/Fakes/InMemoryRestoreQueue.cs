using System.Collections.Concurrent;
using ObjectStore.Lifecycle;

namespace ObjectStore.S3.Tests.Fakes;

/// <summary>Keeps queued restore jobs for the test to inspect.</summary>
internal sealed class InMemoryRestoreQueue : IRestoreQueue
{
    public ConcurrentQueue<RestoreJob> Jobs { get; } = new();

    public Task EnqueueAsync(RestoreJob job, CancellationToken cancellationToken)
    {
        Jobs.Enqueue(job);
        return Task.CompletedTask;
    }
}
