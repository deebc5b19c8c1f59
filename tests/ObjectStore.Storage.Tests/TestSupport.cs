using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ObjectStore.Storage.Tests;

/// <summary>Three zones (directories or containers, by <see cref="IZoneBackend"/>) and a data store over them, removed afterwards.</summary>
public sealed class ZoneFixture : IAsyncDisposable
{
    public const int BlockSize = 4096;

    public ZoneFixture(IZoneBackend backend, int blockSize = BlockSize, string standardProfile = "4+2", params string[] zones)
        : this(backend, new ErasureDataStoreOptions { BlockSize = blockSize }, standardProfile, zones)
    {
    }

    public ZoneFixture(IZoneBackend backend, ErasureDataStoreOptions options, string standardProfile = "4+2", params string[] zones)
    {
        Backend = backend;
        Options = options;
        if (zones.Length > 0) Options.Zones = zones;
        Options.StorageClasses[ErasureDataStoreOptions.StandardStorageClass] = standardProfile;
        Zones = backend.CreateZones(Options);
        Store = new ErasureObjectDataStore(Zones, Microsoft.Extensions.Options.Options.Create(Options), Logger, Observer);
    }

    public IZoneBackend Backend { get; }
    public ErasureDataStoreOptions Options { get; }
    public IReadOnlyList<IShardStore> Zones { get; }
    internal ListLogger<ErasureObjectDataStore> Logger { get; } = new();
    internal RecordingObserver Observer { get; } = new();
    public ErasureObjectDataStore Store { get; }

    public IShardStore Zone(string name) => Zones.Single(z => z.Zone == name);

    public IShardStore ZoneOf(DataLayout layout, int shardIndex) => Zone(layout.ShardZones[shardIndex]);

    /// <summary>The committed bytes of one shard; fails when it does not exist.</summary>
    public async Task<byte[]> ReadShardAsync(DataLayout layout, int shardIndex) =>
        await Backend.ReadShardAsync(ZoneOf(layout, shardIndex), new ShardId(layout.DataId, shardIndex))
        ?? throw new InvalidOperationException($"Shard {shardIndex} of {layout.DataId} does not exist.");

    public Task WriteShardAsync(DataLayout layout, int shardIndex, byte[] bytes) =>
        Backend.WriteShardAsync(ZoneOf(layout, shardIndex), new ShardId(layout.DataId, shardIndex), bytes);

    public Task<bool> DeleteShardAsync(DataLayout layout, int shardIndex) =>
        ZoneOf(layout, shardIndex).DeleteAsync(new ShardId(layout.DataId, shardIndex), CancellationToken.None);

    public Task DeleteZoneAsync(string zone) => Backend.DeleteZoneAsync(Zone(zone));

    public async Task<StoredData> WriteAsync(byte[] data, string? dataId = null, int maxChunk = int.MaxValue, string storageClass = "STANDARD") =>
        await Store.WriteAsync(new ChunkedStream(data, maxChunk), new DataWriteRequest(dataId ?? NewDataId(), storageClass),
            CancellationToken.None);

    public async Task<byte[]> ReadAsync(DataLayout layout, long offset = 0, long? length = null)
    {
        using var destination = new MemoryStream();
        await Store.ReadAsync(layout, offset, length ?? layout.Length - offset, destination, CancellationToken.None);
        return destination.ToArray();
    }

    /// <summary>Every entry of every zone that still exists, committed and temporary.</summary>
    public async Task<IReadOnlyList<ShardEntry>> AllEntriesAsync()
    {
        var entries = new List<ShardEntry>();
        foreach (var zone in Zones)
        {
            try
            {
                await foreach (var entry in zone.ListAsync(CancellationToken.None))
                    entries.Add(entry);
            }
            catch (Exception e) when (e is DirectoryNotFoundException or Azure.RequestFailedException { Status: 404 })
            {
                // a deleted zone holds nothing
            }
        }
        return entries;
    }

    public static string NewDataId() => "d" + Guid.NewGuid().ToString("N");

    public static byte[] RandomBytes(int length, int seed = 1)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public async ValueTask DisposeAsync() => await Backend.CleanUpAsync(Zones);
}

/// <summary>A read-only, forward-only body over <paramref name="data"/>; subclasses decide how much each read takes.</summary>
internal abstract class ForwardOnlyStream(byte[] data) : Stream
{
    /// <summary>Bytes handed out so far.</summary>
    protected int Offset { get; private set; }

    /// <summary>Copies up to <paramref name="max"/> of the remaining bytes into <paramref name="buffer"/>.</summary>
    protected int Take(Span<byte> buffer, int max)
    {
        var n = Math.Min(Math.Min(buffer.Length, max), data.Length - Offset);
        data.AsSpan(Offset, n).CopyTo(buffer);
        Offset += n;
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => Offset; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>A source that returns at most <paramref name="maxChunk"/> bytes per read, like a network body.</summary>
internal sealed class ChunkedStream(byte[] data, int maxChunk, int failAfter = -1) : ForwardOnlyStream(data)
{
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (failAfter >= 0 && Offset >= failAfter)
            throw new IOException("Client went away.");
        return Take(buffer, maxChunk);
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));
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
