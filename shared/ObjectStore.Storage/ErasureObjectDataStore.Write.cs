using System.Buffers;
using System.IO.Hashing;
using ObjectStore.Storage.Hashing;

namespace ObjectStore.Storage;

public sealed partial class ErasureObjectDataStore
{
    public async Task<StoredData> WriteAsync(Stream source, DataWriteRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ShardId.ValidateDataId(request.DataId);
        var profile = _options.ProfileFor(request.StorageClass);
        int k = profile.DataShards, m = profile.ParityShards, n = k + m, blockSize = _options.BlockSize;
        var codec = CodecFor(k, m);
        var quorum = ShardPlacement.WriteQuorum(k, m);
        var placement = ShardPlacement.Place(request.DataId, n, _zones.Count);
        var shards = new ShardSlot[n];
        for (var i = 0; i < n; i++)
            shards[i] = new ShardSlot(new ShardId(request.DataId, i), _zones[placement[i]]);

        // Two stripe buffers: one being filled from the source while the other is hashed, encoded and written.
        var stripeBytes = n * blockSize + n * ShardGeometry.ChecksumSize;
        var buffers = new[] { ArrayPool<byte>.Shared.Rent(stripeBytes), ArrayPool<byte>.Shared.Rent(stripeBytes) };
        var headers = ArrayPool<byte>.Shared.Rent(n * ShardHeader.Size);
        using var md5 = request.ComputeMd5 ? new BodyMd5() : null;
        var pendingWrites = new Task[n];
        var dataViews = new ReadOnlyMemory<byte>[k];
        var parityViews = new Memory<byte>[m];
        var committed = false;
        var pending = Task.CompletedTask;
        try
        {
            long length = 0;
            long stripe = 0;
            while (true)
            {
                var buffer = buffers[stripe & 1];
                var (filled, hashed) = await FillAsync(source, buffer.AsMemory(0, k * blockSize), md5, cancellationToken).ConfigureAwait(false);
                if (filled == 0)
                    break;
                if (length == 0)
                    await OpenShardsAsync(shards, request.DataId, request.StorageClass, k, quorum, cancellationToken).ConfigureAwait(false);
                length += filled;
                // The previous stripe's hashing and writes: frees the other buffer. Its MD5 may still be queued
                // for the lanes (BodyMd5), where it waited for this moment to be hashed beside other bodies.
                if (md5 is not null)
                    await md5.FlushHandedOverAsync().ConfigureAwait(false);
                await pending.ConfigureAwait(false);
                EnsureQuorum(shards, request.DataId, quorum);
                var work = new StripeWork(codec, md5, shards, buffer, filled, hashed, stripe, blockSize,
                    stripe == 0 ? i => ProvisionalHeader(headers, request.DataId, i, profile, blockSize) : null,
                    dataViews, parityViews, pendingWrites);
                // A full stripe is hashed and encoded on other threads while this one receives the next:
                // the body's MD5 and the codec then overlap with the network instead of following it.
                pending = filled >= ParallelStripeBytes
                    ? Task.WhenAll(work.HashAsync(),
                        Task.Run(() => work.EncodeAndWrite(WriteShardAsync, cancellationToken), CancellationToken.None))
                    : work.HashEncodeAndWrite(WriteShardAsync, cancellationToken);
                stripe++;
                if (filled < k * blockSize)
                    break;
            }
            if (md5 is not null)
                await md5.FlushAsync().ConfigureAwait(false);
            await pending.ConfigureAwait(false);

            var layout = new DataLayout(request.DataId, k, m, blockSize, length,
                shards.Select(s => s.Store.Zone).ToArray(), []);
            if (length > 0)
                layout = await FinishShardsAsync(shards, layout, headers, quorum, cancellationToken).ConfigureAwait(false);
            committed = true;
            return new StoredData(layout, length, md5?.GetHash() ?? []);
        }
        finally
        {
            // A failing source or a cancellation can leave a stripe's writes in flight: they must
            // finish before their buffers go back to the pool and their writers are disposed.
            try { if (md5 is not null) await md5.FlushAsync().ConfigureAwait(false); }
            catch (Exception) { } // the lanes failed the job: nothing of the buffer is read any more
            try { await pending.ConfigureAwait(false); }
            catch (Exception) { } // already reported through the exception that brought us here
            ArrayPool<byte>.Shared.Return(buffers[0]);
            ArrayPool<byte>.Shared.Return(buffers[1]);
            ArrayPool<byte>.Shared.Return(headers);
            // Disposing an uncommitted writer deletes its temporary file.
            foreach (var shard in shards)
                await shard.DisposeWriterAsync().ConfigureAwait(false);
            if (!committed)
                await DeleteCommittedAsync(shards).ConfigureAwait(false);
        }
    }

