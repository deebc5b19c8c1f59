using System.Diagnostics;
using ObjectStore.Erasure;

namespace ObjectStore.Storage;

/// <summary>An <see cref="IErasureCodec"/> that records the bytes it codes and the time it takes (<see cref="StorageMetrics"/>).</summary>
public sealed class MeteredErasureCodec(IErasureCodec inner, StorageMetrics metrics) : IErasureCodec
{
    public ErasureProfile Profile => inner.Profile;

    public void Encode(ReadOnlySpan<ReadOnlyMemory<byte>> data, ReadOnlySpan<Memory<byte>> parity)
    {
        var started = Stopwatch.GetTimestamp();
        inner.Encode(data, parity);
        metrics.Coded("encode", data.Length == 0 ? 0 : (long)data.Length * data[0].Length, started);
    }

    public void Reconstruct(ReadOnlySpan<Memory<byte>> shards, ReadOnlySpan<bool> present)
    {
        var started = Stopwatch.GetTimestamp();
        inner.Reconstruct(shards, present);
        metrics.Coded("reconstruct", shards.Length == 0 ? 0 : (long)Profile.DataShards * shards[0].Length, started);
    }
}
