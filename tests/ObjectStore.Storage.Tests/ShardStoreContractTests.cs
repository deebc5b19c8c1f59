namespace ObjectStore.Storage.Tests;

/// <summary>
/// What every <see cref="IShardStore"/> promises the data store and the repair scan: shards
/// invisible until committed, temporary entries listed with their ids, clean-up of abandoned
/// writes, replacement by a later commit, concurrent positional reads.
/// </summary>
public abstract class ShardStoreContractTests(IZoneBackend backend) : IAsyncLifetime
{
    private readonly ZoneFixture _zones = new(backend);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _zones.DisposeAsync();

    private IShardStore ZoneA => _zones.Zone("zone-a");

    /// <summary>A header and <paramref name="dataLength"/> bytes, written the way the data store writes a shard.</summary>
    private static async Task WriteShardAsync(IShardWriter writer, int dataLength, int seed, long length = 0)
    {
        var header = new byte[ShardHeader.Size];
        new ShardHeader(writer.Id.DataId, writer.Id.ShardIndex, 4, 2, ZoneFixture.BlockSize, length, DateTimeOffset.UtcNow, IsFinal: length > 0)
            .WriteTo(header);
        await writer.WriteAsync(0, [header, ZoneFixture.RandomBytes(dataLength, seed)], CancellationToken.None);
    }

    [Fact]
    public async Task Shard_alone_identifies_its_data_by_header()
    {
        var stored = await _zones.WriteAsync(ZoneFixture.RandomBytes(50_000), "photo.v3.part-0001");

        var bytes = await _zones.ReadShardAsync(stored.Layout, 4);
        var status = ShardHeader.TryParse(bytes, out var header);

        Assert.Equal(ShardHeaderStatus.Valid, status);
        Assert.Equal(("photo.v3.part-0001", 4, 4, 2, ZoneFixture.BlockSize, 50_000L),
            (header!.DataId, header.ShardIndex, header.DataShards, header.ParityShards, header.BlockSize, header.Length));
        Assert.True(header.Matches(stored.Layout, 4));
        Assert.Equal(bytes.Length, header.Geometry.ShardFileLength);
    }

    [Fact]
    public async Task Zone_listing_finds_committed_and_temporary_shards_with_their_ids_and_age()
    {
        var stored = await _zones.WriteAsync(ZoneFixture.RandomBytes(20_000), "listed.id");
        var zone = _zones.Zone(stored.Layout.ShardZones[0]);
        await using var abandoned = await zone.CreateAsync(new ShardId("crashed", 3), CancellationToken.None);
        await WriteShardAsync(abandoned, 3 * ZoneFixture.BlockSize, seed: 3);

        var entries = new List<ShardEntry>();
        await foreach (var entry in zone.ListAsync(CancellationToken.None))
            entries.Add(entry);

        var committed = entries.Where(e => !e.IsTemporary).ToArray();
        Assert.Equal(2, committed.Length);
        Assert.All(committed, e => Assert.Equal("listed.id", e.Id!.Value.DataId));
        Assert.All(committed, e => Assert.Equal(ShardGeometry.Of(stored.Layout).ShardFileLength, e.Length));
        var temp = Assert.Single(entries, e => e.IsTemporary);
        Assert.Equal(new ShardId("crashed", 3), temp.Id);
        Assert.True(DateTimeOffset.UtcNow - temp.LastModified < TimeSpan.FromMinutes(1));

        await using (var reader = await zone.OpenEntryAsync(committed[0], CancellationToken.None))
        {
            var (status, header) = await ShardHeader.ReadAsync(reader!, CancellationToken.None);
            Assert.Equal(ShardHeaderStatus.Valid, status);
            Assert.Equal(committed[0].Id, header!.Id);
        }
        Assert.True(await zone.DeleteEntryAsync(temp, CancellationToken.None));
        Assert.False(await zone.DeleteEntryAsync(temp, CancellationToken.None));
        await foreach (var entry in zone.ListAsync(CancellationToken.None))
            Assert.False(entry.IsTemporary, $"{entry.Name} is still listed.");
    }

    [Fact]
    public async Task Shard_is_invisible_until_committed_then_reads_back()
    {
        var id = new ShardId(ZoneFixture.NewDataId(), 1);
        await using var writer = await ZoneA.CreateAsync(id, CancellationToken.None);
        await WriteShardAsync(writer, 5 * ZoneFixture.BlockSize, seed: 5);

        Assert.Null(await ZoneA.OpenReadAsync(id, CancellationToken.None));

        await writer.CommitAsync(CancellationToken.None);
        await using var reader = await ZoneA.OpenReadAsync(id, CancellationToken.None);
        Assert.Equal(ShardHeader.Size + 5 * ZoneFixture.BlockSize, reader!.Length);
        var tail = new byte[100];
        Assert.Equal(100, await reader.ReadAsync(reader.Length - 100, tail, CancellationToken.None));
        Assert.Equal(ZoneFixture.RandomBytes(5 * ZoneFixture.BlockSize, seed: 5)[^100..], tail);
    }

