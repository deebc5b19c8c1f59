using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ObjectStore.Storage.Blob;

/// <summary>
/// A zone that is one Blob container (in its own storage account or a shared one). Each shard is
/// a block blob named "{dataId}.{NN}.shard" (<see cref="ShardNames"/>), written with staged
/// blocks and published by one block-list commit (<see cref="BlobShardWriter"/>), read by range.
/// The container must exist (see <see cref="EnsureContainerAsync"/>, called once at start-up): a
/// container that disappears later is an unavailable zone, never something to recreate.
/// </summary>
public sealed class BlobShardStore : IShardStore
{
    private readonly BlobShardStoreOptions _options;
    private readonly ILogger _logger;
    private readonly Dictionary<string, AccessTier> _tiers;

    /// <param name="zone">The zone's name.</param>
    /// <param name="container">The zone's container.</param>
    /// <param name="options">Access tiers per storage class and the inline size; defaults when null.</param>
    /// <param name="logger">Where failed clean-ups are logged.</param>
    public BlobShardStore(string zone, BlobContainerClient container, BlobShardStoreOptions? options = null, ILogger<BlobShardStore>? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(zone);
        ArgumentNullException.ThrowIfNull(container);
        Zone = zone;
        Container = container;
        _options = options ?? new BlobShardStoreOptions();
        _options.Validate();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _tiers = _options.AccessTiers.ToDictionary(p => p.Key, p => new AccessTier(Canonical(p.Value)), StringComparer.OrdinalIgnoreCase);
    }

    public string Zone { get; }

    /// <summary>The zone's container (tests and tools use it for fault injection).</summary>
    public BlobContainerClient Container { get; }

    /// <summary>Creates the zone's container unless it exists (start-up only).</summary>
    public Task EnsureContainerAsync(CancellationToken cancellationToken) =>
        Container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);

    /// <summary>The blob name of a shard.</summary>
    public static string BlobName(ShardId id) => ShardNames.Committed(id);

    /// <summary>The access tier shards of <paramref name="storageClass"/> get; null for the account's default.</summary>
    public string? AccessTierFor(string? storageClass) =>
        storageClass is not null && _tiers.TryGetValue(storageClass, out var tier) ? tier.ToString() : null;

    public Task<IShardWriter> CreateAsync(ShardId id, CancellationToken cancellationToken) =>
        CreateAsync(id, new ShardWriteOptions(), cancellationToken);

    public Task<IShardWriter> CreateAsync(ShardId id, ShardWriteOptions options, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var storageClass = options.StorageClass;
        var blob = Container.GetBlockBlobClient(BlobName(id));
        AccessTier? tier = storageClass is not null && _tiers.TryGetValue(storageClass, out var t) ? t : (AccessTier?)null;
        return Task.FromResult<IShardWriter>(new BlobShardWriter(id, blob, this, tier, _options.InlineShardBytes));
    }

    public async Task<IShardReader?> OpenReadAsync(ShardId id, CancellationToken cancellationToken) =>
        await BlobShardReader.OpenAsync(Container.GetBlockBlobClient(BlobName(id)), cancellationToken).ConfigureAwait(false);

    public async Task<bool> DeleteAsync(ShardId id, CancellationToken cancellationToken) =>
        (await Container.GetBlockBlobClient(BlobName(id))
            .DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>
    /// Committed shards and, through <see cref="BlobStates.Uncommitted"/>, blobs that hold only
    /// staged blocks (a write in progress or abandoned by a crash): those list with length 0, which
    /// no committed shard has, and are the temporary entries.
    /// </summary>
    public async IAsyncEnumerable<ShardEntry> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in Container.GetBlobsAsync(BlobTraits.None, BlobStates.Uncommitted, prefix: null, cancellationToken)
                           .ConfigureAwait(false))
        {
            var length = item.Properties.ContentLength ?? 0;
            var modified = item.Properties.LastModified ?? item.Properties.CreatedOn ?? DateTimeOffset.MinValue;
            yield return new ShardEntry(Zone, item.Name, ShardNames.TryParse(item.Name), IsTemporary: length == 0, length, modified);
        }
    }

    /// <summary>Opens a committed entry; a temporary one (staged blocks only) cannot be read before its commit: null.</summary>
    public async Task<IShardReader?> OpenEntryAsync(ShardEntry entry, CancellationToken cancellationToken) =>
        entry.IsTemporary
            ? null
            : await BlobShardReader.OpenAsync(Container.GetBlockBlobClient(entry.Name), cancellationToken).ConfigureAwait(false);

    public async Task<bool> DeleteEntryAsync(ShardEntry entry, CancellationToken cancellationToken)
    {
        var blob = Container.GetBlockBlobClient(entry.Name);
        return entry.IsTemporary
            ? await DeleteStagedAsync(blob, cancellationToken).ConfigureAwait(false)
            : (await blob.DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
    }

    /// <summary>Sets the access tier of a committed shard (lifecycle transitions).</summary>
    public Task SetAccessTierAsync(ShardId id, string tier, CancellationToken cancellationToken) =>
        Container.GetBlockBlobClient(BlobName(id)).SetAccessTierAsync(new AccessTier(Canonical(tier)), cancellationToken: cancellationToken);

    /// <summary>Best-effort clean-up of an abandoned write's staged blocks; a failure leaves them to the repair scan.</summary>
    internal async Task DiscardStagedAsync(BlockBlobClient blob)
    {
        try
        {
            await DeleteStagedAsync(blob, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            BlobLog.DiscardFailed(_logger, blob.Name, Zone, e);
        }
    }

    /// <summary>
    /// Removes a blob that holds only staged blocks. Azure answers Delete Blob on such a blob with
    /// 404 (Azurite deletes it), so: a plain delete first; if nothing was there but staged blocks
    /// are, commit an empty block list only if no committed blob exists (If-None-Match: *), which
    /// discards the staged blocks, then delete that empty blob by its ETag. A committed shard that
    /// appeared meanwhile is never touched.
    /// </summary>
    private static async Task<bool> DeleteStagedAsync(BlockBlobClient blob, CancellationToken cancellationToken)
    {
        if ((await blob.DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value)
            return true;
        try
        {
            var blocks = await blob.GetBlockListAsync(BlockListTypes.Uncommitted, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!blocks.Value.UncommittedBlocks.Any())
                return false;
            var empty = await blob.CommitBlockListAsync([], new CommitBlockListOptions
            {
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            }, cancellationToken).ConfigureAwait(false);
            await blob.DeleteIfExistsAsync(conditions: new BlobRequestConditions { IfMatch = empty.Value.ETag },
                cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.BlobNotFound
                                               || e.ErrorCode == BlobErrorCode.BlobAlreadyExists
                                               || e.Status == 412)
        {
            return false;
        }
    }

    /// <summary>"hot" → "Hot": the service expects the canonical spelling.</summary>
    private static string Canonical(string tier) =>
        BlobShardStoreOptions.TierNames.FirstOrDefault(t => t.Equals(tier, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Access tier '{tier}' is not one of {string.Join(", ", BlobShardStoreOptions.TierNames)}.", nameof(tier));
}
