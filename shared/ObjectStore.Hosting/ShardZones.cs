using Azure;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging;
using ObjectStore.Storage;
using ObjectStore.Storage.Blob;
using ObjectStore.Storage.Disk;

namespace ObjectStore.Hosting;

/// <summary>
/// The shard store of every configured zone, in placement order: a directory or a Blob container
/// each, so one deployment can mix backends (some zones on disk, some on Blob).
/// </summary>
internal sealed class ShardZones(IReadOnlyList<IShardStore> stores)
{
    public IReadOnlyList<IShardStore> Stores { get; } = stores;

    /// <summary>The stores of the configured zones, each behind a <see cref="MeteredShardStore"/>.</summary>
    public static ShardZones Create(ObjectStoreSettings settings, ErasureDataStoreOptions dataOptions, ILoggerFactory loggers, StorageMetrics metrics)
    {
        var blobOptions = new BlobShardStoreOptions
        {
            AccessTiers = settings.BlobAccessTiers.ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase),
        };
        BlobServiceClient? shared = null;
        var window = new WriteCacheWindow(dataOptions.WriteCacheBytes); // one for all disk zones
        var stores = settings.ZoneList.Select(zone =>
        {
            if (zone.Backend == ZoneBackend.Disk)
                return DataStoreServiceCollectionExtensions.CreateDiskZone(dataOptions, zone.Name, window);
            var service = zone.BlobServiceUri is { } uri
                ? new BlobServiceClient(uri, settings.Storage.Credential)
                : shared ??= settings.Storage.CreateBlobServiceClient();
            return (IShardStore)new BlobShardStore(zone.Name, service.GetBlobContainerClient(settings.BlobContainerPrefix + zone.Name),
                blobOptions, loggers.CreateLogger<BlobShardStore>());
        }).Select(store => (IShardStore)new MeteredShardStore(store, metrics)).ToArray();
        return new ShardZones(stores);
    }

    /// <summary>
    /// Creates each Blob zone's container unless it exists (start-up). An identity that may not
    /// create it (403: the deployment made the containers, and an app that never touches shards,
    /// like Notify, has no role on them) leaves it to the deployment.
    /// </summary>
    public Task EnsureContainersAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(Stores.Select(MeteredShardStore.Unwrap).OfType<BlobShardStore>().Select(async zone =>
        {
            try
            {
                await zone.EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status == 403)
            {
            }
        }));
}