    [Fact]
    public async Task Later_writes_at_their_offsets_and_a_header_written_last_read_back_in_place()
    {
        var id = new ShardId(ZoneFixture.NewDataId(), 0);
        var blocks = Enumerable.Range(0, 4).Select(i => ZoneFixture.RandomBytes(ZoneFixture.BlockSize, seed: 10 + i)).ToArray();
        await using (var writer = await ZoneA.CreateAsync(id, CancellationToken.None))
        {
            await WriteShardAsync(writer, 0, seed: 0); // the provisional header alone
            long offset = ShardHeader.Size;
            foreach (var block in blocks)
            {
                await writer.WriteAsync(offset, [block.AsMemory(0, 1000), block.AsMemory(1000)], CancellationToken.None);
                offset += block.Length;
            }
            await WriteShardAsync(writer, 0, seed: 0, length: 12345); // the final header, last
            await writer.CommitAsync(CancellationToken.None);
        }

        await using var reader = await ZoneA.OpenReadAsync(id, CancellationToken.None);
        var (status, header) = await ShardHeader.ReadAsync(reader!, CancellationToken.None);
        Assert.Equal((ShardHeaderStatus.Valid, 12345L), (status, header!.Length));
        var all = new byte[4 * ZoneFixture.BlockSize];
        Assert.Equal(all.Length, await reader!.ReadAsync(ShardHeader.Size, all, CancellationToken.None));
        Assert.Equal(blocks.SelectMany(b => b).ToArray(), all);
    }

    [Fact]
    public async Task Disposing_an_uncommitted_writer_leaves_nothing_in_the_zone()
    {
        var id = new ShardId(ZoneFixture.NewDataId(), 2);
        await using (var writer = await ZoneA.CreateAsync(id, CancellationToken.None))
            await WriteShardAsync(writer, 6 * ZoneFixture.BlockSize, seed: 6);

        Assert.Empty(await _zones.AllEntriesAsync());
        Assert.Null(await ZoneA.OpenReadAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task Commit_replaces_an_existing_shard_of_the_same_id()
    {
        var id = new ShardId(ZoneFixture.NewDataId(), 4);
        foreach (var (length, seed) in new[] { (4 * ZoneFixture.BlockSize, 1), (100, 2) })
        {
            await using var writer = await ZoneA.CreateAsync(id, CancellationToken.None);
            await WriteShardAsync(writer, length, seed);
            await writer.CommitAsync(CancellationToken.None);
        }

        await using var reader = await ZoneA.OpenReadAsync(id, CancellationToken.None);
        Assert.Equal(ShardHeader.Size + 100, reader!.Length);
        var data = new byte[100];
        Assert.Equal(100, await reader.ReadAsync(ShardHeader.Size, data, CancellationToken.None));
        Assert.Equal(ZoneFixture.RandomBytes(100, seed: 2), data);
        Assert.Single(await _zones.AllEntriesAsync());
    }

    [Fact]
    public async Task One_reader_serves_concurrent_positional_reads_and_short_reads_only_at_the_end()
    {
        var stored = await _zones.WriteAsync(ZoneFixture.RandomBytes(8 * 4 * ZoneFixture.BlockSize));
        var expected = await _zones.ReadShardAsync(stored.Layout, 0);
        await using var reader = await _zones.ZoneOf(stored.Layout, 0).OpenReadAsync(new ShardId(stored.Layout.DataId, 0), CancellationToken.None);

        var reads = Enumerable.Range(0, 16).Select(async i =>
        {
            var buffer = new byte[3000];
            var offset = i * 2000L;
            var n = await reader!.ReadAsync(offset, buffer, CancellationToken.None);
            return (offset, n, buffer);
        });
        foreach (var (offset, n, buffer) in await Task.WhenAll(reads))
        {
            Assert.Equal(Math.Min(3000, expected.Length - offset), n);
            Assert.Equal(expected.AsSpan((int)offset, n).ToArray(), buffer[..n]);
        }
        Assert.Equal(0, await reader!.ReadAsync(expected.Length, new byte[10], CancellationToken.None));
    }

    [Fact]
    public async Task Unfinished_write_lists_temporary_entries_naming_its_shards_and_cancel_removes_them()
    {
        var source = new ShardFormatTests.StallingStream(ZoneFixture.RandomBytes(4 * 4 * ZoneFixture.BlockSize),
            stallAt: 3 * 4 * ZoneFixture.BlockSize);
        using var cancel = new CancellationTokenSource();
        var write = _zones.Store.WriteAsync(source, new DataWriteRequest("in-flight", "STANDARD"), cancel.Token);
        await source.Stalled.WaitAsync(TimeSpan.FromSeconds(30));

        // What a crash at this point would leave: temporary entries only, each naming its shard.
        IReadOnlyList<ShardEntry> entries = [];
        for (var attempt = 0; attempt < 100 && entries.Count < 6; attempt++)
        {
            entries = await _zones.AllEntriesAsync();
            if (entries.Count < 6) await Task.Delay(50);
        }
        Assert.Equal(6, entries.Count);
        Assert.All(entries, e => Assert.True(e.IsTemporary));
        Assert.Equal(Enumerable.Range(0, 6), entries.Select(e => e.Id!.Value).Where(i => i.DataId == "in-flight").Select(i => i.ShardIndex).Order());

        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => write);
        Assert.Empty(await _zones.AllEntriesAsync());
    }
}

public sealed class DiskShardStoreContractTests() : ShardStoreContractTests(new DiskZoneBackend());

[Collection(ObjectStore.Testing.AzuriteCollection.Name)]
public sealed class BlobShardStoreContractTests(ObjectStore.Testing.AzuriteFixture azurite) : ShardStoreContractTests(new BlobZoneBackend(azurite));
