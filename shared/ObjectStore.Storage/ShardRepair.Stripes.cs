using System.Buffers;

namespace ObjectStore.Storage;

internal sealed partial class ShardRepair
{
    /// <summary>
    /// One pass over every stripe: reads the block of every shard that still has a reader and checks
    /// its checksum, rebuilds the blocks of the shards being rebuilt from the good ones, and writes
    /// them to their temporary files. A shard whose block fails loses its reader (rebuilt next round).
    /// Returns the corrupt blocks seen and whether some stripe had fewer than k good blocks.
    /// </summary>
    private async Task<(long CorruptBlocks, bool Lost)> ScanStripesAsync(DataLayout layout, ShardGeometry geometry, RepairShard[] shards,
        CancellationToken cancellationToken)
    {
        int k = geometry.DataShards, n = geometry.TotalShards;
        var codec = CodecFor(layout.DataShards, layout.ParityShards);
        var buffer = ArrayPool<byte>.Shared.Rent(n * (layout.BlockSize + ShardGeometry.ChecksumSize));
        var views = new Memory<byte>[n];
        var present = new bool[n];
        var reads = new Task<ShardProblem?>[n];
        var writes = new List<Task>(n);
        long corrupt = 0;
        try
        {
            for (long stripe = 0; stripe < geometry.StripeCount; stripe++)
            {
                var blockLength = geometry.BlockLength(stripe);
                var stride = blockLength + ShardGeometry.ChecksumSize;
                for (var i = 0; i < n; i++)
                {
                    views[i] = buffer.AsMemory(i * stride, blockLength);
                    reads[i] = shards[i].Reader is { } reader
                        ? ReadVerifiedBlockAsync(reader, geometry.BlockOffset(stripe), stripe, buffer.AsMemory(i * stride, stride), cancellationToken)
                        : Task.FromResult<ShardProblem?>(ShardProblem.Missing);
                }
                await Task.WhenAll(reads).ConfigureAwait(false);
                var good = 0;
                for (var i = 0; i < n; i++)
                {
                    var problem = reads[i].Result;
                    present[i] = problem is null;
                    if (present[i])
                    {
                        good++;
                        continue;
                    }
                    if (shards[i].Reader is null)
                        continue; // known bad before this stripe
                    if (problem == ShardProblem.ChecksumMismatch)
                        corrupt++;
                    shards[i].Problem ??= problem;
                    StorageLog.RepairFoundBadShard(_logger, layout.DataId, i, shards[i].Zone, problem!.Value, stripe, null);
                    await shards[i].CloseReaderAsync().ConfigureAwait(false);
                }
                if (good < k)
                {
                    StorageLog.StripeLost(_logger, layout.DataId, stripe, good, k);
                    return (corrupt, true);
                }
                if (!shards.Any(s => s.Writer is not null))
                    continue; // verifying only
                if (good < n)
                    codec.Reconstruct(views, present);

                writes.Clear();
                foreach (var shard in shards.Where(s => s.Writer is not null))
                {
                    var block = buffer.AsMemory(shard.Index * stride, blockLength);
                    var checksum = buffer.AsMemory(shard.Index * stride + blockLength, ShardGeometry.ChecksumSize);
                    BlockChecksum.Compute(block.Span, stripe, checksum.Span);
                    IReadOnlyList<ReadOnlyMemory<byte>> segments;
                    if (stripe == 0)
                    {
                        // As on a first write: a provisional header names the data from the first block on.
                        var provisional = new byte[ShardHeader.Size];
                        new ShardHeader(layout.DataId, shard.Index, layout.DataShards, layout.ParityShards, layout.BlockSize, 0, _time.GetUtcNow(), IsFinal: false)
                            .WriteTo(provisional);
                        segments = [provisional, block, checksum];
                    }
                    else
                        segments = [block, checksum];
                    writes.Add(WriteRebuiltBlockAsync(layout, shard, stripe == 0 ? 0 : geometry.BlockOffset(stripe), segments, cancellationToken));
                }
                await Task.WhenAll(writes).ConfigureAwait(false);
            }
            return (corrupt, false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task WriteRebuiltBlockAsync(DataLayout layout, RepairShard shard, long offset, IReadOnlyList<ReadOnlyMemory<byte>> segments,
        CancellationToken cancellationToken)
    {
        try
        {
            await shard.Writer!.WriteAsync(offset, segments, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            shard.Unwritable = true;
            StorageLog.RepairWriteFailed(_logger, layout.DataId, shard.Index, shard.Zone, e);
            await shard.DisposeWriterAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Reads one block and its checksum; the problem, or null when it verifies.</summary>
    private static async Task<ShardProblem?> ReadVerifiedBlockAsync(IShardReader reader, long offset, long stripe, Memory<byte> slot,
        CancellationToken cancellationToken)
    {
        try
        {
            var filled = 0;
            while (filled < slot.Length)
            {
                var read = await reader.ReadAsync(offset + filled, slot[filled..], cancellationToken).ConfigureAwait(false);
                if (read == 0)
                    return ShardProblem.Truncated;
                filled += read;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return ShardProblem.ReadError;
        }
        var blockLength = slot.Length - ShardGeometry.ChecksumSize;
        return BlockChecksum.Verify(slot.Span[..blockLength], stripe, slot.Span[blockLength..]) ? null : ShardProblem.ChecksumMismatch;
    }

    /// <summary>One shard's state through a check: its reader while it is good, its writer while it is being rebuilt.</summary>
    private sealed class RepairShard(int index, string zone)
    {
        public int Index { get; } = index;
        public string Zone { get; } = zone;
        public IShardReader? Reader { get; set; }
        public IShardWriter? Writer { get; set; }
        /// <summary>The first thing found wrong with it; null while it is good.</summary>
        public ShardProblem? Problem { get; set; }
        public bool Repaired { get; set; }
        /// <summary>Its zone refused the rebuilt shard (or is not configured): it stays degraded until the next check.</summary>
        public bool Unwritable { get; set; }

        public async ValueTask CloseReaderAsync()
        {
            if (Reader is null)
                return;
            await Reader.DisposeAsync().ConfigureAwait(false);
            Reader = null;
        }

        public async ValueTask DisposeWriterAsync()
        {
            if (Writer is null)
                return;
            try { await Writer.DisposeAsync().ConfigureAwait(false); }
            catch (Exception) { } // an uncommitted temporary file left behind is an orphan the scan collects
            Writer = null;
        }

        public async ValueTask CloseAsync()
        {
            await CloseReaderAsync().ConfigureAwait(false);
            await DisposeWriterAsync().ConfigureAwait(false);
        }
    }
}
