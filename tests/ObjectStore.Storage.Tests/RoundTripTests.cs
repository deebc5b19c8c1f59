using System.Security.Cryptography;

namespace ObjectStore.Storage.Tests;

/// <summary>The data store's round trips over any shard backend (the contract both stores keep).</summary>
public abstract class RoundTripTests(IZoneBackend backend) : IAsyncLifetime
{
    private const int B = ZoneFixture.BlockSize;
    private const int Stripe = 4 * B;
    private readonly ZoneFixture _zones = new(backend);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _zones.DisposeAsync();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(B - 1)]
    [InlineData(B)]
    [InlineData(B + 1)]
    [InlineData(Stripe - 1)]
    [InlineData(Stripe)]
    [InlineData(Stripe + 1)]
    [InlineData(3 * Stripe + 777)]
    [InlineData(5 * Stripe + 2 * B + 13)]
    public async Task Write_then_read_returns_the_same_bytes_and_md5(int size)
    {
        var data = ZoneFixture.RandomBytes(size, seed: size);

        var stored = await _zones.WriteAsync(data);

        Assert.Equal(size, stored.Length);
        Assert.Equal(size, stored.Layout.Length);
        Assert.Equal(MD5.HashData(data), stored.Md5);
        Assert.Empty(stored.Layout.MissingShards);
        Assert.Equal(data, await _zones.ReadAsync(stored.Layout));
    }

    [Fact]
    public async Task A_write_that_turns_MD5_off_stores_the_same_bytes_and_returns_no_digest()
    {
        var data = ZoneFixture.RandomBytes(2 * Stripe + 5);

        var stored = await _zones.Store.WriteAsync(new MemoryStream(data), new DataWriteRequest(ZoneFixture.NewDataId(), "STANDARD") { ComputeMd5 = false },
            CancellationToken.None);

        Assert.Empty(stored.Md5);
        Assert.Equal(data.Length, stored.Length);
        Assert.Equal(data, await _zones.ReadAsync(stored.Layout));
    }

    [Fact]
    public async Task Source_returning_short_reads_is_stored_whole()
    {
        var data = ZoneFixture.RandomBytes(2 * Stripe + 999);

        var stored = await _zones.WriteAsync(data, maxChunk: 1000);

        Assert.Equal(MD5.HashData(data), stored.Md5);
        Assert.Equal(data, await _zones.ReadAsync(stored.Layout));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(B - 10, 20)]                  // across a block boundary
    [InlineData(Stripe - 5, 10)]              // across a stripe boundary
    [InlineData(Stripe - 1, 2 * Stripe + 2)]  // spans whole stripes
    [InlineData(2 * Stripe + 3, B)]           // inside one later stripe
    [InlineData(3 * Stripe, 777)]             // exactly the short last stripe
    [InlineData(3 * Stripe + 776, 1)]         // the last byte
    [InlineData(100, 3 * Stripe + 677)]       // to the end
    public async Task Range_read_returns_exactly_the_requested_bytes(long offset, long length)
    {
        var data = ZoneFixture.RandomBytes(3 * Stripe + 777);
        var stored = await _zones.WriteAsync(data);

        var range = await _zones.ReadAsync(stored.Layout, offset, length);

        Assert.Equal(data.AsSpan((int)offset, (int)length).ToArray(), range);
    }

    [Fact]
    public async Task Range_read_outside_the_data_is_rejected()
    {
        var stored = await _zones.WriteAsync(ZoneFixture.RandomBytes(100));

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _zones.ReadAsync(stored.Layout, 50, 51));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _zones.ReadAsync(stored.Layout, -1, 1));
    }

    [Fact]
    public async Task Zero_byte_data_writes_no_shards_and_reads_and_deletes()
    {
        var stored = await _zones.WriteAsync([]);

        Assert.Equal(MD5.HashData([]), stored.Md5);
        Assert.Empty(await _zones.AllEntriesAsync());
        Assert.Empty(await _zones.ReadAsync(stored.Layout));
        await _zones.Store.DeleteAsync(stored.Layout, CancellationToken.None);
    }

    [Fact]
    public async Task Small_object_uses_small_blocks()
    {
        await using var zones = new ZoneFixture(backend, blockSize: 1024 * 1024);
        var data = ZoneFixture.RandomBytes(4096);

        var stored = await zones.WriteAsync(data);

        // 4 KiB over 4 data shards: 1 KiB blocks, not 1 MiB ones.
        for (var i = 0; i < 6; i++)
            Assert.Equal(ShardHeader.Size + 1024 + 16, (await zones.ReadShardAsync(stored.Layout, i)).Length);
        Assert.Equal(data, await zones.ReadAsync(stored.Layout));
    }

    [Fact]
    public async Task Shard_files_have_the_length_the_geometry_predicts()
    {
        var stored = await _zones.WriteAsync(ZoneFixture.RandomBytes(3 * Stripe + 777));
        var expected = ShardGeometry.Of(stored.Layout).ShardFileLength;

        for (var i = 0; i < 6; i++)
            Assert.Equal(expected, (await _zones.ReadShardAsync(stored.Layout, i)).Length);
    }

    [Fact]
    public async Task Delete_removes_every_shard_file()
    {
        var stored = await _zones.WriteAsync(ZoneFixture.RandomBytes(2 * Stripe));
        Assert.Equal(6, (await _zones.AllEntriesAsync()).Count);

        await _zones.Store.DeleteAsync(stored.Layout, CancellationToken.None);

        Assert.Empty(await _zones.AllEntriesAsync());
        await _zones.Store.DeleteAsync(stored.Layout, CancellationToken.None); // again: missing shards are fine
    }

    [Fact]
    public async Task Layout_survives_serialization_and_still_reads()
    {
        var data = ZoneFixture.RandomBytes(Stripe + 5);
        var stored = await _zones.WriteAsync(data);

        var parsed = DataLayout.Parse(stored.Layout.Serialize());

        Assert.Equal(data, await _zones.ReadAsync(parsed));
    }

    [Fact]
    public async Task Concurrent_writes_and_reads_do_not_interfere()
    {
        var inputs = Enumerable.Range(0, 8).Select(i => ZoneFixture.RandomBytes(Stripe * i + 31 * i, seed: i)).ToArray();

        var stored = await Task.WhenAll(inputs.Select(d => _zones.WriteAsync(d)));
        var read = await Task.WhenAll(stored.Select(s => _zones.ReadAsync(s.Layout)));

        for (var i = 0; i < inputs.Length; i++)
            Assert.Equal(inputs[i], read[i]);
    }
}

public sealed class DiskRoundTripTests() : RoundTripTests(new DiskZoneBackend());

[Collection(ObjectStore.Testing.AzuriteCollection.Name)]
public sealed class BlobRoundTripTests(ObjectStore.Testing.AzuriteFixture azurite) : RoundTripTests(new BlobZoneBackend(azurite));