    /// <summary>Stripes of at least this many bytes are hashed and encoded off the receiving thread.</summary>
    private const int ParallelStripeBytes = 1024 * 1024;

    /// <summary>
    /// Reads until the buffer is full or the source ends (sources may return short reads). Each whole
    /// <see cref="HashPieceBytes"/> goes to the MD5 lanes as it arrives, so the lanes hold every body's blocks
    /// for most of its life, first stripe included; returns the bytes read and those already given to the MD5.
    /// </summary>
    private static async ValueTask<(int Filled, int Hashed)> FillAsync(Stream source, Memory<byte> buffer, BodyMd5? md5, CancellationToken cancellationToken)
    {
        int filled = 0, hashed = 0;
        var pieces = md5 is not null && buffer.Length >= ParallelStripeBytes;
        while (filled < buffer.Length)
        {
            var read = await source.ReadAsync(buffer[filled..], cancellationToken).ConfigureAwait(false);
            if (read == 0)
                break;
            filled += read;
            while (pieces && filled - hashed >= HashPieceBytes)
            {
                if (!md5!.TryAppendPiece(buffer.Slice(hashed, HashPieceBytes)))
                    pieces = false; // this body hashes alone, a stripe at a time
                else
                    hashed += HashPieceBytes;
            }
        }
        return (filled, hashed);
    }

    /// <summary>
    /// Pieces of a stripe queued for the MD5 lanes while it is received (a multiple of MD5's 64-byte block). No
    /// larger than <see cref="ParallelStripeBytes"/>: a stripe hashed on the receiving thread then has no pieces.
    /// </summary>
    private const int HashPieceBytes = ParallelStripeBytes;

    /// <summary>Names the data in the temporary file from its first write on, so a crash leaves an identifiable orphan.</summary>
    private ReadOnlyMemory<byte> ProvisionalHeader(byte[] headers, string dataId, int shardIndex, Erasure.ErasureProfile profile, int blockSize)
    {
        var header = headers.AsMemory(shardIndex * ShardHeader.Size, ShardHeader.Size);
        new ShardHeader(dataId, shardIndex, profile.DataShards, profile.ParityShards, blockSize, 0, _time.GetUtcNow(), IsFinal: false)
            .WriteTo(header.Span);
        return header;
    }

