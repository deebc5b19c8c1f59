using ObjectStore.Storage.Disk;

namespace ObjectStore.Storage.Tests;

public sealed class ShardFormatTests : IDisposable
{
    private readonly ZoneFixture _zones = new();

    public void Dispose() => _zones.Dispose();

    [Fact]
    public async Task Shard_file_alone_identifies_its_data_by_header()
    {
        var stored = await _zones.WriteAsync(ZoneFixture.RandomBytes(50_000), "photo.v3.part-0001");

        var bytes = File.ReadAllBytes(_zones.ShardPath(stored.Layout, 4));
        var status = ShardHeader.TryParse(bytes, out var header);

        Assert.Equal(ShardHeaderStatus.Valid, status);
        Assert.Equal(("photo.v3.part-0001", 4, 4, 2, ZoneFixture.BlockSize, 50_000L),
            (header!.DataId, header.ShardIndex, header.DataShards, header.ParityShards, header.BlockSize, header.Length));
        Assert.True(header.Matches(stored.Layout, 4));
        Assert.Equal(bytes.Length, header.Geometry.ShardFileLength);
    }

    [Fact]
    public async Task Temporary_file_of_an_unfinished_write_identifies_its_data_by_header()
    {
        var source = new StallingStream(ZoneFixture.RandomBytes(3 * 4 * ZoneFixture.BlockSize), stallAt: 2 * 4 * ZoneFixture.BlockSize);
        using var cancel = new CancellationTokenSource();
        var write = _zones.Store.WriteAsync(source, new DataWriteRequest("in-flight", "STANDARD"), cancel.Token);
        await source.Stalled.WaitAsync(TimeSpan.FromSeconds(30));

        // What a crash at this point would leave: temporary files only, each naming its data.
        var files = _zones.AllFiles().ToArray();
        Assert.Equal(6, files.Length);
        Assert.All(files, f => Assert.EndsWith(".tmp", f));
        foreach (var file in files)
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var bytes = new byte[ShardHeader.Size];
            stream.ReadExactly(bytes);
            Assert.Equal(ShardHeaderStatus.Valid, ShardHeader.TryParse(bytes, out var header));
            Assert.Equal("in-flight", header!.DataId);
            Assert.False(header.IsFinal);
        }

        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => write);
        Assert.Empty(_zones.AllFiles());
    }

    private sealed class StallingStream(byte[] data, int stallAt) : Stream
    {
        private readonly TaskCompletionSource _stalled = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _position;

        public Task Stalled => _stalled.Task;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position >= stallAt)
            {
                _stalled.TrySetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            var n = Math.Min(Math.Min(buffer.Length, stallAt - _position), data.Length - _position);
            data.AsSpan(_position, n).CopyTo(buffer.Span);
            _position += n;
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public void Header_with_a_flipped_bit_fails_its_checksum()
    {
        var bytes = new byte[ShardHeader.Size];
        new ShardHeader("abc", 1, 4, 2, 4096, 1000, DateTimeOffset.UnixEpoch).WriteTo(bytes);
        bytes[20] ^= 1;

        Assert.Equal(ShardHeaderStatus.ChecksumMismatch, ShardHeader.TryParse(bytes, out _));
    }

    [Fact]
    public void Random_file_is_not_a_shard()
    {
        Assert.Equal(ShardHeaderStatus.NotAShard, ShardHeader.TryParse(ZoneFixture.RandomBytes(600), out _));
        Assert.Equal(ShardHeaderStatus.TooShort, ShardHeader.TryParse(new byte[10], out _));
    }

    [Fact]
    public async Task Zone_listing_finds_committed_and_temporary_shards_with_their_ids_and_age()
    {
        var stored = await _zones.WriteAsync(ZoneFixture.RandomBytes(20_000), "listed.id");
        var zone = _zones.Zone(stored.Layout.ShardZones[0]);
        await using var abandoned = await zone.CreateAsync(new ShardId("crashed", 3), CancellationToken.None);

        var entries = new List<ShardEntry>();
        await foreach (var entry in zone.ListAsync(CancellationToken.None))
            entries.Add(entry);

        var committed = entries.Where(e => !e.IsTemporary).ToArray();
        Assert.Equal(2, committed.Length);
        Assert.All(committed, e => Assert.Equal("listed.id", e.Id!.Value.DataId));
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
    }

    [Theory]
    [InlineData("4+2", 3)]
    [InlineData("8+4", 3)]
    [InlineData("2+1", 3)]
    [InlineData("6+3", 3)]
    public void Placement_puts_at_most_m_shards_in_any_zone(string profile, int zoneCount)
    {
        var p = Erasure.ErasureProfile.Parse(profile);
        foreach (var id in new[] { "a", "b", "c", "d", "e" })
        {
            var zones = ShardPlacement.Place(id, p.TotalShards, zoneCount);
            Assert.All(zones.GroupBy(z => z), g => Assert.True(g.Count() <= p.ParityShards));
        }
    }

    [Fact]
    public void Profile_that_cannot_survive_a_zone_loss_is_rejected_at_start_up()
    {
        var options = new ErasureDataStoreOptions();
        options.StorageClasses["REDUCED_REDUNDANCY"] = "4+1";

        Assert.Throws<ArgumentException>(() => options.Validate(zoneCount: 3));
    }

    [Theory]
    [InlineData(4, 2, 4)]
    [InlineData(2, 2, 3)]
    [InlineData(1, 0, 1)]
    public void Write_quorum_is_k_or_k_plus_one_when_k_equals_m(int k, int m, int quorum) =>
        Assert.Equal(quorum, ShardPlacement.WriteQuorum(k, m));

    [Theory]
    [InlineData("abc.00.shard", "abc", 0)]
    [InlineData("a.b.c.05.shard", "a.b.c", 5)]
    [InlineData("a.b.11.0123abcd.tmp", "a.b", 11)]
    public void Shard_file_names_parse_back_to_ids(string name, string dataId, int index) =>
        Assert.Equal(new ShardId(dataId, index), DiskShardStore.TryParseName(name));
}
