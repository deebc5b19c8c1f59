using System.Text.Json;
using ObjectStore.Index.Events;

namespace ObjectStore.Index;

/// <summary>
/// A bucket's <see cref="NotificationConfiguration"/>, read from its <see cref="BucketRecord"/>: static
/// extensions, so callers still write <c>NotificationConfiguration.Of(bucket)</c>, while the events
/// namespace stays below the index contract (it never sees a bucket record).
/// </summary>
public static class BucketNotifications
{
    extension(NotificationConfiguration)
    {
        /// <summary>The configuration stored on a bucket (empty when none).</summary>
        public static NotificationConfiguration Of(BucketRecord bucket)
        {
            ArgumentNullException.ThrowIfNull(bucket);
            return bucket.Configuration.TryGetValue(NotificationConfiguration.ConfigurationName, out var json) && json.Length > 0
                ? JsonSerializer.Deserialize<NotificationConfiguration>(json, NotificationConfiguration.Json) ?? NotificationConfiguration.Empty
                : NotificationConfiguration.Empty;
        }

        /// <summary>
        /// The events to record with a write on <paramref name="key"/> of <paramref name="bucket"/>: one
        /// event when any configuration matches, none otherwise.
        /// </summary>
        public static IReadOnlyList<ObjectEvent>? EventsFor(BucketRecord bucket, string eventName, string key, Func<ObjectEvent, ObjectEvent>? describe = null)
        {
            var targets = NotificationConfiguration.Of(bucket).Match(eventName, key);
            if (targets.Count == 0)
                return null;
            var e = new ObjectEvent(eventName, targets) { Region = bucket.Region };
            return [describe is null ? e : describe(e)];
        }
    }
}
