using ObjectStore.Erasure;

namespace ObjectStore.Storage;

/// <summary>Configuration of <see cref="ErasureObjectDataStore"/> (the hosts fill it from their settings; class profiles from OBJECTSTORE_STORAGE_CLASSES).</summary>
public sealed class ErasureDataStoreOptions
{
    public const string StandardStorageClass = "STANDARD";
    public const int DefaultBlockSize = 1024 * 1024;

    /// <summary>
    /// Root for the disk zones (<c>{DataRoot}/zones/{zone}</c>); defaults to $OBJECTSTORE_DATA.
    /// Used by <see cref="Disk.DataStoreServiceCollectionExtensions.AddErasureDataStore"/> only.
    /// </summary>
    public string? DataRoot { get; set; }

    /// <summary>Zone names, one directory (or later one container) each.</summary>
    public IList<string> Zones { get; set; } = ["zone-a", "zone-b", "zone-c"];

    /// <summary>
    /// S3 storage class to erasure profile ("k+m"). Classes not listed use STANDARD's profile
    /// (the gateway decides which class names it accepts).
    /// </summary>
    public IDictionary<string, string> StorageClasses { get; set; } =
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { [StandardStorageClass] = "4+2" };

    /// <summary>Bytes per shard block of a full stripe; the last stripe of an object uses smaller blocks.</summary>
    public int BlockSize { get; set; } = DefaultBlockSize;

    /// <summary>fsync each zone directory after a commit rename (Linux), so the rename survives power loss.</summary>
    public bool SyncDirectories { get; set; } = true;

    /// <summary>
    /// Bytes of freshly written data shard files the disk zones of this store leave in the page cache (a
    /// <see cref="Disk.WriteCacheWindow"/>): the newest stay, so a GET of an object written a moment ago (a checkpoint
    /// evaluated right after training) reads memory; older ones leave as new ones commit, so writing does not grow
    /// the cache by every object or push out what readers use. A shard file longer than this is written and read
    /// past the cache. Parity never stays. <see cref="long.MaxValue"/>: everything written stays (the kernel's LRU
    /// alone decides). OBJECTSTORE_DISK_WRITE_CACHE_BYTES; docs/benchmarks.md "The page cache".
    /// </summary>
    public long WriteCacheBytes { get; set; } = DefaultWriteCacheBytes;

    public const long DefaultWriteCacheBytes = 512L * 1024 * 1024;

    /// <summary>Throws <see cref="ArgumentException"/> on a configuration the store cannot honour.</summary>
    public void Validate(int zoneCount)
    {
        ShardGeometry.ValidateBlockSize(BlockSize);
        if (WriteCacheBytes < 0)
            throw new ArgumentException("WriteCacheBytes must not be negative.");
        if (zoneCount < 1)
            throw new ArgumentException("At least one zone is required.");
        if (!StorageClasses.ContainsKey(StandardStorageClass))
            throw new ArgumentException($"Storage class {StandardStorageClass} must have a profile.");
        foreach (var (storageClass, text) in StorageClasses)
        {
            var profile = ErasureProfile.Parse(text);
            if (!ShardPlacement.SurvivesZoneLoss(profile.DataShards, profile.ParityShards, zoneCount))
                throw new ArgumentException(
                    $"Storage class {storageClass} ({profile}) over {zoneCount} zones puts " +
                    $"{ShardPlacement.MaxShardsPerZone(profile.TotalShards, zoneCount)} shards in one zone; " +
                    $"losing that zone would lose more than {profile.ParityShards}.");
        }
    }

    internal ErasureProfile ProfileFor(string? storageClass) =>
        ErasureProfile.Parse(
            !string.IsNullOrEmpty(storageClass) && StorageClasses.TryGetValue(storageClass, out var text)
                ? text
                : StorageClasses[StandardStorageClass]);
}