    private async Task OpenShardsAsync(ShardSlot[] shards, string dataId, string? storageClass, int dataShards, int quorum, CancellationToken cancellationToken)
    {
        await Task.WhenAll(shards.Select(async shard =>
        {
            try
            {
                shard.Writer = await shard.Store.CreateAsync(shard.Id, new ShardWriteOptions(storageClass, Parity: shard.Id.ShardIndex >= dataShards), cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                MarkFailed(shard, e);
            }
        })).ConfigureAwait(false);
        EnsureQuorum(shards, dataId, quorum);
    }

    private async Task WriteShardAsync(ShardSlot shard, long offset, CancellationToken cancellationToken)
    {
        if (shard.Failed)
            return;
        try
        {
            await shard.Writer!.WriteAsync(offset, shard.Segments, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            MarkFailed(shard, e);
        }
    }

    /// <summary>Writes each header (it holds the final length), then fsyncs and renames every live shard.</summary>
    private async Task<DataLayout> FinishShardsAsync(ShardSlot[] shards, DataLayout layout, byte[] headers, int quorum, CancellationToken cancellationToken)
    {
        var created = _time.GetUtcNow();
            await Task.WhenAll(shards.Select(async (shard, i) =>
            {
                if (shard.Failed)
                    return;
                try
                {
                    var header = headers.AsMemory(i * ShardHeader.Size, ShardHeader.Size);
                    new ShardHeader(layout.DataId, i, layout.DataShards, layout.ParityShards, layout.BlockSize, layout.Length, created)
                        .WriteTo(header.Span);
                    await shard.Writer!.WriteAsync(0, [header], cancellationToken).ConfigureAwait(false);
                    await shard.Writer.CommitAsync(cancellationToken).ConfigureAwait(false);
                    shard.Committed = true;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    MarkFailed(shard, e);
                }
            })).ConfigureAwait(false);
        EnsureQuorum(shards, layout.DataId, quorum);
        var missing = Enumerable.Range(0, shards.Length).Where(i => !shards[i].Committed).ToArray();
        return layout with { MissingShards = missing };
    }

    private void EnsureQuorum(ShardSlot[] shards, string dataId, int quorum)
    {
        var alive = shards.Count(s => !s.Failed);
        if (alive >= quorum)
            return;
        StorageLog.WriteQuorumLost(_logger, dataId, alive, quorum);
        throw new DataStoreException(
            $"Write of data {dataId} failed: only {alive} of {shards.Length} shards could be written, {quorum} needed.",
            shards.FirstOrDefault(s => s.Error is not null)?.Error);
    }

    private void MarkFailed(ShardSlot shard, Exception error)
    {
        shard.Failed = true;
        shard.Error ??= error;
        StorageLog.ShardWriteFailed(_logger, shard.Id.DataId, shard.Id.ShardIndex, shard.Store.Zone, error);
    }

    private static async Task DeleteCommittedAsync(ShardSlot[] shards)
    {
        foreach (var shard in shards.Where(s => s.Committed))
        {
            try { await shard.Store.DeleteAsync(shard.Id, CancellationToken.None).ConfigureAwait(false); }
            catch (Exception) { } // the zone just failed; its file is an orphan for the repair scan
        }
    }

    /// <summary>One shard's progress through a write.</summary>
    private sealed class ShardSlot(ShardId id, IShardStore store)
    {
        private readonly ReadOnlyMemory<byte>[] _blockSegments = new ReadOnlyMemory<byte>[2];
        private readonly ReadOnlyMemory<byte>[] _headerBlockSegments = new ReadOnlyMemory<byte>[3];

        public ShardId Id { get; } = id;
        public IShardStore Store { get; } = store;
        public IShardWriter? Writer { get; set; }
        public bool Failed { get; set; }
        public bool Committed { get; set; }
        public Exception? Error { get; set; }

        /// <summary>The (header,) block and checksum, written with one gathered write; arrays reused every stripe.</summary>
        public IReadOnlyList<ReadOnlyMemory<byte>> Segments { get; private set; } = [];

        public void SetBlock(ReadOnlyMemory<byte> header, ReadOnlyMemory<byte> block, ReadOnlyMemory<byte> checksum)
        {
            if (header.IsEmpty)
            {
                _blockSegments[0] = block;
                _blockSegments[1] = checksum;
                Segments = _blockSegments;
            }
            else
            {
                _headerBlockSegments[0] = header;
                _headerBlockSegments[1] = block;
                _headerBlockSegments[2] = checksum;
                Segments = _headerBlockSegments;
            }
        }

        public async ValueTask DisposeWriterAsync()
        {
            if (Writer is null)
                return;
            try { await Writer.DisposeAsync().ConfigureAwait(false); }
            catch (Exception) { } // cleanup of a failed zone must not mask the write's own outcome
            Writer = null;
        }
    }
}
