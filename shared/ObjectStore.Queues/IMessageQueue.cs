namespace ObjectStore.Queues;

/// <summary>
/// One message queue as background work uses it: at-least-once delivery, a message hidden for a
/// while after each receive (and until a send's delay has passed), deleted only by the receiver
/// holding its current pop receipt. Messages are text; how they are encoded on the wire is the
/// implementation's business (the Azure adapter for the store's own queues writes base64, as the
/// Functions queue trigger reads it). Implementations: <c>AzureMessageQueue</c>
/// (ObjectStore.Queues.Azure) and the in-memory queue of the tests (ObjectStore.Testing); one
/// contract suite runs against both.
/// </summary>
public interface IMessageQueue
{
    string Name { get; }

    /// <summary>Creates the queue when it does not exist (idempotent). Every other call fails with <see cref="MessageQueueNotFoundException"/> before.</summary>
    Task CreateIfNotExistsAsync(CancellationToken cancellationToken);

    /// <summary>Adds a message that becomes visible after <paramref name="visibilityDelay"/> (<see cref="TimeSpan.Zero"/>: at once).</summary>
    Task SendAsync(string text, TimeSpan visibilityDelay, CancellationToken cancellationToken);

    /// <summary>
    /// Takes up to <paramref name="maxMessages"/> (1-32) visible messages and hides each for
    /// <paramref name="visibilityTimeout"/>; each receive counts one dequeue. Empty when none is visible.
    /// </summary>
    Task<IReadOnlyList<ReceivedMessage>> ReceiveAsync(int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="maxMessages"/> (1-32) visible messages, without hiding them or counting a dequeue.</summary>
    Task<IReadOnlyList<PeekedMessage>> PeekAsync(int maxMessages, CancellationToken cancellationToken);

    /// <summary>Deletes a received message; <see cref="MessageNotFoundException"/> when it is gone or its receipt is stale.</summary>
    Task DeleteAsync(ReceivedMessage message, CancellationToken cancellationToken);

    /// <summary>
    /// Hides a received message for <paramref name="visibilityTimeout"/> from now (<see cref="TimeSpan.Zero"/>:
    /// visible again at once). Returns the message with its new pop receipt (the old one is stale);
    /// <see cref="MessageNotFoundException"/> when it is gone or its receipt is stale.
    /// </summary>
    Task<ReceivedMessage> UpdateVisibilityAsync(ReceivedMessage message, TimeSpan visibilityTimeout, CancellationToken cancellationToken);
}

/// <summary>The queues of one account, by name.</summary>
public interface IMessageQueues
{
    IMessageQueue Get(string name);

    /// <summary>The poison queue of <paramref name="queueName"/>: "&lt;name&gt;-poison", as the Functions host names it.</summary>
    IMessageQueue GetPoison(string queueName) => Get(PoisonName(queueName));

    static string PoisonName(string queueName) => queueName + "-poison";
}

/// <summary>A received message: <see cref="PopReceipt"/> lets its receiver delete it or change its visibility.</summary>
public sealed record ReceivedMessage(string MessageId, string PopReceipt, string Text, long DequeueCount, DateTimeOffset? InsertedOn);

/// <summary>A message seen without receiving it.</summary>
public sealed record PeekedMessage(string MessageId, string Text, long DequeueCount, DateTimeOffset? InsertedOn);

/// <summary>The queue does not exist (it was never created, or was deleted).</summary>
public sealed class MessageQueueNotFoundException(string queueName, Exception? inner = null)
    : Exception($"Queue '{queueName}' does not exist.", inner)
{
    public string QueueName { get; } = queueName;
}

/// <summary>The message was deleted, or the pop receipt is not its current one (it was received or updated since).</summary>
public sealed class MessageNotFoundException(string queueName, string messageId, Exception? inner = null)
    : Exception($"Message '{messageId}' of queue '{queueName}' is gone or its pop receipt is stale.", inner)
{
    public string QueueName { get; } = queueName;
    public string MessageId { get; } = messageId;
}
