using Microsoft.Extensions.Hosting;
using ObjectStore.Background.Notifications;
using ObjectStore.Index;
using ObjectStore.Queues;

namespace ObjectStore.Hosting;

/// <summary>Creates tables, queues and Blob zone containers before the host serves (idempotent, so every instance runs it).</summary>
internal sealed class StorageInitializer(IObjectIndex index, IScanStateStore scans, IIdentityStore identities, IMessageQueues queues, ShardZones zones, EventQueues names) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await index.InitializeAsync(cancellationToken).ConfigureAwait(false);
        await scans.InitializeAsync(cancellationToken).ConfigureAwait(false);
        await identities.InitializeAsync(cancellationToken).ConfigureAwait(false);
        await queues.Get(names.Events).CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        await queues.Get(names.Poison).CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        await zones.EnsureContainersAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
