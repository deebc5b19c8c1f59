namespace ObjectStore.Storage;

/// <summary>
/// The storage of one zone: whole shard files, written under a temporary name and committed by
/// rename, read by range. Implementations: a directory on disk (<see cref="DiskShardStore"/>),
/// a Blob container (ObjectStore.Storage.Blob). No file-system or Azure types cross this seam.
/// </summary>
public interface IShardStore
{
    /// <summary>The zone's name, recorded in <see cref="DataLayout.ShardZones"/>.</summary>
    string Zone { get; }

    /// <summary>
    /// Starts a new shard under a temporary name. Nothing is visible under <paramref name="id"/>
    /// until <see cref="IShardWriter.CommitAsync"/>. Throws when the zone is unavailable.
    /// </summary>
    Task<IShardWriter> CreateAsync(ShardId id, CancellationToken cancellationToken);

    /// <summary>
    /// Starts a new shard as <paramref name="options"/> describe it: its storage class (a Blob zone
    /// commits it in the class's access tier) and whether it is parity (a disk zone keeps parity out of
    /// the page cache). Stores ignore what does not concern them.
    /// </summary>
    Task<IShardWriter> CreateAsync(ShardId id, ShardWriteOptions options, CancellationToken cancellationToken) =>
        CreateAsync(id, cancellationToken);

    /// <summary>Opens a committed shard for ranged reads; null when it does not exist.</summary>
    Task<IShardReader?> OpenReadAsync(ShardId id, CancellationToken cancellationToken);

    /// <summary>Deletes a committed shard; false when it did not exist.</summary>
    Task<bool> DeleteAsync(ShardId id, CancellationToken cancellationToken);

    /// <summary>
    /// Lists every shard object in the zone, committed and temporary, with its age, so a repair
    /// scan can find orphans. Order is unspecified.
    /// </summary>
    IAsyncEnumerable<ShardEntry> ListAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Opens any listed entry (temporary ones too) so its header can be read; null when gone, or
    /// when the store cannot read a temporary entry before its commit (Blob staged blocks).
    /// </summary>
    Task<IShardReader?> OpenEntryAsync(ShardEntry entry, CancellationToken cancellationToken);

    /// <summary>Deletes any listed entry (an orphan); false when it was already gone.</summary>
    Task<bool> DeleteEntryAsync(ShardEntry entry, CancellationToken cancellationToken);
}

/// <summary>A shard being written. Disposing without committing deletes it.</summary>
public interface IShardWriter : IAsyncDisposable
{
    ShardId Id { get; }

    /// <summary>
    /// Writes the buffers back to back at <paramref name="offset"/>. Blocks are written in order;
    /// the header at offset 0 is written once, last (it holds the final length).
    /// </summary>
    ValueTask WriteAsync(long offset, IReadOnlyList<ReadOnlyMemory<byte>> buffers, CancellationToken cancellationToken);

    /// <summary>Makes the bytes durable (flush to stable storage) and publishes the shard under its id.</summary>
    Task CommitAsync(CancellationToken cancellationToken);
}

/// <summary>A committed (or listed) shard opened for positional reads. Thread-safe for concurrent reads.</summary>
public interface IShardReader : IAsyncDisposable
{
    long Length { get; }

    /// <summary>Reads up to <paramref name="buffer"/>.Length bytes at <paramref name="offset"/>; fewer only at the end.</summary>
    ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken);
}

/// <param name="Zone">The zone holding it.</param>
/// <param name="Name">Store-specific name (relative path or blob name).</param>
/// <param name="Id">The shard id parsed from the name, when the name is a shard name.</param>
/// <param name="IsTemporary">A write in progress or abandoned by a crash.</param>
/// <param name="Length">Bytes.</param>
/// <param name="LastModified">Age, for orphan collection.</param>
public sealed record ShardEntry(string Zone, string Name, ShardId? Id, bool IsTemporary, long Length, DateTimeOffset LastModified);

/// <summary>What a store may want to know of a shard it starts.</summary>
/// <param name="StorageClass">The data's storage class (null: the default).</param>
/// <param name="Parity">A parity shard: read only when a data shard of its stripe is missing (a degraded
/// read, a repair), never by a healthy GET.</param>
public sealed record ShardWriteOptions(string? StorageClass = null, bool Parity = false);
