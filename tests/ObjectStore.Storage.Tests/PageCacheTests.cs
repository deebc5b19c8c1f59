using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using ObjectStore.Storage.Disk;

namespace ObjectStore.Storage.Tests;

/// <summary>
/// Disk zones keep parity shards out of the page cache (no healthy GET reads them; docs/benchmarks.md
/// "The page cache"), data shards up to the cached size in it, and larger shard files out of it whether
/// written or read. Residency is asked of the kernel (mincore) on the real files.
/// </summary>
public sealed partial class PageCacheTests : IAsyncLifetime
{
    private const int MiB = 1024 * 1024;

    // Six stripes are 6 MiB per shard file: cached by default, over the limited fixture's cached size.
    private readonly ZoneFixture _zones = new(new DiskZoneBackend(), blockSize: MiB);
    private readonly ZoneFixture _limitedZones = new(new DiskZoneBackend(), new ErasureDataStoreOptions { BlockSize = MiB, CachedShardBytes = 4 * MiB });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _zones.DisposeAsync();
        await _limitedZones.DisposeAsync();
    }

    private static byte[] SixStripes()
    {
        var data = new byte[24 * MiB + 12345]; // 6+ stripes of 4 MiB in 4+2
        new Random(7).NextBytes(data);
        return data;
    }

    [Fact]
    public async Task A_write_leaves_its_parity_shards_out_of_the_page_cache_and_its_data_shards_in_it()
    {
        var data = SixStripes();

        var stored = await _zones.WriteAsync(data);

        var layout = stored.Layout;
        for (var i = 0; i < layout.DataShards + layout.ParityShards; i++)
        {
            var (cached, total) = ResidentPages(_zones, layout, i);
            if (i < layout.DataShards)
                Assert.True(cached > total / 2, $"data shard {i}: {cached} of {total} pages cached");
            else
                Assert.True(cached <= 2, $"parity shard {i}: {cached} of {total} pages still cached");
        }
        Assert.Equal(data, await _zones.ReadAsync(layout)); // and nothing was lost on the way
        for (var i = layout.DataShards; i < layout.DataShards + layout.ParityShards; i++)
            await _zones.DeleteShardAsync(layout, i - layout.DataShards); // as many data shards gone: a read needs the parity, from disk
        Assert.Equal(data, await _zones.ReadAsync(layout));
    }

    [Fact]
    public async Task Shard_files_past_the_cached_size_stay_out_of_the_page_cache_when_written_and_when_read()
    {
        var data = SixStripes();

        var layout = (await _limitedZones.WriteAsync(data)).Layout;

        AssertUncached(layout, "after the write");
        Assert.Equal(data, await _limitedZones.ReadAsync(layout));
        AssertUncached(layout, "after a read of every byte");
        var range = await _limitedZones.ReadAsync(layout, 5 * MiB + 17, 9 * MiB); // unaligned, across stripes and blocks
        Assert.Equal(data.AsSpan(5 * MiB + 17, 9 * MiB).ToArray(), range);
        AssertUncached(layout, "after a ranged read");

        void AssertUncached(DataLayout layout, string when)
        {
            for (var i = 0; i < layout.DataShards + layout.ParityShards; i++)
            {
                var (cached, total) = ResidentPages(_limitedZones, layout, i);
                Assert.True(cached <= 2, $"shard {i} {when}: {cached} of {total} pages still cached");
            }
        }
    }

    [Fact]
    public async Task Data_shards_up_to_the_cached_size_stay_in_the_page_cache()
    {
        var small = new byte[12 * MiB]; // 3 MiB of blocks per shard file
        new Random(8).NextBytes(small);

        var layout = (await _limitedZones.WriteAsync(small)).Layout;

        for (var i = 0; i < layout.DataShards; i++)
        {
            var (cached, total) = ResidentPages(_limitedZones, layout, i);
            Assert.True(cached > total / 2, $"data shard {i}: {cached} of {total} pages cached");
        }
        Assert.Equal(small, await _limitedZones.ReadAsync(layout));
    }

    private static (int Cached, int Total) ResidentPages(ZoneFixture zones, DataLayout layout, int shardIndex) =>
        ResidentPages(((DiskShardStore)zones.ZoneOf(layout, shardIndex)).ShardPath(new ShardId(layout.DataId, shardIndex)));

    /// <summary>Pages of the file in the page cache, and pages in all.</summary>
    private static unsafe (int Cached, int Total) ResidentPages(string path)
    {
        var length = new FileInfo(path).Length;
        using var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        using var view = map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        try
        {
            var pages = (int)((length + Environment.SystemPageSize - 1) / Environment.SystemPageSize);
            var vector = new byte[pages];
            fixed (byte* v = vector)
            {
                if (MinCore(pointer, (nuint)length, v) != 0)
                    throw new InvalidOperationException($"mincore failed: {Marshal.GetLastPInvokeError()}");
            }
            return (vector.Count(b => (b & 1) != 0), pages);
        }
        finally
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
        }
    }

    [LibraryImport("libc", EntryPoint = "mincore", SetLastError = true)]
    private static unsafe partial int MinCore(byte* address, nuint length, byte* vector);
}
