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
/// writer of the index (the object service, background passes) matches events the same way. Reading it
/// from a bucket (<c>Of</c>, <c>EventsFor</c>) is <see cref="BucketNotifications"/>, beside the bucket record.
/// </summary>
public sealed record NotificationConfiguration(IReadOnlyList<NotificationRule> Rules)
{
    public const string ConfigurationName = "notification";

    public static readonly NotificationConfiguration Empty = new([]);

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

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
}
