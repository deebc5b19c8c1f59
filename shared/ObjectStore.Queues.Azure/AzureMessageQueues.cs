using Azure.Storage.Queues;

namespace ObjectStore.Queues.Azure;

/// <summary>The queues of one Azure Storage account (or Azurite), with the encoding its client was made with.</summary>
public sealed class AzureMessageQueues(QueueServiceClient service) : IMessageQueues
{
    /// <summary>
    /// Base64, as the Functions queue trigger expects by default (TOOLING.md): every queue the store
    /// itself writes and a trigger may read (events, restore, their poison queues, the heal queue)
    /// goes through a client made here.
    /// </summary>
    public static QueueClientOptions StoreClientOptions() => new() { MessageEncoding = QueueMessageEncoding.Base64 };

    /// <summary>The store's own queues over <paramref name="create"/>'s client, always base64-encoded.</summary>
    public static AzureMessageQueues ForStore(Func<QueueClientOptions, QueueServiceClient> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        return new AzureMessageQueues(create(StoreClientOptions()));
    }

    /// <summary>
    /// A queue of another party (an event destination): base64 when its consumer expects it (a
    /// Functions trigger), plain text otherwise; in the account of <paramref name="connectionString"/>,
    /// or when that is empty, of <paramref name="ownAccount"/>.
    /// </summary>
    public static IMessageQueue Destination(string queueName, bool base64, string? connectionString, Func<QueueClientOptions, QueueServiceClient> ownAccount)
    {
        ArgumentNullException.ThrowIfNull(ownAccount);
        var options = new QueueClientOptions { MessageEncoding = base64 ? QueueMessageEncoding.Base64 : QueueMessageEncoding.None };
        var client = string.IsNullOrEmpty(connectionString)
            ? ownAccount(options).GetQueueClient(queueName)
            : new QueueClient(connectionString, queueName, options);
        return new AzureMessageQueue(client);
    }

    public IMessageQueue Get(string name) => new AzureMessageQueue(service.GetQueueClient(name));
}
