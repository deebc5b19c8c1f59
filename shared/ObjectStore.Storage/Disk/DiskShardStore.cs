using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace ObjectStore.Storage.Disk;

/// <summary>
/// A zone that is one directory. Shards live in 256 fan-out subdirectories chosen by a hash of
/// the data id (keeps directories small); temporary files sit next to their final name so the
/// commit rename stays within one directory. The zone directory itself must exist: a missing
/// zone directory means the zone is unavailable (an unmounted disk), never something to recreate.
/// </summary>
public sealed class DiskShardStore : IShardStore
{
    private const string TempSuffix = ShardNames.TempSuffix;

    private readonly string _root;
    private readonly bool _syncDirectories;
    private readonly WriteCacheWindow _window;

    /// <param name="zone">The zone's name.</param>
    /// <param name="directory">The zone's directory.</param>
    /// <param name="syncDirectories">fsync the directory after a commit rename so the rename itself survives power loss (Linux).</param>
    /// <param name="window">How much freshly written data stays in the page cache, shared by the zones of one data
    /// store (<see cref="ErasureDataStoreOptions.WriteCacheBytes"/>); default: a window of the default size of its own.</param>
    public DiskShardStore(string zone, string directory, bool syncDirectories = true, WriteCacheWindow? window = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(zone);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Zone = zone;
        _root = Path.GetFullPath(directory);
        _syncDirectories = syncDirectories && OperatingSystem.IsLinux();
        _window = window ?? new WriteCacheWindow(ErasureDataStoreOptions.DefaultWriteCacheBytes);
    }

    public string Zone { get; }

    public string RootDirectory => _root;

    public Task<IShardWriter> CreateAsync(ShardId id, CancellationToken cancellationToken) =>
        CreateAsync(id, new ShardWriteOptions(), cancellationToken);

    /// <summary>The pages of a parity shard, and of a data shard past the write cache window, leave the page cache once on disk (<see cref="DiskShardWriter"/>).</summary>
    public Task<IShardWriter> CreateAsync(ShardId id, ShardWriteOptions options, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!Directory.Exists(_root))
            throw new DirectoryNotFoundException($"Zone '{Zone}' is unavailable: '{_root}' does not exist.");
        var directory = FanOutDirectory(id.DataId);
        Directory.CreateDirectory(directory);
        var finalPath = Path.Combine(directory, ShardFileName(id));
        var tempPath = Path.Combine(directory, $"{ShardBaseName(id)}.{Guid.NewGuid():N}{TempSuffix}");
        var handle = File.OpenHandle(tempPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, FileOptions.None);
        return Task.FromResult<IShardWriter>(new DiskShardWriter(id, handle, tempPath, finalPath, _syncDirectories,
            options.Parity ? null : _window));
    }

    public Task<IShardReader?> OpenReadAsync(ShardId id, CancellationToken cancellationToken) =>
        Task.FromResult(OpenPath(ShardPath(id)));

    public Task<bool> DeleteAsync(ShardId id, CancellationToken cancellationToken) =>
        Task.FromResult(DeletePath(ShardPath(id)));

    public async IAsyncEnumerable<ShardEntry> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        if (!Directory.Exists(_root))
            throw new DirectoryNotFoundException($"Zone '{Zone}' is unavailable: '{_root}' does not exist.");
        foreach (var path in Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var info = new FileInfo(path);
            if (!info.Exists) continue;
            var isTemp = path.EndsWith(TempSuffix, StringComparison.Ordinal);
            yield return new ShardEntry(Zone, Path.GetRelativePath(_root, path), TryParseName(info.Name), isTemp,
                info.Length, info.LastWriteTimeUtc);
        }
    }

    public Task<IShardReader?> OpenEntryAsync(ShardEntry entry, CancellationToken cancellationToken) =>
        Task.FromResult(OpenPath(EntryPath(entry)));

    public Task<bool> DeleteEntryAsync(ShardEntry entry, CancellationToken cancellationToken) =>
        Task.FromResult(DeletePath(EntryPath(entry)));

    /// <summary>The path of a committed shard (tests and tools use it for fault injection).</summary>
    public string ShardPath(ShardId id) => Path.Combine(FanOutDirectory(id.DataId), ShardFileName(id));

    private string EntryPath(ShardEntry entry)
    {
        var path = Path.GetFullPath(Path.Combine(_root, entry.Name));
        if (!path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new ArgumentException($"Entry '{entry.Name}' is outside zone '{Zone}'.", nameof(entry));
        return path;
    }

    private string FanOutDirectory(string dataId)
    {
        var fan = (byte)XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(dataId));
        return Path.Combine(_root, fan.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
    }

    private static string ShardBaseName(ShardId id) => ShardNames.BaseName(id);

    private static string ShardFileName(ShardId id) => ShardNames.Committed(id);

    /// <summary>"{dataId}.{NN}.shard" or "{dataId}.{NN}.{nonce}.tmp"; data ids may contain dots.</summary>
    internal static ShardId? TryParseName(string fileName) => ShardNames.TryParse(fileName);

    private IShardReader? OpenPath(string path)
    {
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.None);
        }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
        return new DiskShardReader(handle, _window.BudgetBytes);
    }

    private static bool DeletePath(string path)
    {
        try
        {
            if (!File.Exists(path)) return false;
            File.Delete(path);
            return true;
        }
        catch (DirectoryNotFoundException) { return false; }
    }
}
