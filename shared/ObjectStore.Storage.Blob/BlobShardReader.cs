using System.Buffers;
using System.Globalization;
using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace ObjectStore.Storage.Blob;

/// <summary>
/// A committed shard blob opened for ranged reads. Opening downloads the first
/// <see cref="PrefetchBytes"/> (the header and, for a small shard, all of it), which also gives the
/// blob's length and ETag: one request where a properties call, a header read and a block read
/// would take three (a 4 KiB GET in 4+2 went from 8 Blob requests to 4). Every later read is one ranged download conditioned on that ETag, so a blob replaced
/// meanwhile fails the read (the data store then rebuilds from other shards) instead of mixing
/// two versions.
/// </summary>
internal sealed class BlobShardReader : IShardReader
{
    /// <summary>Bytes read when opening: the header and 64 KiB of data.</summary>
    public const int PrefetchBytes = ShardHeader.Size + 64 * 1024;

    private readonly BlockBlobClient _blob;
    private readonly ETag _etag;
    private readonly byte[] _prefix;
    private readonly int _prefixLength;
    private int _disposed;

    private BlobShardReader(BlockBlobClient blob, long length, ETag etag, byte[] prefix, int prefixLength)
    {
        _blob = blob;
        Length = length;
        _etag = etag;
        _prefix = prefix;
        _prefixLength = prefixLength;
    }

    public long Length { get; }

    /// <summary>
    /// Opens the blob; null when it does not exist (or holds only staged blocks), or when the zone's
    /// container is gone, as the disk store answers for a missing zone directory.
    /// </summary>
    public static async Task<BlobShardReader?> OpenAsync(BlockBlobClient blob, CancellationToken cancellationToken)
    {
        var prefix = ArrayPool<byte>.Shared.Rent(PrefetchBytes);
        try
        {
            using var response = (await blob.DownloadStreamingAsync(
                new BlobDownloadOptions { Range = new HttpRange(0, PrefetchBytes) }, cancellationToken).ConfigureAwait(false)).Value;
            var filled = await FillAsync(response.Content, prefix.AsMemory(0, PrefetchBytes), cancellationToken).ConfigureAwait(false);
            var length = TotalLength(response.Details.ContentRange) ?? filled;
            return new BlobShardReader(blob, length, response.Details.ETag, prefix, filled);
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.BlobNotFound || e.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            ArrayPool<byte>.Shared.Return(prefix);
            return null;
        }
        catch (RequestFailedException e) when (e.Status == 416)
        {
            // A committed empty blob: never a shard (the store writes none), so it reads as one of length 0.
            return new BlobShardReader(blob, 0, default, prefix, 0);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(prefix);
            throw;
        }
    }

    public async ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (offset >= Length || buffer.IsEmpty)
            return 0;
        var count = (int)Math.Min(buffer.Length, Length - offset);
        if (offset + count <= _prefixLength)
        {
            _prefix.AsSpan((int)offset, count).CopyTo(buffer.Span);
            return count;
        }
        var options = new BlobDownloadOptions
        {
            Range = new HttpRange(offset, count),
            Conditions = new BlobRequestConditions { IfMatch = _etag },
        };
        using var response = (await _blob.DownloadStreamingAsync(options, cancellationToken).ConfigureAwait(false)).Value;
        return await FillAsync(response.Content, buffer[..count], cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
            ArrayPool<byte>.Shared.Return(_prefix);
        return ValueTask.CompletedTask;
    }

    private static async Task<int> FillAsync(Stream content, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await content.ReadAsync(buffer[filled..], cancellationToken).ConfigureAwait(false);
            if (read == 0)
                break;
            filled += read;
        }
        return filled;
    }

    /// <summary>The total of a "bytes 0-511/12345" Content-Range.</summary>
    private static long? TotalLength(string? contentRange)
    {
        var slash = contentRange?.LastIndexOf('/') ?? -1;
        return slash >= 0 && long.TryParse(contentRange.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var total)
            ? total
            : null;
    }
}
