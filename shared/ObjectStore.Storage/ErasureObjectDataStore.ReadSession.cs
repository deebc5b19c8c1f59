using ObjectStore.Erasure;

namespace ObjectStore.Storage;

public sealed partial class ErasureObjectDataStore
{
    /// <summary>
    /// One read request's view of the shards: opens each shard lazily (checking its header once),
    /// reads and verifies blocks, and rebuilds a stripe when a block it needs is bad. Each bad shard
    /// is logged and reported once per request. Stripes are read one at a time.
    /// </summary>
    private sealed class ReadSession(ErasureObjectDataStore store, DataLayout layout, ShardGeometry geometry, IErasureCodec codec)
        : IAsyncDisposable
    {
        private readonly ShardState[] _shards = Enumerable.Range(0, geometry.TotalShards).Select(_ => new ShardState()).ToArray();
        private readonly bool[] _good = new bool[geometry.TotalShards];
        private readonly bool[] _tried = new bool[geometry.TotalShards];
        private readonly Memory<byte>[] _views = new Memory<byte>[geometry.TotalShards];
        private readonly List<Task<bool>> _reads = new(geometry.TotalShards);
        private readonly List<int> _wanted = new(geometry.TotalShards);

        public ShardGeometry Geometry => geometry;

        /// <summary>Fills data blocks [firstBlock, lastBlock] of <paramref name="stripe"/> into the buffer, verified or rebuilt.</summary>
        public async Task ReadStripeAsync(long stripe, int firstBlock, int lastBlock, byte[] buffer, CancellationToken cancellationToken)
        {
            int k = geometry.DataShards, n = geometry.TotalShards;
            var blockLength = geometry.BlockLength(stripe);
            var stride = blockLength + ShardGeometry.ChecksumSize;
            for (var i = 0; i < n; i++)
            {
                _views[i] = buffer.AsMemory(i * stride, blockLength);
                _good[i] = _tried[i] = false;
            }

            // Fast path: only the data blocks the range covers, no decoding.
            for (var i = firstBlock; i <= lastBlock; i++)
                _wanted.Add(i);
            var good = await ReadBlocksAsync(stripe, buffer, stride, cancellationToken).ConfigureAwait(false);
            if (good == lastBlock - firstBlock + 1)
                return;

            // Degraded: gather any k good blocks, data shards before parity, then rebuild the rest.
            good = _good.Count(g => g);
            while (good < k)
            {
                for (var i = 0; i < n && _wanted.Count < k - good; i++)
                    if (!_tried[i] && !_shards[i].Dead)
                        _wanted.Add(i);
                if (_wanted.Count == 0)
                {
                    StorageLog.StripeLost(store._logger, layout.DataId, stripe, good, k);
                    throw new DataStoreException(
                        $"Data {layout.DataId} is unreadable: stripe {stripe} has {good} intact shards of {n}, {k} needed.");
                }
                good += await ReadBlocksAsync(stripe, buffer, stride, cancellationToken).ConfigureAwait(false);
            }
            codec.Reconstruct(_views, _good);
        }

        /// <summary>Reads the blocks of the shards in <see cref="_wanted"/> in parallel (then clears it); returns how many are good.</summary>
        private async Task<int> ReadBlocksAsync(long stripe, byte[] buffer, int stride, CancellationToken cancellationToken)
        {
            _reads.Clear();
            foreach (var i in _wanted)
            {
                _tried[i] = true;
                _reads.Add(ReadBlockAsync(i, stripe, buffer.AsMemory(i * stride, stride), cancellationToken));
            }
            _wanted.Clear();
            // WhenAll, not one await after another: no read may outlive the stripe buffer it fills.
            var results = await Task.WhenAll(_reads).ConfigureAwait(false);
            return results.Count(ok => ok);
        }

        /// <summary>Reads one block and its checksum; false (after reporting) when it is missing or bad.</summary>
        private async Task<bool> ReadBlockAsync(int shardIndex, long stripe, Memory<byte> slot, CancellationToken cancellationToken)
        {
            var shard = _shards[shardIndex];
            if (shard.Dead)
                return false;
            try
            {
                if (shard.Reader is null && !await OpenAsync(shardIndex, cancellationToken).ConfigureAwait(false))
                    return false;
                var read = await ReadFullyAsync(shard.Reader!, geometry.BlockOffset(stripe), slot, cancellationToken).ConfigureAwait(false);
                if (read < slot.Length)
                    return Report(shardIndex, ShardProblem.Truncated, stripe, null);
                var blockLength = slot.Length - ShardGeometry.ChecksumSize;
                if (!BlockChecksum.Verify(slot.Span[..blockLength], stripe, slot.Span[blockLength..]))
                    return Report(shardIndex, ShardProblem.ChecksumMismatch, stripe, null);
                _good[shardIndex] = true;
                return true;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return Report(shardIndex, ShardProblem.ReadError, stripe, e);
            }
        }

        private async Task<bool> OpenAsync(int shardIndex, CancellationToken cancellationToken)
        {
            var shard = _shards[shardIndex];
            var zone = store.ZoneOf(layout, shardIndex);
            IShardReader? reader = null;
            try
            {
                if (zone is not null)
                    reader = await zone.OpenReadAsync(new ShardId(layout.DataId, shardIndex), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                shard.Dead = true;
                return Report(shardIndex, ShardProblem.Missing, -1, e);
            }
            if (reader is null)
            {
                shard.Dead = true;
                // A shard the write already recorded as missing is known to repair; do not report it again.
                if (!layout.MissingShards.Contains(shardIndex))
                    Report(shardIndex, ShardProblem.Missing, -1, null);
                return false;
            }
            var (status, header) = await ShardHeader.ReadAsync(reader, cancellationToken).ConfigureAwait(false);
            if (status != ShardHeaderStatus.Valid || !header!.Matches(layout, shardIndex))
            {
                await reader.DisposeAsync().ConfigureAwait(false);
                shard.Dead = true;
                return Report(shardIndex, ShardProblem.BadHeader, -1, null);
            }
            shard.Reader = reader;
            return true;
        }

        private static async Task<int> ReadFullyAsync(IShardReader reader, long offset, Memory<byte> buffer, CancellationToken cancellationToken)
        {
            var filled = 0;
            while (filled < buffer.Length)
            {
                var read = await reader.ReadAsync(offset + filled, buffer[filled..], cancellationToken).ConfigureAwait(false);
                if (read == 0)
                    break;
                filled += read;
            }
            return filled;
        }

        /// <summary>Logs and reports a bad shard the first time this request meets it. Always false.</summary>
        private bool Report(int shardIndex, ShardProblem problem, long stripe, Exception? error)
        {
            var shard = _shards[shardIndex];
            if (shard.Reported)
                return false;
            shard.Reported = true;
            var zone = layout.ShardZones[shardIndex];
            StorageLog.BadShard(store._logger, layout.DataId, shardIndex, zone, problem, stripe, error);
            if (store._observer is { } observer)
            {
                try { observer.OnBadShard(new BadShardReport(layout, shardIndex, zone, problem, stripe)); }
                catch (Exception e) { StorageLog.ObserverFailed(store._logger, layout.DataId, shardIndex, e); }
            }
            return false;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var shard in _shards)
                if (shard.Reader is not null)
                    await shard.Reader.DisposeAsync().ConfigureAwait(false);
        }

        private sealed class ShardState
        {
            public IShardReader? Reader { get; set; }
            public bool Dead { get; set; }
            public bool Reported { get; set; }
        }
    }
}
