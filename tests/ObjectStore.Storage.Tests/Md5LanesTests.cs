using System.Security.Cryptography;
using ObjectStore.Storage.Hashing;

namespace ObjectStore.Storage.Tests;

/// <summary>
/// The project's MD5 (the ETag of every PUT and part) gives the platform's digest (System.Security.Cryptography)
/// for every length around the block and padding edges, however the bytes are cut into appends, and when many
/// streams hash at once through the shared lanes. The lanes and the count of bodies hashing are process-wide,
/// so these tests run alone: another class's writes would flush their queued jobs or put a body in the lanes.
/// </summary>
[Collection(Md5LanesCollection.Name)]
public sealed class Md5LanesTests
{
    private static byte[] Bytes(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    [Fact]
    public void Every_length_up_to_three_blocks_hashes_as_the_platform_does()
    {
        for (var length = 0; length <= 3 * 64 + 1; length++)
        {
            var data = Bytes(length, length);
            var stream = new Md5Stream();
            stream.Append(data);
            Assert.Equal(MD5.HashData(data), stream.GetHashAndReset());
        }
    }

    [Fact]
    public void Appends_cut_anywhere_give_the_digest_of_the_whole()
    {
        var random = new Random(3);
        var stream = new Md5Stream();
        for (var round = 0; round < 200; round++)
        {
            var data = Bytes(random.Next(0, 5000), round);
            var offset = 0;
            while (offset < data.Length)
            {
                var take = Math.Min(random.Next(0, 300), data.Length - offset);
                stream.Append(data.AsSpan(offset, take));
                offset += take;
            }
            Assert.Equal(MD5.HashData(data), stream.GetHashAndReset()); // and the reset starts the next round over
        }
    }

    [Theory]
    [InlineData(16)]
    [InlineData(9)]
    [InlineData(8)]
    [InlineData(5)]
    [InlineData(2)]
    public unsafe void Busy_lanes_compute_what_one_stream_computes_for_each(int laneCount)
    {
        // Vector512 runs in software where the hardware lacks it: the lanes are checked on every machine.
        const int blocks = 37;
        var data = Enumerable.Range(0, laneCount).Select(l => Bytes(blocks * 64, 100 + l)).ToArray();
        var expected = data.Select(d =>
        {
            var state = new uint[] { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476 };
            Md5Blocks.Compress(state, d);
            return state;
        }).ToArray();

        var states = new uint[4 * Md5Blocks.Lanes];
        for (var l = 0; l < laneCount; l++)
            (states[l], states[16 + l], states[32 + l], states[48 + l]) = (0x67452301u, 0xefcdab89u, 0x98badcfeu, 0x10325476u);
        var handles = data.Select(d => System.Runtime.InteropServices.GCHandle.Alloc(d, System.Runtime.InteropServices.GCHandleType.Pinned)).ToArray();
        try
        {
            var lanes = stackalloc byte*[Md5Blocks.Lanes];
            for (var l = 0; l < laneCount; l++)
                lanes[l] = (byte*)handles[l].AddrOfPinnedObject();
            fixed (uint* s = states)
                Md5Blocks.CompressLanes(s, lanes, laneCount, blocks);
        }
        finally
        {
            foreach (var handle in handles) handle.Free();
        }

        for (var l = 0; l < laneCount; l++)
            Assert.Equal(expected[l], new[] { states[l], states[16 + l], states[32 + l], states[48 + l] });
    }

    [Fact]
    public async Task Many_streams_appending_at_once_through_the_lanes_each_get_their_own_digest()
    {
        // More streams than lanes, of unequal lengths and cuts, so streams join and leave the lanes mid-way.
        var bodies = Enumerable.Range(0, 40).Select(i => Bytes(i * 37_000 + i % 7, 500 + i)).ToArray();

        var digests = await Task.WhenAll(bodies.Select(body => Task.Run(async () =>
        {
            var stream = new Md5Stream();
            var random = new Random(body.Length);
            var offset = 0;
            while (offset < body.Length)
            {
                var take = Math.Min(random.Next(1, 300_000), body.Length - offset);
                await Md5Lanes.FlushAsync(stream);
                Md5Lanes.Append(stream, body.AsMemory(offset, take));
                offset += take;
                await Task.Yield(); // the others append meanwhile: the next flush finds several streams waiting
            }
            await Md5Lanes.FlushAsync(stream);
            return stream.GetHashAndReset();
        })));

        for (var i = 0; i < bodies.Length; i++)
            Assert.Equal(MD5.HashData(bodies[i]), digests[i]);
    }

    [Fact]
    public async Task Appends_nobody_flushes_are_hashed_while_sixteen_streams_wait()
    {
        if (!Md5Blocks.LanesSupported)
            return; // without 512-bit vectors an append is hashed at once, on its caller's thread
        var bodies = Enumerable.Range(0, Md5Blocks.Lanes).Select(i => Bytes(64 * 1024 + 64 * i, 700 + i)).ToArray();
        var streams = bodies.Select(_ => new Md5Stream()).ToArray();
        for (var i = 0; i < Md5Blocks.Lanes - 1; i++)
            Md5Lanes.Append(streams[i], bodies[i]);
        await Task.Delay(200);
        Assert.All(streams[..^1], s => Assert.False(s.Last!.Done.Task.IsCompleted)); // waiting for company or a flush

        // The sixteenth fills the lanes: the worker runs without a flush, until the shortest is through (the
        // lanes are no longer full and nobody waits), leaving the rest part-hashed for the flushes below.
        Md5Lanes.Append(streams[^1], bodies[^1]);
        await streams[0].Last!.Done.Task.WaitAsync(TimeSpan.FromSeconds(30));
        for (var i = 0; i < streams.Length; i++)
        {
            await Md5Lanes.FlushAsync(streams[i]);
            Assert.Equal(MD5.HashData(bodies[i]), streams[i].GetHashAndReset());
        }
    }

    [Fact]
    public async Task A_stream_with_queued_blocks_takes_only_whole_blocks_and_is_read_only_once_flushed()
    {
        if (!Md5Blocks.LanesSupported)
            return;
        var stream = new Md5Stream();
        byte[] first = Bytes(4096, 1), second = Bytes(4096 + 10, 2), third = Bytes(64, 3);
        Md5Lanes.Append(stream, first);
        Md5Lanes.Append(stream, second); // queued behind the first; its 10-byte tail stays with the stream
        Assert.Throws<InvalidOperationException>(() => Md5Lanes.Append(stream, third)); // would hash the tail under the worker
        Assert.Throws<InvalidOperationException>(() => stream.Append(third));
        Assert.Throws<InvalidOperationException>(() => stream.GetHashAndReset());
        await Md5Lanes.FlushAsync(stream).WaitAsync(TimeSpan.FromSeconds(30));
        stream.Append(third);
        Assert.Equal(MD5.HashData([.. first, .. second, .. third]), stream.GetHashAndReset());
    }

    [Fact]
    public async Task Bodies_written_at_once_get_their_digests_whether_they_hash_alone_or_in_the_lanes()
    {
        // Eight bodies start together: the first ones hash on the platform, the later ones in the lanes.
        var bodies = Enumerable.Range(0, 8).Select(i => Bytes(6 * 4 * 1024 * 1024 + i * 1000, 900 + i)).ToArray();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writes = bodies.Select(async body =>
        {
            using var md5 = new BodyMd5();
            await start.Task;
            const int stripe = 4 * 1024 * 1024;
            var offset = 0;
            for (; offset + stripe <= body.Length; offset += stripe)
            {
                // As a write does: pieces while the stripe arrives, the previous stripe flushed, then the handover.
                var taken = 0;
                while (taken + 1024 * 1024 <= stripe / 2 && md5.TryAppendPiece(body.AsMemory(offset + taken, 1024 * 1024)))
                    taken += 1024 * 1024;
                await md5.FlushHandedOverAsync();
                await md5.AppendStripeAsync(body.AsMemory(offset, stripe), taken);
            }
            await md5.FlushAsync();
            md5.Append(body.AsSpan(offset)); // the short last stripe
            return (Digest: md5.GetHash(), md5.InLanes);
        }).ToArray();
        start.SetResult();
        var results = await Task.WhenAll(writes);

        for (var i = 0; i < bodies.Length; i++)
            Assert.Equal(MD5.HashData(bodies[i]), results[i].Digest);
        Assert.Contains(results, r => !r.InLanes);
        if (Md5Blocks.LanesSupported)
            Assert.Contains(results, r => r.InLanes);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class Md5LanesCollection
{
    public const string Name = "Process-wide MD5 lanes";
}
