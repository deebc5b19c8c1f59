using ObjectStore.Index;

namespace ObjectStore.Lifecycle;

/// <summary>What became of one lifecycle action.</summary>
public enum LifecycleActionOutcome
{
    Done,
    /// <summary>The version or upload changed (or went away) since it was read: a concurrent write wins, nothing was done.</summary>
    Skipped,
}

/// <summary>
/// The object-level operations a lifecycle pass performs, each a conditional index operation on
/// exactly what the pass read, followed by the data cleanup it implies. Implemented by the object
/// service, which owns data layouts (single and multipart) and uploads.
/// </summary>
public interface ILifecycleActions
{
    /// <summary>Expires the latest version <paramref name="latest"/> (a delete marker in a versioned bucket).</summary>
    Task<LifecycleActionOutcome> ExpireCurrentAsync(ObjectRecord latest, CancellationToken cancellationToken);

    /// <summary>Deletes one version (noncurrent, or a lone expired delete marker) and its data.</summary>
    Task<LifecycleActionOutcome> DeleteVersionAsync(ObjectRecord version, CancellationToken cancellationToken);

    /// <summary>
    /// Re-encodes a version into <paramref name="storageClass"/>'s profile (streamed, bounded memory),
    /// commits the new layout conditionally, then removes the old data.
    /// </summary>
    Task<LifecycleActionOutcome> TransitionAsync(ObjectRecord version, string storageClass, CancellationToken cancellationToken);

    /// <summary>Aborts an incomplete multipart upload and deletes its parts' data.</summary>
    Task<LifecycleActionOutcome> AbortUploadAsync(UploadRecord upload, CancellationToken cancellationToken);

    /// <summary>
    /// Makes the readable copy of a version whose restore is pending (streamed, bounded memory) and
    /// commits it conditionally with its expiry; Skipped when nothing is pending any more.
    /// </summary>
    Task<LifecycleActionOutcome> CompleteRestoreAsync(RestoreJob job, CancellationToken cancellationToken);

    /// <summary>Removes the expired temporary copy of a restored archive version.</summary>
    Task<LifecycleActionOutcome> EndRestoreAsync(ObjectRecord version, CancellationToken cancellationToken);
}
