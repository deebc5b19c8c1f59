namespace ObjectStore.Storage.Tests;

/// <summary>VerifyAndRepairAsync over real disk zones: what it finds, what it rebuilds, byte for byte.</summary>
public sealed class RepairTests : IAsyncDisposable
{
    private const int Stripe = 4 * ZoneFixture.BlockSize;
    private readonly ZoneFixture _zones = new(new DiskZoneBackend());

    public ValueTask DisposeAsync() => _zones.DisposeAsync();

    private string ShardPath(DataLayout layout, int shardIndex) =>
        ((Disk.DiskShardStore)_zones.ZoneOf(layout, shardIndex)).ShardPath(new ShardId(layout.DataId, shardIndex));

    private IEnumerable<string> AllFiles() =>
        _zones.Zones.Cast<Disk.DiskShardStore>().Where(z => Directory.Exists(z.RootDirectory))
            .SelectMany(z => Directory.EnumerateFiles(z.RootDirectory, "*", SearchOption.AllDirectories));

    [Fact]
    public async Task Missing_shards_are_rebuilt_identical_to_the_originals()
    {
        var stored = await _zones.WriteAsync(ZoneFixture.RandomBytes(3 * Stripe + 1234));
        var originals = Enumerable.Range(0, 6).Select(i => File.ReadAllBytes(ShardPath(stored.Layout, i))).ToArray();
        File.Delete(ShardPath(stored.Layout, 1));
        File.Delete(ShardPath(stored.Layout, 4));

        var result = await _zones.Store.VerifyAndRepairAsync(stored.Layout, DataCheckMode.Quick, CancellationToken.None);

        Assert.Equal([(1, ShardProblem.Missing, true), (4, ShardProblem.Missing, true)],
            result.Findings.Select(f => (f.ShardIndex, f.Problem, f.Repaired)));
        Assert.Equal(DataHealth.Healthy, result.Health);
        // Same blocks and checksums; only the header's creation time may differ.
        foreach (var i in new[] { 1, 4 })
            Assert.Equal(originals[i].AsSpan(ShardHeader.Size).ToArray(), File.ReadAllBytes(ShardPath(stored.Layout, i)).AsSpan(ShardHeader.Size).ToArray());
        Assert.DoesNotContain(AllFiles(), f => f.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Quick_check_misses_a_flipped_block_and_full_check_finds_and_rebuilds_it()
    {
        var data = ZoneFixture.RandomBytes(4 * Stripe + 99);
        var stored = await _zones.WriteAsync(data);
        var path = ShardPath(stored.Layout, 2);
        var original = File.ReadAllBytes(path);
        var damaged = (byte[])original.Clone();
        damaged[ShardHeader.Size + 3 * (ZoneFixture.BlockSize + 16) + 10] ^= 0x40; // stripe 3's block
        File.WriteAllBytes(path, damaged);

        var quick = await _zones.Store.VerifyAndRepairAsync(stored.Layout, DataCheckMode.Quick, CancellationToken.None);
        Assert.Empty(quick.Findings);

        var full = await _zones.Store.VerifyAndRepairAsync(stored.Layout, DataCheckMode.Full, CancellationToken.None);
        var finding = Assert.Single(full.Findings);
        Assert.Equal((2, ShardProblem.ChecksumMismatch, true), (finding.ShardIndex, finding.Problem, finding.Repaired));
        Assert.Equal(1, full.CorruptBlocks);
        Assert.Equal(original.AsSpan(ShardHeader.Size).ToArray(), File.ReadAllBytes(path).AsSpan(ShardHeader.Size).ToArray());
        Assert.Empty((await _zones.Store.VerifyAndRepairAsync(stored.Layout, DataCheckMode.Full, CancellationToken.None)).Findings);
        Assert.Equal(data, await _zones.ReadAsync(stored.Layout));
    }

    [Fact]
    public async Task Truncated_and_foreign_shards_are_found_by_length_and_header_and_rebuilt()
    {
        var a = await _zones.WriteAsync(ZoneFixture.RandomBytes(2 * Stripe + 5, seed: 1));
        var b = await _zones.WriteAsync(ZoneFixture.RandomBytes(2 * Stripe + 5, seed: 2));
        var truncated = ShardPath(a.Layout, 0);
        File.WriteAllBytes(truncated, File.ReadAllBytes(truncated)[..^100]);
        File.Copy(ShardPath(b.Layout, 3), ShardPath(a.Layout, 3), overwrite: true);

        var result = await _zones.Store.VerifyAndRepairAsync(a.Layout, DataCheckMode.Quick, CancellationToken.None);

        Assert.Equal([(0, ShardProblem.Truncated, true), (3, ShardProblem.BadHeader, true)],
            result.Findings.Select(f => (f.ShardIndex, f.Problem, f.Repaired)));
        Assert.Empty((await _zones.Store.VerifyAndRepairAsync(a.Layout, DataCheckMode.Full, CancellationToken.None)).Findings);
        Assert.Equal(ZoneFixture.RandomBytes(2 * Stripe + 5, seed: 1), await _zones.ReadAsync(a.Layout));
    }

    [Fact]
    public async Task An_unavailable_zone_leaves_the_data_degraded_and_a_later_check_rebuilds_it()
    {
        var stored = await _zones.WriteAsync(ZoneFixture.RandomBytes(Stripe + 7));
        var zoneB = ((Disk.DiskShardStore)_zones.Zone("zone-b")).RootDirectory;
        Directory.Delete(zoneB, recursive: true);

        var degraded = await _zones.Store.VerifyAndRepairAsync(stored.Layout, DataCheckMode.Quick, CancellationToken.None);
        Assert.Equal(DataHealth.Degraded, degraded.Health);
        Assert.Equal(2, degraded.Unrepaired);
        Assert.False(Directory.Exists(zoneB)); // never recreated by the store

        Directory.CreateDirectory(zoneB); // the operator replaced the disk
        var healed = await _zones.Store.VerifyAndRepairAsync(stored.Layout, DataCheckMode.Quick, CancellationToken.None);
        Assert.Equal((DataHealth.Healthy, 2), (healed.Health, healed.Repaired));
        Assert.Empty((await _zones.Store.VerifyAndRepairAsync(stored.Layout, DataCheckMode.Full, CancellationToken.None)).Findings);
    }

    [Fact]
    public async Task More_than_m_bad_shards_in_a_stripe_is_unreadable_and_nothing_is_written()
    {
        var stored = await _zones.WriteAsync(ZoneFixture.RandomBytes(Stripe + 7));
        foreach (var i in new[] { 0, 2, 5 })
            File.Delete(ShardPath(stored.Layout, i));
        var before = AllFiles().Order().ToArray();

        var result = await _zones.Store.VerifyAndRepairAsync(stored.Layout, DataCheckMode.Quick, CancellationToken.None);

        Assert.Equal((DataHealth.Unreadable, 3, 0), (result.Health, result.Unrepaired, result.Repaired));
        Assert.Equal(before, AllFiles().Order().ToArray());
    }
}
