using System.Text.Json;
using System.Text.Json.Serialization;

namespace ObjectStore.Background.Notifications;

/// <summary>
/// One message of the events queue: one event for one destination. <see cref="Body"/> is the exact
/// document the destination receives (so retries send identical bytes and signatures);
/// <see cref="EventId"/> is stable across retries and replays, for subscribers to drop duplicates.
/// </summary>
public sealed record EventMessage(string EventId, string Destination, string Body)
{
    /// <summary>Delivery attempts made so far.</summary>
    public int Attempts { get; init; }
    /// <summary>The failure of the last attempt, for operators looking at the poison queue.</summary>
    public string? LastError { get; init; }
    public string? Bucket { get; init; }
    public string? Key { get; init; }
    public string? EventName { get; init; }
    /// <summary>When the event was committed, to measure end-to-end latency.</summary>
    public DateTimeOffset? EventTime { get; init; }

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Null when the text is not an event message.</summary>
    public static EventMessage? TryParse(string text)
    {
        try
        {
            var message = JsonSerializer.Deserialize<EventMessage>(text, Json);
            return message is { EventId.Length: > 0, Destination.Length: > 0, Body: not null } ? message : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
