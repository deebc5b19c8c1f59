using System.Text.Json;
using System.Text.Json.Serialization;

namespace ObjectStore.Index.Events;

/// <summary>Which element of a notification configuration document a rule came from.</summary>
public enum NotificationKind { Queue, Topic, CloudFunction }

/// <summary>
/// One QueueConfiguration / TopicConfiguration / CloudFunctionConfiguration entry: the events it
/// wants, for keys matching its prefix and suffix filter rules, sent to one destination.
/// </summary>
public sealed record NotificationRule(NotificationKind Kind, string Id, string DestinationArn, IReadOnlyList<string> Events)
{
    public string? Prefix { get; init; }
    public string? Suffix { get; init; }

    public bool Matches(string eventName, string key) =>
        Events.Any(e => EventNames.Covers(e, eventName))
        && (Prefix is null || key.StartsWith(Prefix, StringComparison.Ordinal))
        && (Suffix is null || key.EndsWith(Suffix, StringComparison.Ordinal));
}

/// <summary>
/// A bucket's notification configuration, as validated by PutBucketNotificationConfiguration. Stored
/// as JSON in <see cref="BucketRecord.Configuration"/> under <see cref="ConfigurationName"/>, so every
/// writer of the index (the object service, background passes) matches events the same way.
/// </summary>
public sealed record NotificationConfiguration(IReadOnlyList<NotificationRule> Rules)
{
    public const string ConfigurationName = "notification";

    public static readonly NotificationConfiguration Empty = new([]);

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The configuration stored on a bucket (empty when none).</summary>
    public static NotificationConfiguration Of(BucketRecord bucket)
    {
        ArgumentNullException.ThrowIfNull(bucket);
        return bucket.Configuration.TryGetValue(ConfigurationName, out var json) && json.Length > 0
            ? JsonSerializer.Deserialize<NotificationConfiguration>(json, Json) ?? Empty
            : Empty;
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The configurations an event of this type on this key goes to (one target per matching rule).</summary>
    public IReadOnlyList<EventTarget> Match(string eventName, string key)
    {
        List<EventTarget>? targets = null;
        foreach (var rule in Rules)
        {
            if (rule.Matches(eventName, key))
                (targets ??= []).Add(new EventTarget(rule.Id, rule.DestinationArn));
        }
        return targets ?? (IReadOnlyList<EventTarget>)[];
    }

    /// <summary>
    /// The events to record with a write on <paramref name="key"/> of <paramref name="bucket"/>: one
    /// event when any configuration matches, none otherwise.
    /// </summary>
    public static IReadOnlyList<ObjectEvent>? EventsFor(BucketRecord bucket, string eventName, string key, Func<ObjectEvent, ObjectEvent>? describe = null)
    {
        var targets = Of(bucket).Match(eventName, key);
        if (targets.Count == 0)
            return null;
        var e = new ObjectEvent(eventName, targets) { Region = bucket.Region };
        return [describe is null ? e : describe(e)];
    }
}
