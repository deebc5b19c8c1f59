namespace ObjectStore.Storage.Tests;

/// <summary>Faults below the shard store (lost zone, corrupt, truncated, foreign shards) on any backend.</summary>
public abstract class FaultTests(IZoneBackend backend) : IAsyncLifetime
{
    private const int Stripe = 4 * ZoneFixture.BlockSize;
    private readonly ZoneFixture _zones = new(backend);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _zones.DisposeAsync();

    [Fact]
    public async Task Get_with_a_zone_deleted_returns_original_bytes()
    {
        var data = ZoneFixture.RandomBytes(3 * Stripe + 1234);
        var stored = await _zones.WriteAsync(data);

        await _zones.DeleteZoneAsync("zone-b");

        Assert.Equal(data, await _zones.ReadAsync(stored.Layout));
        Assert.Equal(data.AsSpan(Stripe - 7, Stripe).ToArray(), await _zones.ReadAsync(stored.Layout, Stripe - 7, Stripe));
        var lost = Enumerable.Range(0, 6).Where(i => stored.Layout.ShardZones[i] == "zone-b").ToArray();
        Assert.Equal(2, lost.Length);
        Assert.All(_zones.Logger.BadShards, e => Assert.Equal("zone-b", e.State["Zone"]));
    }

    [Fact]
    public async Task Get_with_bytes_flipped_in_one_zone_returns_original_bytes_and_logs_each_corrupt_shard()
    {
        var data = ZoneFixture.RandomBytes(4 * Stripe + 99);
        var stored = await _zones.WriteAsync(data);
        var corrupt = Enumerable.Range(0, 6).Where(i => stored.Layout.ShardZones[i] == "zone-a").ToArray();
        var random = new Random(7);
        foreach (var shard in corrupt)
        {
            var bytes = await _zones.ReadShardAsync(stored.Layout, shard);
            for (var flip = 0; flip < 20; flip++)
            {
                var at = random.Next(ShardHeader.Size, bytes.Length);
                bytes[at] ^= (byte)(1 << random.Next(8));
            }
            await _zones.WriteShardAsync(stored.Layout, shard, bytes);
        }

        // Read every block (parity included) by reading the whole object twice: full and ranged.
        Assert.Equal(data, await _zones.ReadAsync(stored.Layout));

        var logged = _zones.Logger.BadShards;
        var loggedShards = logged.Select(e => (int)e.State["ShardIndex"]!).Order().ToArray();
        Assert.Subset(corrupt.ToHashSet(), loggedShards.ToHashSet());
        Assert.Equal(loggedShards.Distinct().Count(), loggedShards.Length); // one line per bad shard
        Assert.All(logged, e =>
        {
            Assert.Equal(stored.Layout.DataId, e.State["DataId"]);
            Assert.Equal("zone-a", e.State["Zone"]);
        });
    }

    [Fact]
    public async Task Corrupt_data_shard_is_logged_and_reported_to_the_observer()
    {
        var data = ZoneFixture.RandomBytes(Stripe);
        var stored = await _zones.WriteAsync(data);
        var bytes = await _zones.ReadShardAsync(stored.Layout, 1);
        bytes[ShardHeader.Size + 10] ^= 0x40;
        await _zones.WriteShardAsync(stored.Layout, 1, bytes);

        Assert.Equal(data, await _zones.ReadAsync(stored.Layout));

        var line = Assert.Single(_zones.Logger.BadShards);
        Assert.Equal(1, line.State["ShardIndex"]);
        Assert.Equal(ShardProblem.ChecksumMismatch, line.State["Problem"]);
        var report = Assert.Single(_zones.Observer.Reports);
        Assert.Equal((1, stored.Layout.ShardZones[1], ShardProblem.ChecksumMismatch, 0L),
            (report.ShardIndex, report.Zone, report.Problem, report.Stripe));
    }

    [Fact]
    public async Task Get_with_a_truncated_shard_returns_original_bytes()
    {
        var data = ZoneFixture.RandomBytes(3 * Stripe + 5);
        var stored = await _zones.WriteAsync(data);
        var bytes = await _zones.ReadShardAsync(stored.Layout, 0);
        await _zones.WriteShardAsync(stored.Layout, 0, bytes[..(bytes.Length / 2)]);

        Assert.Equal(data, await _zones.ReadAsync(stored.Layout));
        Assert.Contains(_zones.Observer.Reports, r => r is { ShardIndex: 0, Problem: ShardProblem.Truncated });
    }

    [Fact]
    public async Task Get_with_a_shard_holding_another_datas_header_rebuilds_instead_of_trusting_it()
    {
        var data = ZoneFixture.RandomBytes(Stripe);
        var stored = await _zones.WriteAsync(data);
        var other = await _zones.WriteAsync(ZoneFixture.RandomBytes(Stripe, seed: 2));
        await _zones.WriteShardAsync(stored.Layout, 2, await _zones.ReadShardAsync(other.Layout, 2));

        Assert.Equal(data, await _zones.ReadAsync(stored.Layout));
        Assert.Contains(_zones.Observer.Reports, r => r is { ShardIndex: 2, Problem: ShardProblem.BadHeader });
    }

