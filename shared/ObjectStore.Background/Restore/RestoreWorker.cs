using Microsoft.Extensions.Logging;
using ObjectStore.Lifecycle;

namespace ObjectStore.Background.Restore;

/// <summary>
/// Makes the copies RestoreObject requests queued: the Lifecycle app's restore queue trigger and the
/// local host's pump both call it. Idempotent: a job whose version is no longer pending does nothing,
/// so a redelivered or duplicated message is harmless. A throw leaves the message to the queue's
/// retries (then the poison queue; the next lifecycle pass queues a still-pending restore again).
/// </summary>
public sealed partial class RestoreWorker(ILifecycleActions actions, ILogger<RestoreWorker> logger)
{
    public async Task HandleAsync(string message, long dequeueCount, CancellationToken cancellationToken)
    {
        if (RestoreJob.TryParse(message) is not { } job)
        {
            LogMalformed(message.Length > 200 ? message[..200] : message);
            return;
        }
        var outcome = await actions.CompleteRestoreAsync(job, cancellationToken).ConfigureAwait(false);
        LogHandled(job.Bucket, job.Key, job.VersionId, outcome, dequeueCount);
    }

    [LoggerMessage(EventId = 5301, Level = LogLevel.Information, Message = "Restore of /{Bucket}/{Key} ({VersionId}): {Outcome} (attempt {DequeueCount})")]
    private partial void LogHandled(string bucket, string key, string versionId, LifecycleActionOutcome outcome, long dequeueCount);

    [LoggerMessage(EventId = 5302, Level = LogLevel.Warning, Message = "Dropped a restore queue message that is not a restore job: {Message}")]
    private partial void LogMalformed(string message);
}
