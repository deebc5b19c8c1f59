namespace ObjectStore.Storage.Blob;

/// <summary>How a <see cref="BlobShardStore"/> writes its zone's shards.</summary>
public sealed class BlobShardStoreOptions
{
    /// <summary>Default for <see cref="InlineShardBytes"/>: 256 KiB.</summary>
    public const int DefaultInlineShardBytes = 256 * 1024;

    /// <summary>Access tier names Blob storage accepts for block blobs.</summary>
    public static readonly IReadOnlyList<string> TierNames = ["Hot", "Cool", "Cold", "Archive"];

    /// <summary>
    /// S3 storage class to access tier ("Hot", "Cool", "Cold", "Archive") of the shards written
    /// for it. A class not listed gets the account's default tier.
    /// </summary>
    public IDictionary<string, string> AccessTiers { get; set; } =
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// A shard whose data (after its header) stays within this many bytes is buffered and uploaded
    /// in one request at commit; a larger one is staged block by block as it is written. 0 stages
    /// every write.
    /// </summary>
    public int InlineShardBytes { get; set; } = DefaultInlineShardBytes;

    /// <summary>Throws <see cref="ArgumentException"/> for an unknown tier name or a negative size.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(InlineShardBytes);
        foreach (var (storageClass, tier) in AccessTiers)
            if (!TierNames.Contains(tier, StringComparer.OrdinalIgnoreCase))
                throw new ArgumentException(
                    $"Storage class {storageClass}: access tier '{tier}' is not one of {string.Join(", ", TierNames)}.");
    }
}
