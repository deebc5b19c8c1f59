using ObjectStore.Lifecycle;
using ObjectStore.Queues;

namespace ObjectStore.Background.Restore;

/// <summary>
/// <see cref="IRestoreQueue"/> over the store's restore queue (on Azure the store's queues are
/// base64-encoded, as the Functions queue trigger reads them). The queue is created once per process; its poison queue is "&lt;name&gt;-poison".
/// </summary>
public sealed class RestoreQueue(IMessageQueues queues, string queueName) : IRestoreQueue
{
    private readonly IMessageQueue _queue = queues.Get(queueName);
    private Task? _created;

    public string Name => queueName;

    public async Task EnqueueAsync(RestoreJob job, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync().ConfigureAwait(false);
        await _queue.SendAsync(job.ToMessage(), TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
    }

    private Task EnsureCreatedAsync()
    {
        var task = _created;
        if (task is null || task.IsFaulted || task.IsCanceled)
            _created = task = _queue.CreateIfNotExistsAsync(CancellationToken.None);
        return task;
    }
}
