using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using ObjectStore.Storage.Disk;

namespace ObjectStore.Storage.Tests;

/// <summary>
/// Disk zones keep parity shards out of the page cache (no healthy GET reads them; docs/benchmarks.md
/// "The page cache"), the newest data shards up to the write cache window in it, and shard files longer
/// than the window out of it whether written or read. Residency is asked of the kernel (mincore) on the
/// real files.
/// </summary>
public sealed partial class PageCacheTests : IAsyncLifetime
{
    private const int MiB = 1024 * 1024;

    // Six stripes are 6 MiB per shard file: inside the default window, longer than the small one.
    private readonly ZoneFixture _zones = new(new DiskZoneBackend(), blockSize: MiB);
    private readonly ZoneFixture _smallWindow = new(new DiskZoneBackend(), new ErasureDataStoreOptions { BlockSize = MiB, WriteCacheBytes = 4 * MiB });
    private readonly ZoneFixture _windowOfTwo = new(new DiskZoneBackend(), new ErasureDataStoreOptions { BlockSize = MiB, WriteCacheBytes = 9 * MiB });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _zones.DisposeAsync();
        await _smallWindow.DisposeAsync();
        await _windowOfTwo.DisposeAsync();
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
    public async Task Shard_files_longer_than_the_write_cache_window_stay_out_of_the_page_cache_when_written_and_when_read()
    {
        var data = SixStripes();

        var layout = (await _smallWindow.WriteAsync(data)).Layout;

        AssertUncached(layout, "after the write");
        Assert.Equal(data, await _smallWindow.ReadAsync(layout));
        AssertUncached(layout, "after a read of every byte");
        var range = await _smallWindow.ReadAsync(layout, 5 * MiB + 17, 9 * MiB); // unaligned, across stripes and blocks
        Assert.Equal(data.AsSpan(5 * MiB + 17, 9 * MiB).ToArray(), range);
        AssertUncached(layout, "after a ranged read");

        void AssertUncached(DataLayout layout, string when)
        {
            for (var i = 0; i < layout.DataShards + layout.ParityShards; i++)
            {
                var (cached, total) = ResidentPages(_smallWindow, layout, i);
                Assert.True(cached <= 2, $"shard {i} {when}: {cached} of {total} pages still cached");
            }
        }
    }

    [Fact]
    public async Task The_newest_data_shards_up_to_the_write_cache_window_stay_cached_and_older_ones_leave_as_new_ones_commit()
    {
        // 4 MiB of data is four data shard files of 1 MiB and a little: two objects fit in 9 MiB, three do not.
        var objects = Enumerable.Range(0, 3).Select(i =>
        {
            var data = new byte[4 * MiB];
            new Random(10 + i).NextBytes(data);
            return data;
        }).ToArray();

        var layouts = new List<DataLayout>();
        foreach (var data in objects)
            layouts.Add((await _windowOfTwo.WriteAsync(data)).Layout);

        for (var o = 0; o < layouts.Count; o++)
            for (var i = 0; i < layouts[o].DataShards; i++)
            {
                var (cached, total) = ResidentPages(_windowOfTwo, layouts[o], i);
                if (o == 0)
                    Assert.True(cached <= 2, $"object 0 (the oldest), data shard {i}: {cached} of {total} pages still cached");
                else
                    Assert.True(cached > total / 2, $"object {o}, data shard {i}: {cached} of {total} pages cached");
            }
        for (var o = 0; o < layouts.Count; o++)
            Assert.Equal(objects[o], await _windowOfTwo.ReadAsync(layouts[o]));
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
