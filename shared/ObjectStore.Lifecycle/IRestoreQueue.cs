using System.Text.Json;

namespace ObjectStore.Lifecycle;

/// <summary>
/// Where accepted RestoreObject requests wait for the copy to be made: a durable queue drained by the
/// Lifecycle app's restore trigger (locally, the host's pump). Sending twice is harmless: the worker
/// does nothing for a version whose restore is no longer pending.
/// </summary>
public interface IRestoreQueue
{
    Task EnqueueAsync(RestoreJob job, CancellationToken cancellationToken);
}

/// <summary>One archived version to copy back into a readable class.</summary>
public sealed record RestoreJob(string Bucket, string Key, string VersionId)
{
    public string ToMessage() => JsonSerializer.Serialize(this);

    /// <summary>Null for a message that is not a restore job (it is dropped, never retried).</summary>
    public static RestoreJob? TryParse(string message)
    {
        try
        {
            return JsonSerializer.Deserialize<RestoreJob>(message) is { Bucket.Length: > 0, Key.Length: > 0, VersionId.Length: > 0 } job ? job : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
