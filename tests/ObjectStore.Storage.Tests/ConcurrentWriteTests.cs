using System.Security.Cryptography;
using ObjectStore.Storage.Hashing;

namespace ObjectStore.Storage.Tests;

/// <summary>
/// Writes at once share the MD5 lanes (<see cref="Md5Lanes"/>): each stripe's hash is queued and finished only
/// when the write flushes it, so every write must still get its own digest and bytes, and a write whose source
/// fails mid-body must wait for its queued stripe before its buffers go back to the pool.
/// </summary>
public sealed class ConcurrentWriteTests : IAsyncLifetime
{
    private const int KiB = 1024;

    // 256 KiB blocks: stripes of 1 MiB in 4+2, the size from which a stripe is hashed off the receiving thread.
    private readonly ZoneFixture _zones = new(new DiskZoneBackend(), blockSize: 256 * KiB);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _zones.DisposeAsync();

    [Fact]
    public async Task Eight_writes_at_once_each_get_their_own_digest_and_bytes()
    {
        var bodies = Enumerable.Range(0, 8).Select(i => ZoneFixture.RandomBytes(5 * 1024 * KiB + i * 4099, seed: 40 + i)).ToArray();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var writes = bodies.Select((body, i) => Task.Run(async () =>
        {
            await start.Task;
            return await _zones.WriteAsync(body, maxChunk: 16 * KiB + i); // short reads, as from a socket
        })).ToArray();
        start.SetResult();
        var stored = await Task.WhenAll(writes);

        for (var i = 0; i < bodies.Length; i++)
        {
            Assert.Equal(MD5.HashData(bodies[i]), stored[i].Md5);
            Assert.Equal(bodies[i], await _zones.ReadAsync(stored[i].Layout));
        }
    }

    [Fact]
    public async Task A_source_failing_mid_body_beside_other_writes_fails_alone()
    {
        var bodies = Enumerable.Range(0, 6).Select(i => ZoneFixture.RandomBytes(4 * 1024 * KiB + 777 * i, seed: 60 + i)).ToArray();

        var writes = bodies.Select((body, i) => Task.Run(() => i == 2
            ? _zones.Store.WriteAsync(new FailingStream(body, failAfter: 2 * 1024 * KiB + 5), new DataWriteRequest(ZoneFixture.NewDataId(), "STANDARD"), CancellationToken.None)
            : _zones.WriteAsync(body, maxChunk: 64 * KiB))).ToArray();

        await Assert.ThrowsAsync<IOException>(() => writes[2]);
        for (var i = 0; i < bodies.Length; i++)
        {
            if (i == 2)
                continue;
            var stored = await writes[i];
            Assert.Equal(MD5.HashData(bodies[i]), stored.Md5);
            Assert.Equal(bodies[i], await _zones.ReadAsync(stored.Layout));
        }
    }

    /// <summary>Returns the body in 64 KiB reads and throws once <c>failAfter</c> bytes are read, as a client that drops.</summary>
    private sealed class FailingStream(byte[] data, int failAfter) : Stream
    {
        private int _position;

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position >= failAfter)
                throw new IOException("The client went away.");
            var take = Math.Min(Math.Min(count, 64 * KiB), Math.Min(data.Length, failAfter) - _position);
            data.AsSpan(_position, take).CopyTo(buffer.AsSpan(offset));
            _position += take;
            return take;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => data.Length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
