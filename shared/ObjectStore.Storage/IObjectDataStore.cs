namespace ObjectStore.Storage;

/// <summary>
/// The data plane as the object service sees it: streams bytes into erasure-coded shards across
/// zones and reads them back (degraded if need be). It knows nothing of buckets, keys or HTTP.
/// </summary>
public interface IObjectDataStore
{
    /// <summary>
    /// Reads <paramref name="source"/> to its end, stripe by stripe, and writes the shards durably
    /// (temporary name, flush, rename). Returns only once the write quorum is durable; the caller
    /// commits the returned layout to the index afterwards. MD5 is computed in the same pass unless
    /// <see cref="DataWriteRequest.ComputeMd5"/> is off.
    /// Throws <see cref="DataStoreException"/> when the write quorum cannot be reached.
    /// </summary>
    Task<StoredData> WriteAsync(Stream source, DataWriteRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Writes bytes [offset, offset + length) of the stored data to <paramref name="destination"/>,
    /// reading only the stripes that range touches, rebuilding from parity when shards are missing
    /// or corrupt. Throws <see cref="DataStoreException"/> (never wrong bytes) when a stripe has lost
    /// more than m shards.
    /// </summary>
    Task ReadAsync(DataLayout layout, long offset, long length, Stream destination, CancellationToken cancellationToken);

    /// <summary>Removes every shard of the layout; missing shards are not an error.</summary>
    Task DeleteAsync(DataLayout layout, CancellationToken cancellationToken);
}

/// <param name="DataId">Unique, file-name-safe id of this piece of data (an object version or a multipart part).</param>
/// <param name="StorageClass">S3 storage class; selects the erasure profile.</param>
public sealed record DataWriteRequest(string DataId, string StorageClass)
{
    /// <summary>Off when the caller hashes the bytes itself (encrypted data: the ETag is the plaintext's MD5, not the stored bytes').</summary>
    public bool ComputeMd5 { get; init; } = true;
}

/// <param name="Layout">Where the shards are: what the index stores.</param>
/// <param name="Length">Bytes read from the source.</param>
/// <param name="Md5">MD5 of those bytes (16 bytes); empty when the request turned it off.</param>
public sealed record StoredData(DataLayout Layout, long Length, byte[] Md5);

/// <summary>A data-plane failure the caller can report (quorum lost, data unreadable).</summary>
public sealed class DataStoreException(string message, Exception? inner = null) : Exception(message, inner);
