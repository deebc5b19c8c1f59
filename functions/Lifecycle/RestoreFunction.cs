using Microsoft.Azure.Functions.Worker;
using ObjectStore.Background;
using ObjectStore.Background.Restore;

namespace ObjectStore.Functions.Lifecycle;

/// <summary>
/// Makes the readable copy for one accepted RestoreObject request from the restore queue (named by
/// the OBJECTSTORE_RESTORE_QUEUE setting). A throw leaves the message to the host's retries; after
/// maxDequeueCount the host moves it to the poison queue, and the next lifecycle pass queues a
/// still-pending restore again.
/// </summary>
internal sealed class RestoreFunction(RestoreWorker worker)
{
    public const string Name = "Restore";

    [Function(Name)]
    public Task RunAsync(
        [QueueTrigger("%" + BackgroundSchedules.RestoreQueueSetting + "%", Connection = BackgroundSchedules.StorageConnectionSetting)] string message,
        long dequeueCount,
        CancellationToken cancellationToken) =>
        worker.HandleAsync(message, dequeueCount, cancellationToken);
}
