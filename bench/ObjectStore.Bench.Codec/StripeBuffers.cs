namespace ObjectStore.Bench.Codec;

/// <summary>
/// k+m shards of one size, 64-byte aligned in pinned arrays, so the same bytes can be handed to our
/// codec as Memory and to ISA-L as pointers.
/// </summary>
internal sealed unsafe class StripeBuffers
{
    private readonly byte[][] _arrays;
    private readonly int[] _offsets;

    public StripeBuffers(int shardCount, int shardSize, int seed)
    {
        ShardSize = shardSize;
        _arrays = new byte[shardCount][];
        _offsets = new int[shardCount];
        Pointers = (byte**)System.Runtime.InteropServices.NativeMemory.Alloc((nuint)shardCount, (nuint)sizeof(byte*));
        var random = new Random(seed);
        for (int i = 0; i < shardCount; i++)
        {
            _arrays[i] = GC.AllocateArray<byte>(shardSize + 64, pinned: true);
            fixed (byte* start = _arrays[i])
            {
                _offsets[i] = (int)((64 - (nuint)start % 64) % 64);
                Pointers[i] = start + _offsets[i];
            }
            random.NextBytes(Shard(i).Span);
        }
    }

    public int ShardSize { get; }

    /// <summary>Stable: the arrays are pinned for their lifetime.</summary>
    public byte** Pointers { get; }

    public Memory<byte> Shard(int index) => _arrays[index].AsMemory(_offsets[index], ShardSize);
}
