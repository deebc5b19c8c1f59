using Azure.Storage.Queues;
using ObjectStore.Lifecycle;

namespace ObjectStore.Background.Restore;

/// <summary>
/// <see cref="IRestoreQueue"/> over an Azure queue (the shared client base64-encodes messages, as the
/// Functions queue trigger reads them). The queue is created once per process; its poison queue is "&lt;name&gt;-poison".
/// </summary>
public sealed class RestoreQueue(QueueServiceClient queues, string queueName) : IRestoreQueue
{
    private readonly QueueClient _queue = queues.GetQueueClient(queueName);
    private Task? _created;

    public string Name => queueName;

    public async Task EnqueueAsync(RestoreJob job, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync().ConfigureAwait(false);
        await _queue.SendMessageAsync(job.ToMessage(), cancellationToken).ConfigureAwait(false);
    }

    private Task EnsureCreatedAsync()
    {
        var task = _created;
        if (task is null || task.IsFaulted || task.IsCanceled)
            _created = task = _queue.CreateIfNotExistsAsync();
        return task;
    }
}
