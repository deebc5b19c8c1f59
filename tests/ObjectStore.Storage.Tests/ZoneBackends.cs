using Azure;
using Azure.Storage.Blobs;
using ObjectStore.Storage.Blob;
using ObjectStore.Storage.Disk;
using ObjectStore.Testing;

namespace ObjectStore.Storage.Tests;

/// <summary>
/// A shard-store backend the contract tests run against, with the faults a test injects below the
/// store (a lost zone, a replaced or corrupted shard): real directories or real Blob containers.
/// </summary>
public interface IZoneBackend
{
    /// <summary>Creates the zones (directories or containers) and their stores.</summary>
    IReadOnlyList<IShardStore> CreateZones(ErasureDataStoreOptions options);

    /// <summary>The committed bytes of a shard; null when it does not exist.</summary>
    Task<byte[]?> ReadShardAsync(IShardStore zone, ShardId id);

    /// <summary>Replaces a shard's committed bytes behind the store's back (corruption, truncation).</summary>
    Task WriteShardAsync(IShardStore zone, ShardId id, byte[] bytes);

    /// <summary>Removes the whole zone (an unmounted disk, a deleted container or account).</summary>
    Task DeleteZoneAsync(IShardStore zone);

    /// <summary>Removes what <see cref="CreateZones"/> made.</summary>
    Task CleanUpAsync(IReadOnlyList<IShardStore> zones);
}

/// <summary>One directory per zone under a temporary root.</summary>
public sealed class DiskZoneBackend : IZoneBackend
{
    public IReadOnlyList<IShardStore> CreateZones(ErasureDataStoreOptions options)
    {
        options.DataRoot = Path.Combine(Path.GetTempPath(), "objectstore-storage-tests", Guid.NewGuid().ToString("N"));
        options.SyncDirectories = false; // test speed; the commit path is the same otherwise
        return DataStoreServiceCollectionExtensions.CreateDiskZones(options);
    }

    public async Task<byte[]?> ReadShardAsync(IShardStore zone, ShardId id)
    {
        var path = ((DiskShardStore)zone).ShardPath(id);
        return File.Exists(path) ? await File.ReadAllBytesAsync(path) : null;
    }

    public Task WriteShardAsync(IShardStore zone, ShardId id, byte[] bytes) =>
        File.WriteAllBytesAsync(((DiskShardStore)zone).ShardPath(id), bytes);

    public Task DeleteZoneAsync(IShardStore zone)
    {
        Directory.Delete(((DiskShardStore)zone).RootDirectory, recursive: true);
        return Task.CompletedTask;
    }

    public Task CleanUpAsync(IReadOnlyList<IShardStore> zones)
    {
        foreach (var root in zones.Cast<DiskShardStore>().Select(z => Path.GetDirectoryName(Path.GetDirectoryName(z.RootDirectory))!).Distinct())
        {
            try { Directory.Delete(root, recursive: true); }
            catch (DirectoryNotFoundException) { }
        }
        return Task.CompletedTask;
    }
}

/// <summary>
/// One container per zone in Azurite (unique names, so test classes share one Azurite). Shards
/// of up to 8 KiB of data go up in one request, larger ones as staged blocks, so the tests'
/// 4 KiB blocks exercise both write paths.
/// </summary>
public sealed class BlobZoneBackend(AzuriteFixture azurite, int inlineShardBytes = 8192) : IZoneBackend
{
    private readonly BlobServiceClient _service = new(azurite.ConnectionString);

    public IReadOnlyList<IShardStore> CreateZones(ErasureDataStoreOptions options)
    {
        var blobOptions = new BlobShardStoreOptions { InlineShardBytes = inlineShardBytes };
        blobOptions.AccessTiers["STANDARD_IA"] = "Cool";
        return options.Zones.Select(zone =>
        {
            var container = _service.GetBlobContainerClient(UniqueNames.Container(zone));
            container.CreateIfNotExists();
            return (IShardStore)new BlobShardStore(zone, container, blobOptions);
        }).ToArray();
    }

    public async Task<byte[]?> ReadShardAsync(IShardStore zone, ShardId id)
    {
        try
        {
            var content = await Blob(zone, id).DownloadContentAsync();
            return content.Value.Content.ToArray();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public async Task WriteShardAsync(IShardStore zone, ShardId id, byte[] bytes) =>
        await Blob(zone, id).UploadAsync(new BinaryData(bytes), overwrite: true);

    public async Task DeleteZoneAsync(IShardStore zone) => await ((BlobShardStore)zone).Container.DeleteAsync();

    public async Task CleanUpAsync(IReadOnlyList<IShardStore> zones)
    {
        foreach (var zone in zones.Cast<BlobShardStore>())
            await zone.Container.DeleteIfExistsAsync();
    }

    private static BlobClient Blob(IShardStore zone, ShardId id) =>
        ((BlobShardStore)zone).Container.GetBlobClient(BlobShardStore.BlobName(id));
}
