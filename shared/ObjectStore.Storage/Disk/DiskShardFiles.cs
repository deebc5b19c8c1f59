using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ObjectStore.Storage.Disk;

/// <summary>
/// A temporary shard file: positional writes, then fsync and rename to the final name. A shard not kept
/// cached (parity, which no healthy GET reads, and a data shard file once it grows past the write cache
/// window) leaves the page cache as it reaches the disk: each write waits for the writeback of what the
/// write before the previous one wrote and drops those pages, and the commit drops the rest after the
/// fsync. Its pages then go back to the kernel's free lists at once and the next writes reuse them, instead
/// of the cache growing by the object's size (and evicting data a GET could use); see docs/benchmarks.md
/// "The page cache". A data shard kept cached joins the <see cref="WriteCacheWindow"/> at its commit.
/// </summary>
/// <param name="window">The write cache window of a data shard; null for parity, which is never kept.</param>
internal sealed class DiskShardWriter(ShardId id, SafeFileHandle handle, string tempPath, string finalPath, bool syncDirectory, WriteCacheWindow? window)
    : IShardWriter
{
    private bool _committed;
    private long _end;                // bytes written so far (the file's length)
    private long _previousWriteStart; // where the write before this one began
    private long _droppedUpTo;        // [0, this) has been written back and dropped

    public ShardId Id => id;

    private bool Cached => window is not null && _end <= window.BudgetBytes;

    public async ValueTask WriteAsync(long offset, IReadOnlyList<ReadOnlyMemory<byte>> buffers, CancellationToken cancellationToken)
    {
        await RandomAccess.WriteAsync(handle, buffers, offset, cancellationToken).ConfigureAwait(false);
        long length = 0;
        for (var i = 0; i < buffers.Count; i++)
            length += buffers[i].Length;
        Writeback.Start(handle, offset, length);
        _end = Math.Max(_end, offset + length);
        if (offset == 0)
            return; // the header comes with the first block and again at commit
        if (!Cached && _previousWriteStart > _droppedUpTo)
        {
            // Writes go forward: everything before the previous write is on its way to disk; wait for it and drop it.
            Writeback.WaitAndDrop(handle, _droppedUpTo, _previousWriteStart - _droppedUpTo);
            _droppedUpTo = _previousWriteStart;
        }
        _previousWriteStart = offset;
    }

    public Task CommitAsync(CancellationToken cancellationToken) =>
        // fsync blocks a thread for milliseconds: on dedicated threads, so k+m commits overlap
        // without starving the thread pool.
        BlockingFileWork.RunAsync(() =>
        {
            RandomAccess.FlushToDisk(handle);
            if (!Cached)
                Writeback.Drop(handle); // clean after the fsync: the whole file goes
            handle.Dispose();
            File.Move(tempPath, finalPath, overwrite: true);
            _committed = true;
            if (syncDirectory) DirectorySync.Flush(Path.GetDirectoryName(finalPath)!);
            if (Cached)
                window!.Committed(finalPath, _end);
        }, cancellationToken);

    public ValueTask DisposeAsync()
    {
        handle.Dispose();
        if (!_committed)
        {
            try { File.Delete(tempPath); }
            catch (IOException) { } // the zone vanished; the repair scan collects what is left
            catch (UnauthorizedAccessException) { }
        }
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// A shard file opened for positional reads. A file longer than the write cache window is read with
/// drop-behind: each read's pages leave the page cache once copied out, and closing drops what the
/// kernel read ahead, so streaming a large object (or a repair scan reading every shard) recycles a few
/// pages instead of filling the cache with data read once.
/// </summary>
internal sealed class DiskShardReader(SafeFileHandle handle, long cachedUpTo) : IShardReader
{
    public long Length { get; } = RandomAccess.GetLength(handle);

    private bool DropBehind => Length > cachedUpTo;

    public ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken) =>
        DropBehind ? ReadAndDropAsync(offset, buffer, cancellationToken) : RandomAccess.ReadAsync(handle, buffer, offset, cancellationToken);

    private async ValueTask<int> ReadAndDropAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var read = await RandomAccess.ReadAsync(handle, buffer, offset, cancellationToken).ConfigureAwait(false);
        Writeback.DropRange(handle, offset, read);
        return read;
    }

    public ValueTask DisposeAsync()
    {
        if (DropBehind)
            Writeback.Drop(handle);
        handle.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// Starts writing a just-written range to disk without waiting for it (Linux sync_file_range with
/// SYNC_FILE_RANGE_WRITE; nothing elsewhere). The disk then works while the rest of the object
/// arrives, and the fsync at commit finds most pages already written: measured on this machine's
/// disk, the fsync after 16 MiB per shard fell from ~60 ms to ~5 ms. Durability still comes from
/// that fsync alone.
/// </summary>
internal static partial class Writeback
{
    private const uint SyncFileRangeWrite = 2;

    public static void Start(SafeFileHandle handle, long offset, long length)
    {
        if (length > 0)
            WithDescriptor(handle, fd => _ = SyncFileRange(fd, offset, length, SyncFileRangeWrite)); // a hint: errors surface at fsync
    }

    /// <summary>
    /// Waits until a written range is on disk (SYNC_FILE_RANGE_WAIT_BEFORE | WRITE | WAIT_AFTER), then
    /// drops its clean pages from the page cache (POSIX_FADV_DONTNEED). Linux only; a hint like <see cref="Start"/>.
    /// </summary>
    public static void WaitAndDrop(SafeFileHandle handle, long offset, long length)
    {
        if (length > 0)
            WithDescriptor(handle, fd =>
            {
                _ = SyncFileRange(fd, offset, length, SyncFileRangeWaitBefore | SyncFileRangeWrite | SyncFileRangeWaitAfter);
                _ = Fadvise(fd, offset, length, FadviseDontNeed);
            });
    }

    /// <summary>Drops a file's clean pages from the page cache (after its fsync). Linux only.</summary>
    public static void Drop(SafeFileHandle handle) => WithDescriptor(handle, fd => _ = Fadvise(fd, 0, 0, FadviseDontNeed));

    /// <summary>Drops a closed file's clean pages from the page cache; nothing when it is gone. Linux only.</summary>
    public static void DropFile(string path)
    {
        if (!OperatingSystem.IsLinux())
            return;
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            Drop(handle);
        }
        catch (IOException) { } // deleted or replaced since: its pages went with it
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>Drops the clean pages wholly inside a range (just read) from the page cache. Linux only.</summary>
    public static void DropRange(SafeFileHandle handle, long offset, long length)
    {
        if (length > 0)
            WithDescriptor(handle, fd => _ = Fadvise(fd, offset, length, FadviseDontNeed));
    }

    private static void WithDescriptor(SafeFileHandle handle, Action<int> action)
    {
        if (!OperatingSystem.IsLinux())
            return;
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            action(checked((int)handle.DangerousGetHandle()));
        }
        catch (ObjectDisposedException) { } // the write was abandoned and its file closed
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    private const uint SyncFileRangeWaitBefore = 1;
    private const uint SyncFileRangeWaitAfter = 4;
    private const int FadviseDontNeed = 4;

    [LibraryImport("libc", EntryPoint = "sync_file_range")]
    private static partial int SyncFileRange(int fd, long offset, long count, uint flags);

    [LibraryImport("libc", EntryPoint = "posix_fadvise")]
    private static partial int Fadvise(int fd, long offset, long count, int advice);
}

/// <summary>fsync of a directory, which .NET does not expose: makes a rename durable on Linux.</summary>
internal static partial class DirectorySync
{
    private const int ReadOnly = 0; // O_RDONLY opens a directory on Linux; O_DIRECTORY differs per architecture

    public static void Flush(string directory)
    {
        var fd = Open(directory, ReadOnly);
        if (fd < 0) return; // best effort: the file data itself is already durable
        try { _ = Fsync(fd); }
        finally { _ = Close(fd); }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
