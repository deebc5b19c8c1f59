using Microsoft.Extensions.Hosting;
using ObjectStore.Index;

namespace ObjectStore.Hosting;

/// <summary>
/// Creates tables and Blob zone containers before the host serves (idempotent, so every instance runs
/// it). The event queues are <see cref="EventQueueInitializer"/>'s, which starts right after.
/// </summary>
internal sealed class StorageInitializer(IObjectIndex index, IScanStateStore scans, IIdentityStore identities, ShardZones zones) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await index.InitializeAsync(cancellationToken).ConfigureAwait(false);
        await scans.InitializeAsync(cancellationToken).ConfigureAwait(false);
        await identities.InitializeAsync(cancellationToken).ConfigureAwait(false);
        await zones.EnsureContainersAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
