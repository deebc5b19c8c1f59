using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ObjectStore.Storage.Disk;

namespace ObjectStore.Storage.Tests;

/// <summary>Three disk zones in a temporary directory, deleted afterwards.</summary>
internal sealed class ZoneFixture : IDisposable
{
    public const int BlockSize = 4096;

    public ZoneFixture(int blockSize = BlockSize, string standardProfile = "4+2", params string[] zones)
    {
        Root = Path.Combine(Path.GetTempPath(), "objectstore-storage-tests", Guid.NewGuid().ToString("N"));
        Options = new ErasureDataStoreOptions
        {
            DataRoot = Root,
            BlockSize = blockSize,
            SyncDirectories = false, // test speed; the commit path is the same otherwise
        };
        if (zones.Length > 0) Options.Zones = zones;
        Options.StorageClasses[ErasureDataStoreOptions.StandardStorageClass] = standardProfile;
        Zones = DataStoreServiceCollectionExtensions.CreateDiskZones(Options).Cast<DiskShardStore>().ToArray();
        Store = new ErasureObjectDataStore(Zones, Microsoft.Extensions.Options.Options.Create(Options), Logger, Observer);
    }

    public string Root { get; }
    public ErasureDataStoreOptions Options { get; }
    public IReadOnlyList<DiskShardStore> Zones { get; }
    public ListLogger<ErasureObjectDataStore> Logger { get; } = new();
    public RecordingObserver Observer { get; } = new();
    public ErasureObjectDataStore Store { get; }

    public DiskShardStore Zone(string name) => Zones.Single(z => z.Zone == name);

    public string ShardPath(DataLayout layout, int shardIndex) =>
        Zone(layout.ShardZones[shardIndex]).ShardPath(new ShardId(layout.DataId, shardIndex));

    public async Task<StoredData> WriteAsync(byte[] data, string? dataId = null, int maxChunk = int.MaxValue) =>
        await Store.WriteAsync(new ChunkedStream(data, maxChunk), new DataWriteRequest(dataId ?? NewDataId(), "STANDARD"),
            CancellationToken.None);

    public async Task<byte[]> ReadAsync(DataLayout layout, long offset = 0, long? length = null)
    {
        using var destination = new MemoryStream();
        await Store.ReadAsync(layout, offset, length ?? layout.Length - offset, destination, CancellationToken.None);
        return destination.ToArray();
    }

    public IEnumerable<string> AllFiles() =>
        Directory.Exists(Root) ? Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories) : [];

    public static string NewDataId() => "d" + Guid.NewGuid().ToString("N");

    public static byte[] RandomBytes(int length, int seed = 1)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (DirectoryNotFoundException) { }
    }
}

/// <summary>A source that returns at most <paramref name="maxChunk"/> bytes per read, like a network body.</summary>
internal sealed class ChunkedStream(byte[] data, int maxChunk, int failAfter = -1) : Stream
{
    private int _position;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (failAfter >= 0 && _position >= failAfter)
            throw new IOException("Client went away.");
        var n = Math.Min(Math.Min(buffer.Length, maxChunk), data.Length - _position);
        data.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

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

internal sealed record LogEntry(LogLevel Level, EventId EventId, string Message, IReadOnlyDictionary<string, object?> State);

internal sealed class ListLogger<T> : ILogger<T>
{
    public ConcurrentQueue<LogEntry> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var values = state as IEnumerable<KeyValuePair<string, object?>> ?? [];
        Entries.Enqueue(new LogEntry(logLevel, eventId, formatter(state, exception), values.ToDictionary(p => p.Key, p => p.Value)));
    }

    /// <summary>The bad-shard lines (event 2001).</summary>
    public IReadOnlyList<LogEntry> BadShards => Entries.Where(e => e.EventId.Id == 2001).ToArray();
}

internal sealed class RecordingObserver : IDegradedReadObserver
{
    public ConcurrentQueue<BadShardReport> Reports { get; } = new();

    public void OnBadShard(BadShardReport report) => Reports.Enqueue(report);
}
