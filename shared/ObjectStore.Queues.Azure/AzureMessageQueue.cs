using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace ObjectStore.Queues.Azure;

/// <summary>
/// <see cref="IMessageQueue"/> over an Azure Storage queue (or Azurite). The text goes through the
/// client's <see cref="QueueClientOptions.MessageEncoding"/>: the store's own queues use
/// <see cref="QueueMessageEncoding.Base64"/> (see <see cref="AzureMessageQueues.ForStore"/>), which is
/// what the Functions queue triggers of the Notify and Lifecycle apps read by default. Not-found
/// answers become <see cref="MessageQueueNotFoundException"/> and <see cref="MessageNotFoundException"/>.
/// </summary>
public sealed class AzureMessageQueue(QueueClient client) : IMessageQueue
{
    public string Name => client.Name;

    public Task CreateIfNotExistsAsync(CancellationToken cancellationToken) =>
        client.CreateIfNotExistsAsync(cancellationToken: cancellationToken);

    public Task SendAsync(string text, TimeSpan visibilityDelay, CancellationToken cancellationToken) =>
        CallAsync(null, () => client.SendMessageAsync(text, visibilityTimeout: visibilityDelay > TimeSpan.Zero ? visibilityDelay : null, cancellationToken: cancellationToken));

    public async Task<IReadOnlyList<ReceivedMessage>> ReceiveAsync(int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        QueueMessage[] messages = (await CallAsync(null, () => client.ReceiveMessagesAsync(maxMessages, visibilityTimeout, cancellationToken)).ConfigureAwait(false)).Value;
        return messages.Select(m => new ReceivedMessage(m.MessageId, m.PopReceipt, m.Body.ToString(), m.DequeueCount, m.InsertedOn)).ToArray();
    }

    public async Task<IReadOnlyList<PeekedMessage>> PeekAsync(int maxMessages, CancellationToken cancellationToken)
    {
        PeekedMessage[] messages = (await CallAsync(null, () => client.PeekMessagesAsync(maxMessages, cancellationToken)).ConfigureAwait(false)).Value
            .Select(m => new PeekedMessage(m.MessageId, m.Body.ToString(), m.DequeueCount, m.InsertedOn)).ToArray();
        return messages;
    }

    public Task DeleteAsync(ReceivedMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return CallAsync(message.MessageId, () => client.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken));
    }

    public async Task<ReceivedMessage> UpdateVisibilityAsync(ReceivedMessage message, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        // No new text: the service keeps the body as it is.
        UpdateReceipt receipt = (await CallAsync(message.MessageId,
            () => client.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: visibilityTimeout, cancellationToken: cancellationToken)).ConfigureAwait(false)).Value;
        return message with { PopReceipt = receipt.PopReceipt };
    }

    private async Task<T> CallAsync<T>(string? messageId, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.ErrorCode == QueueErrorCode.QueueNotFound.ToString())
        {
            throw new MessageQueueNotFoundException(Name, e);
        }
        catch (RequestFailedException e) when (messageId is not null && (e.ErrorCode == QueueErrorCode.MessageNotFound.ToString() || e.ErrorCode == QueueErrorCode.PopReceiptMismatch.ToString()))
        {
            throw new MessageNotFoundException(Name, messageId, e);
        }
    }
}
