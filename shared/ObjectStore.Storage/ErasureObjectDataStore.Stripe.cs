using ObjectStore.Erasure;
using ObjectStore.Storage.Hashing;

namespace ObjectStore.Storage;

public sealed partial class ErasureObjectDataStore
{
    /// <summary>
    /// One stripe of a write, in a stripe buffer: the body's MD5 over its bytes, then the parity and
    /// block checksums, then the shard writes. <see cref="HashAsync"/> and <see cref="EncodeAndWrite"/> only
    /// read the data blocks (the padding of a short stripe lies past the bytes hashed), so they may run
    /// at the same time; the stripes of one write run one after another.
    /// </summary>
    private sealed class StripeWork(IErasureCodec codec, BodyMd5? md5, ShardSlot[] shards, byte[] buffer, int filled, int hashed, long stripe,
        int blockSize, Func<int, ReadOnlyMemory<byte>>? header, ReadOnlyMemory<byte>[] data, Memory<byte>[] parity, Task[] writes)
    {
        /// <summary>A full stripe's MD5: on another thread, or queued for the lanes shared with other writes (<see cref="BodyMd5"/>).</summary>
        public Task HashAsync() => md5 is null ? Task.CompletedTask : md5.AppendStripeAsync(buffer.AsMemory(0, filled), hashed);

        public Task HashEncodeAndWrite(Func<ShardSlot, long, CancellationToken, Task> write, CancellationToken cancellationToken)
        {
            md5?.Append(buffer.AsSpan(0, filled));
            return EncodeAndWrite(write, cancellationToken);
        }

        /// <summary>Encodes the stripe and starts one gathered write per shard: (header,) block, checksum.</summary>
        public Task EncodeAndWrite(Func<ShardSlot, long, CancellationToken, Task> write, CancellationToken cancellationToken)
        {
            int k = codec.Profile.DataShards, n = codec.Profile.TotalShards;
            var blockLength = new ShardGeometry(k, n - k, blockSize, filled).LastBlockLength;
            Encode(blockLength);
            var offset = stripe == 0 ? 0 : ShardGeometry.BlockOffset(stripe, blockSize);
            for (var i = 0; i < n; i++)
            {
                shards[i].SetBlock(header?.Invoke(i) ?? default,
                    buffer.AsMemory(i * blockLength, blockLength),
                    buffer.AsMemory(n * blockSize + i * ShardGeometry.ChecksumSize, ShardGeometry.ChecksumSize));
                writes[i] = write(shards[i], offset, cancellationToken);
            }
            return Task.WhenAll(writes);
        }

        /// <summary>
        /// The k data blocks already sit back to back at the start of the buffer (block i at
        /// i * blockLength); parity follows them the same way and the n checksums sit at n * blockSize.
        /// </summary>
        private void Encode(int blockLength)
        {
            int k = codec.Profile.DataShards, n = codec.Profile.TotalShards;
            buffer.AsSpan(filled, k * blockLength - filled).Clear(); // zero padding of a short last stripe
            for (var i = 0; i < k; i++)
                data[i] = buffer.AsMemory(i * blockLength, blockLength);
            for (var j = 0; j < n - k; j++)
                parity[j] = buffer.AsMemory((k + j) * blockLength, blockLength);
            codec.Encode(data, parity);
            for (var i = 0; i < n; i++)
                BlockChecksum.Compute(buffer.AsSpan(i * blockLength, blockLength), stripe,
                    buffer.AsSpan(n * blockSize + i * ShardGeometry.ChecksumSize, ShardGeometry.ChecksumSize));
        }
    }
}
