using Microsoft.Extensions.Hosting;
using ObjectStore.Background.Notifications;
using ObjectStore.Queues;

namespace ObjectStore.Hosting;

/// <summary>Creates the events queue and its poison queue before the host serves (idempotent, so every instance runs it).</summary>
internal sealed class EventQueueInitializer(IMessageQueues queues, EventQueues names) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await queues.Get(names.Events).CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        await queues.Get(names.Poison).CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
