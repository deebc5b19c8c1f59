using System.Buffers.Binary;

namespace ObjectStore.Storage.Hashing;

/// <summary>
/// One MD5 being computed (RFC 1321): the state, the length so far and the bytes of a block not yet full.
/// Bytes go in through <see cref="Md5Lanes.Append"/> (whole blocks queued, hashed beside other streams' once
/// flushed) or <see cref="Append"/> (here, now, once nothing is queued). Appends to one stream must not overlap.
/// </summary>
internal sealed class Md5Stream
{
    private readonly uint[] _state = new uint[4];
    private readonly byte[] _partial = new byte[Md5Blocks.BlockSize];
    private int _partialCount;
    private long _length;

    public Md5Stream() => Reset();

    internal Span<uint> State => _state;

    /// <summary>Jobs appended through <see cref="Md5Lanes.Append"/> and not yet hashed, oldest first (under the lanes' lock).</summary>
    internal Queue<Md5Lanes.Job> Queued { get; } = new();

    /// <summary>The latest job appended through <see cref="Md5Lanes.Append"/>.</summary>
    internal Md5Lanes.Job? Last { get; set; }

    /// <summary>Blocks wait in the lanes: <see cref="State"/> belongs to the lanes' worker until they are hashed.</summary>
    internal bool HasQueued => Last is { Done.Task.IsCompleted: false };

    internal bool HasPartialBlock => _partialCount > 0;

    /// <summary>Hashes <paramref name="data"/> on this thread.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        EnsureFlushed();
        var (start, length) = Absorb(data);
        Md5Blocks.Compress(_state, data.Slice(start, length));
    }

    /// <summary>
    /// Takes the bytes that complete a pending block and keeps the tail that starts a new one; returns the whole
    /// blocks in between, which the caller must run through <see cref="State"/> before the next append.
    /// </summary>
    internal ReadOnlyMemory<byte> Absorb(ReadOnlyMemory<byte> data)
    {
        var (start, length) = Absorb(data.Span);
        return data.Slice(start, length);
    }

    private (int Start, int Length) Absorb(ReadOnlySpan<byte> data)
    {
        _length += data.Length;
        var start = 0;
        if (_partialCount > 0)
        {
            start = Math.Min(Md5Blocks.BlockSize - _partialCount, data.Length);
            data[..start].CopyTo(_partial.AsSpan(_partialCount));
            _partialCount += start;
            if (_partialCount < Md5Blocks.BlockSize)
                return (start, 0);
            Md5Blocks.Compress(_state, _partial);
            _partialCount = 0;
        }
        var whole = (data.Length - start) / Md5Blocks.BlockSize * Md5Blocks.BlockSize;
        data[(start + whole)..].CopyTo(_partial);
        _partialCount = data.Length - start - whole;
        return (start, whole);
    }

    /// <summary>The 16-byte digest; the stream starts over.</summary>
    public byte[] GetHashAndReset()
    {
        EnsureFlushed();
        Span<byte> tail = stackalloc byte[2 * Md5Blocks.BlockSize];
        tail.Clear();
        _partial.AsSpan(0, _partialCount).CopyTo(tail);
        tail[_partialCount] = 0x80;
        var tailLength = _partialCount + 1 + 8 <= Md5Blocks.BlockSize ? Md5Blocks.BlockSize : 2 * Md5Blocks.BlockSize;
        BinaryPrimitives.WriteUInt64LittleEndian(tail[(tailLength - 8)..], (ulong)_length * 8);
        Md5Blocks.Compress(_state, tail[..tailLength]);
        var digest = new byte[16];
        for (var i = 0; i < 4; i++)
            BinaryPrimitives.WriteUInt32LittleEndian(digest.AsSpan(i * 4), _state[i]);
        Reset();
        return digest;
    }

    private void EnsureFlushed()
    {
        if (HasQueued)
            throw new InvalidOperationException("An MD5 stream was used before its blocks in the lanes were flushed.");
    }

    private void Reset()
    {
        _state[0] = 0x67452301; _state[1] = 0xefcdab89; _state[2] = 0x98badcfe; _state[3] = 0x10325476;
        _partialCount = 0;
        _length = 0;
    }
}
