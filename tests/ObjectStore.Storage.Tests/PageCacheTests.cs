using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using ObjectStore.Storage.Disk;

namespace ObjectStore.Storage.Tests;

/// <summary>
/// Disk zones keep parity shards out of the page cache (no healthy GET reads them; docs/benchmarks.md
/// "The page cache"), and data shards in it. Residency is asked of the kernel (mincore) on the real files.
/// </summary>
public sealed partial class PageCacheTests : IAsyncLifetime
{
    private readonly ZoneFixture _zones = new(new DiskZoneBackend(), blockSize: 1024 * 1024);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _zones.DisposeAsync();

    [Fact]
    public async Task A_write_leaves_its_parity_shards_out_of_the_page_cache_and_its_data_shards_in_it()
    {
        var data = new byte[24 * 1024 * 1024 + 12345]; // 6+ stripes of 4 MiB in 4+2
        new Random(7).NextBytes(data);

        var stored = await _zones.WriteAsync(data);

        var layout = stored.Layout;
        for (var i = 0; i < layout.DataShards + layout.ParityShards; i++)
        {
            var path = ((DiskShardStore)_zones.ZoneOf(layout, i)).ShardPath(new ShardId(layout.DataId, i));
            var (cached, total) = ResidentPages(path);
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
