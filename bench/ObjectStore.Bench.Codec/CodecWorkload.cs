using System.Runtime.InteropServices;
using ObjectStore.Erasure;
using ObjectStore.Erasure.Kernels;

namespace ObjectStore.Bench.Codec;

/// <summary>
/// One stripe set up for both codecs: our encode and reconstruct, and ISA-L's ec_encode_data with
/// the same Cauchy generator (so both must produce identical parity, which the constructor checks).
/// "Decode" loses the first m data shards, the worst case: every rebuilt byte needs k inputs.
/// Decode matrices are built once up front for ISA-L, as our codec caches them per loss pattern.
/// </summary>
internal sealed unsafe class CodecWorkload : IDisposable
{
    private readonly IErasureCodec _codec;
    private readonly int _k, _m, _shardSize;
    private readonly StripeBuffers _buffers;
    private readonly ReadOnlyMemory<byte>[] _data;
    private readonly Memory<byte>[] _parity;
    private readonly Memory<byte>[] _shards;
    private readonly bool[] _present;
    private readonly byte* _encodeTables;
    private readonly byte* _decodeTables;
    private readonly byte** _survivors;

    public CodecWorkload(ErasureProfile profile, int shardSize, GaloisKernel kernel)
    {
        _k = profile.DataShards;
        _m = profile.ParityShards;
        _shardSize = shardSize;
        _codec = ReedSolomonCodec.Create(profile, kernel);
        _buffers = new StripeBuffers(_k + _m, shardSize, seed: _k * 1000 + _m);
        _shards = Enumerable.Range(0, _k + _m).Select(_buffers.Shard).ToArray();
        _data = _shards.Take(_k).Select(s => (ReadOnlyMemory<byte>)s).ToArray();
        _parity = _shards.Skip(_k).ToArray();
        _present = Enumerable.Range(0, _k + _m).Select(i => i >= _m).ToArray();

        int n = _k + _m;
        var generator = new byte[n * _k];
        fixed (byte* a = generator)
        {
            IsaL.GenerateCauchyMatrix(a, n, _k);
            _encodeTables = (byte*)NativeMemory.AlignedAlloc((nuint)(32 * _k * _m), 64);
            IsaL.InitTables(_k, _m, a + _k * _k, _encodeTables);
        }

        // Survivors: shards m..k+m-1 (the first k present). Lost shards 0..m-1 are data, so their
        // decode rows are rows 0..m-1 of the survivors' inverted generator rows.
        var survivorRows = new byte[_k * _k];
        var inverse = new byte[_k * _k];
        for (int r = 0; r < _k; r++)
            Array.Copy(generator, (_m + r) * _k, survivorRows, r * _k, _k);
        fixed (byte* input = survivorRows)
        fixed (byte* output = inverse)
        {
            if (IsaL.InvertMatrix(input, output, _k) != 0)
                throw new InvalidOperationException("ISA-L found the survivor matrix singular.");
            _decodeTables = (byte*)NativeMemory.AlignedAlloc((nuint)(32 * _k * _m), 64);
            IsaL.InitTables(_k, _m, output, _decodeTables);
        }
        _survivors = _buffers.Pointers + _m;

        Verify();
    }

    public long DataBytes => (long)_k * _shardSize;

    public void OursEncode() => _codec.Encode(_data, _parity);

    public void IsalEncode() => IsaL.EncodeData(_shardSize, _k, _m, _encodeTables, _buffers.Pointers, _buffers.Pointers + _k);

    public void OursDecode() => _codec.Reconstruct(_shards, _present);

    public void IsalDecode() => IsaL.EncodeData(_shardSize, _k, _m, _decodeTables, _survivors, _buffers.Pointers);

    public void Dispose()
    {
        NativeMemory.AlignedFree(_encodeTables);
        NativeMemory.AlignedFree(_decodeTables);
    }

    /// <summary>Both codecs must agree byte for byte before we time anything.</summary>
    private void Verify()
    {
        var original = _shards.Take(_k).Select(s => s.ToArray()).ToArray();
        OursEncode();
        var ourParity = _parity.Select(p => p.ToArray()).ToArray();
        foreach (var p in _parity)
            p.Span.Clear();
        IsalEncode();
        for (int i = 0; i < _m; i++)
            if (!_parity[i].Span.SequenceEqual(ourParity[i]))
                throw new InvalidOperationException($"ISA-L parity {i} differs from ours.");

        foreach (var decode in new Action[] { OursDecode, IsalDecode })
        {
            for (int i = 0; i < _m; i++)
                _shards[i].Span.Clear();
            decode();
            for (int i = 0; i < _m; i++)
                if (!_shards[i].Span.SequenceEqual(original[i]))
                    throw new InvalidOperationException($"{decode.Method.Name} did not rebuild data shard {i}.");
        }
    }
}
