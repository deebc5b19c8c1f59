using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ObjectStore.Storage.Disk;

namespace ObjectStore.Storage.Tests;

public sealed class CompositionTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "objectstore-storage-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task AddErasureDataStore_creates_three_zones_and_round_trips()
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddErasureDataStore(o => { o.DataRoot = _root; o.BlockSize = 64 * 1024; });
        await using var provider = services.BuildServiceProvider();

        var store = provider.GetRequiredService<IObjectDataStore>();
        var data = ZoneFixture.RandomBytes(300_000);
        var stored = await store.WriteAsync(new MemoryStream(data), new DataWriteRequest("composed", "STANDARD"), CancellationToken.None);
        using var read = new MemoryStream();
        await store.ReadAsync(stored.Layout, 0, stored.Length, read, CancellationToken.None);

        Assert.Equal(data, read.ToArray());
        Assert.Equal(["zone-a", "zone-b", "zone-c"], Directory.GetDirectories(Path.Combine(_root, "zones")).Select(Path.GetFileName).Order());
        Assert.Equal(2, stored.Layout.ShardZones.Count(z => z == "zone-a"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("..")]
    public async Task Unsafe_data_id_is_rejected_before_anything_is_written(string dataId)
    {
        await using var zones = new ZoneFixture(new DiskZoneBackend());

        await Assert.ThrowsAsync<ArgumentException>(() => zones.WriteAsync([1, 2, 3], dataId));

        Assert.Empty(await zones.AllEntriesAsync());
    }

    [Fact]
    public async Task Unknown_storage_class_uses_the_standard_profile()
    {
        await using var zones = new ZoneFixture(new DiskZoneBackend());

        var stored = await zones.Store.WriteAsync(new MemoryStream(new byte[10]), new DataWriteRequest("x", "NOT_A_CLASS"), CancellationToken.None);

        Assert.Equal((4, 2), (stored.Layout.DataShards, stored.Layout.ParityShards));
    }
}
