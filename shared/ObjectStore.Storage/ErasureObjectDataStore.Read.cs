using System.Buffers;

namespace ObjectStore.Storage;

public sealed partial class ErasureObjectDataStore
{
    public async Task ReadAsync(DataLayout layout, long offset, long length, Stream destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(destination);
        if (offset < 0 || length < 0 || offset > layout.Length - length)
            throw new ArgumentOutOfRangeException(nameof(offset),
                $"Range [{offset}, {offset}+{length}) is outside data {layout.DataId} of {layout.Length} bytes.");
        if (layout.ShardZones.Count != layout.DataShards + layout.ParityShards)
            throw new ArgumentException(
                $"Layout of data {layout.DataId} names {layout.ShardZones.Count} zones for {layout.DataShards}+{layout.ParityShards} shards.", nameof(layout));
        if (length == 0)
            return;

        var geometry = ShardGeometry.Of(layout);
        var session = new ReadSession(this, layout, geometry, CodecFor(layout.DataShards, layout.ParityShards));
        var bufferBytes = geometry.TotalShards * (layout.BlockSize + ShardGeometry.ChecksumSize);
        var buffers = new[] { ArrayPool<byte>.Shared.Rent(bufferBytes), ArrayPool<byte>.Shared.Rent(bufferBytes) };
        Task? inFlight = null;
        try
        {
            long end = offset + length;
            long first = offset / geometry.StripeDataBytes, last = (end - 1) / geometry.StripeDataBytes;
            inFlight = ReadStripeRangeAsync(session, first, offset, end, buffers[0], cancellationToken);
            for (var stripe = first; stripe <= last; stripe++)
            {
                await inFlight!.ConfigureAwait(false);
                inFlight = null;
                var buffer = buffers[(stripe - first) & 1];
                // Fetch the next stripe while this one drains into the destination.
                if (stripe < last)
                    inFlight = ReadStripeRangeAsync(session, stripe + 1, offset, end, buffers[(stripe + 1 - first) & 1], cancellationToken);
                await CopyToDestinationAsync(geometry, stripe, offset, end, buffer, destination, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (inFlight is not null)
            {
                try { await inFlight.ConfigureAwait(false); }
                catch (Exception) { } // the destination already failed; that is the error to surface
            }
            ArrayPool<byte>.Shared.Return(buffers[0]);
            ArrayPool<byte>.Shared.Return(buffers[1]);
            await session.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static Task ReadStripeRangeAsync(ReadSession session, long stripe, long offset, long end, byte[] buffer, CancellationToken cancellationToken)
    {
        var (lo, hi) = RangeInStripe(session.Geometry, stripe, offset, end);
        var blockLength = session.Geometry.BlockLength(stripe);
        return session.ReadStripeAsync(stripe, (int)(lo / blockLength), (int)((hi - 1) / blockLength), buffer, cancellationToken);
    }

    /// <summary>The requested bytes of <paramref name="stripe"/>, relative to the stripe's start.</summary>
    private static (long Lo, long Hi) RangeInStripe(ShardGeometry geometry, long stripe, long offset, long end)
    {
        var start = geometry.StripeStart(stripe);
        return (Math.Max(offset, start) - start, Math.Min(end, start + geometry.StripeLength(stripe)) - start);
    }

    /// <summary>Block b of a stripe sits at b * (blockLength + checksum) in the buffer; write the requested slices.</summary>
    private static async Task CopyToDestinationAsync(ShardGeometry geometry, long stripe, long offset, long end, byte[] buffer,
        Stream destination, CancellationToken cancellationToken)
    {
        var (lo, hi) = RangeInStripe(geometry, stripe, offset, end);
        var blockLength = geometry.BlockLength(stripe);
        var stride = blockLength + ShardGeometry.ChecksumSize;
        for (var block = (int)(lo / blockLength); (long)block * blockLength < hi; block++)
        {
            long blockStart = (long)block * blockLength;
            var from = Math.Max(lo, blockStart);
            var to = Math.Min(hi, blockStart + blockLength);
            await destination.WriteAsync(buffer.AsMemory(block * stride + (int)(from - blockStart), (int)(to - from)), cancellationToken)
                .ConfigureAwait(false);
        }
    }
}
