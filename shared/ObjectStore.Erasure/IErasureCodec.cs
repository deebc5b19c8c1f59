namespace ObjectStore.Erasure;

/// <summary>
/// A systematic erasure code over equal-length shards. Implementations are thread-safe:
/// one instance serves every request of its profile.
/// </summary>
public interface IErasureCodec
{
    ErasureProfile Profile { get; }

    /// <summary>Computes the parity shards from the data shards. All buffers have the same length.</summary>
    /// <param name="data">Exactly k data shards.</param>
    /// <param name="parity">Exactly m parity shards, overwritten.</param>
    void Encode(ReadOnlySpan<ReadOnlyMemory<byte>> data, ReadOnlySpan<Memory<byte>> parity);

    /// <summary>
    /// Rebuilds the missing shards in place. <paramref name="shards"/> holds all k+m shards in
    /// shard order (data first); <paramref name="present"/>[i] is false for each shard to rebuild.
    /// At least k shards must be present.
    /// </summary>
    void Reconstruct(ReadOnlySpan<Memory<byte>> shards, ReadOnlySpan<bool> present);
}