    [Fact]
    public async Task Get_with_three_shards_of_a_stripe_lost_throws_naming_the_data_not_wrong_bytes()
    {
        var stored = await _zones.WriteAsync(ZoneFixture.RandomBytes(2 * Stripe));
        foreach (var shard in new[] { 0, 3, 5 })
            Assert.True(await _zones.DeleteShardAsync(stored.Layout, shard));

        var error = await Assert.ThrowsAsync<DataStoreException>(() => _zones.ReadAsync(stored.Layout));

        Assert.Contains(stored.Layout.DataId, error.Message);
    }

    [Fact]
    public async Task Get_with_three_corrupt_blocks_in_one_stripe_throws()
    {
        var stored = await _zones.WriteAsync(ZoneFixture.RandomBytes(2 * Stripe));
        var blockOffset = ShardGeometry.Of(stored.Layout).BlockOffset(1);
        foreach (var shard in new[] { 1, 2, 4 })
        {
            var bytes = await _zones.ReadShardAsync(stored.Layout, shard);
            bytes[blockOffset + 3] ^= 1;
            await _zones.WriteShardAsync(stored.Layout, shard, bytes);
        }

        // Stripe 0 is intact and reads, so does stripe 1's intact block 0 (no decoding needed);
        // stripe 1's block 1 cannot be rebuilt from three intact shards.
        Assert.Equal(Stripe, (await _zones.ReadAsync(stored.Layout, 0, Stripe)).Length);
        Assert.Single(await _zones.ReadAsync(stored.Layout, Stripe, 1));
        await Assert.ThrowsAsync<DataStoreException>(() => _zones.ReadAsync(stored.Layout, Stripe, ZoneFixture.BlockSize + 1));
    }

    [Fact]
    public async Task Put_with_one_zone_missing_succeeds_degraded_and_records_missing_shards()
    {
        await _zones.DeleteZoneAsync("zone-c");
        var data = ZoneFixture.RandomBytes(2 * Stripe + 17);

        var stored = await _zones.WriteAsync(data);

        var expectedMissing = Enumerable.Range(0, 6).Where(i => stored.Layout.ShardZones[i] == "zone-c").ToArray();
        Assert.Equal(2, expectedMissing.Length);
        Assert.Equal(expectedMissing, stored.Layout.MissingShards);
        Assert.Equal(data, await _zones.ReadAsync(stored.Layout));
        Assert.Empty(_zones.Logger.BadShards); // shards known missing at write time are not news
        Assert.DoesNotContain(await _zones.AllEntriesAsync(), e => e.IsTemporary);
    }

    [Fact]
    public async Task Put_below_write_quorum_fails_and_leaves_no_shard_files()
    {
        await _zones.DeleteZoneAsync("zone-a");
        await _zones.DeleteZoneAsync("zone-c");

        var error = await Assert.ThrowsAsync<DataStoreException>(() => _zones.WriteAsync(ZoneFixture.RandomBytes(3 * Stripe), "lost-quorum"));

        Assert.Contains("lost-quorum", error.Message);
        Assert.Empty(await _zones.AllEntriesAsync());
    }

    [Fact]
    public async Task Put_whose_source_fails_midway_leaves_no_shard_files()
    {
        var source = new ChunkedStream(ZoneFixture.RandomBytes(4 * Stripe), maxChunk: 5000, failAfter: 2 * Stripe + 1);

        await Assert.ThrowsAsync<IOException>(() =>
            _zones.Store.WriteAsync(source, new DataWriteRequest(ZoneFixture.NewDataId(), "STANDARD"), CancellationToken.None));

        Assert.Empty(await _zones.AllEntriesAsync());
    }

    [Fact]
    public async Task Put_cancelled_midway_leaves_no_shard_files()
    {
        using var cancel = new CancellationTokenSource();
        var source = new CancellingStream(ZoneFixture.RandomBytes(4 * Stripe), cancel, cancelAfter: Stripe + 10);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            _zones.Store.WriteAsync(source, new DataWriteRequest(ZoneFixture.NewDataId(), "STANDARD"), cancel.Token));

        Assert.Empty(await _zones.AllEntriesAsync());
    }

    [Fact]
    public async Task Delete_with_a_zone_unavailable_removes_the_rest()
    {
        var stored = await _zones.WriteAsync(ZoneFixture.RandomBytes(Stripe));
        await _zones.DeleteZoneAsync("zone-b");

        await _zones.Store.DeleteAsync(stored.Layout, CancellationToken.None);

        Assert.Empty(await _zones.AllEntriesAsync());
    }

    private sealed class CancellingStream(byte[] data, CancellationTokenSource cancel, int cancelAfter) : ForwardOnlyStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Offset >= cancelAfter) cancel.Cancel();
            cancellationToken.ThrowIfCancellationRequested();
            return ValueTask.FromResult(Take(buffer.Span, 4096));
        }
    }
}

public sealed class DiskFaultTests() : FaultTests(new DiskZoneBackend());

[Collection(ObjectStore.Testing.AzuriteCollection.Name)]
public sealed class BlobFaultTests(ObjectStore.Testing.AzuriteFixture azurite) : FaultTests(new BlobZoneBackend(azurite));
