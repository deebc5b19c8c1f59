using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging;
using ObjectStore.Storage;
using ObjectStore.Storage.Blob;

namespace ObjectStore.Hosting;

/// <summary>
/// The shard store of every configured zone, in placement order: a directory or a Blob container
/// each, so one deployment can mix backends (some zones on disk, some on Blob).
/// </summary>
internal sealed class ShardZones(IReadOnlyList<IShardStore> stores)
{
    public IReadOnlyList<IShardStore> Stores { get; } = stores;

    public static ShardZones Create(ObjectStoreSettings settings, ErasureDataStoreOptions dataOptions, ILoggerFactory loggers)
    {
        var blobOptions = new BlobShardStoreOptions
        {
            AccessTiers = settings.BlobAccessTiers.ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase),
        };
        BlobServiceClient? shared = null;
        var stores = settings.ZoneList.Select(zone =>
        {
            if (zone.Backend == ZoneBackend.Disk)
                return DataStoreServiceCollectionExtensions.CreateDiskZone(dataOptions, zone.Name);
            var service = zone.BlobServiceUri is { } uri
                ? new BlobServiceClient(uri, settings.Storage.Credential)
                : shared ??= settings.Storage.CreateBlobServiceClient();
            return (IShardStore)new BlobShardStore(zone.Name, service.GetBlobContainerClient(settings.BlobContainerPrefix + zone.Name),
                blobOptions, loggers.CreateLogger<BlobShardStore>());
        }).ToArray();
        return new ShardZones(stores);
    }

    /// <summary>Creates each Blob zone's container unless it exists (start-up).</summary>
    public Task EnsureContainersAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(Stores.OfType<BlobShardStore>().Select(zone => zone.EnsureContainerAsync(cancellationToken)));
}
