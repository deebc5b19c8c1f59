using ObjectStore.Storage.Disk;

namespace ObjectStore.Storage.Tests;

public sealed class ShardFormatTests : IAsyncLifetime
{
    private readonly ZoneFixture _zones = new(new DiskZoneBackend());

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _zones.DisposeAsync();

    private IEnumerable<string> AllFiles() =>
        _zones.Zones.Cast<DiskShardStore>().Where(z => Directory.Exists(z.RootDirectory))
            .SelectMany(z => Directory.EnumerateFiles(z.RootDirectory, "*", SearchOption.AllDirectories));

    [Fact]
    public async Task Temporary_file_of_an_unfinished_write_identifies_its_data_by_header()
    {
        var source = new StallingStream(ZoneFixture.RandomBytes(3 * 4 * ZoneFixture.BlockSize), stallAt: 2 * 4 * ZoneFixture.BlockSize);
        using var cancel = new CancellationTokenSource();
        var write = _zones.Store.WriteAsync(source, new DataWriteRequest("in-flight", "STANDARD"), cancel.Token);
        await source.Stalled.WaitAsync(TimeSpan.FromSeconds(30));

        // What a crash at this point would leave: temporary files only, each naming its data.
        var files = AllFiles().ToArray();
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
        Assert.Empty(AllFiles());
    }

    internal sealed class StallingStream(byte[] data, int stallAt) : ForwardOnlyStream(data)
    {
        private readonly TaskCompletionSource _stalled = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Stalled => _stalled.Task;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Offset >= stallAt)
            {
                _stalled.TrySetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            return Take(buffer.Span, stallAt - Offset);
        }
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
