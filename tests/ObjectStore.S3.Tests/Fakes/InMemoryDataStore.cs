using System.Collections.Concurrent;
using System.Security.Cryptography;
using ObjectStore.Storage;

namespace ObjectStore.S3.Tests.Fakes;

/// <summary>An in-process data store for protocol tests only (the erasure-coded store has its own tests).</summary>
internal sealed class InMemoryDataStore : IObjectDataStore
{
    public ConcurrentDictionary<string, byte[]> Data { get; } = new();

    /// <summary>Runs once, at the start of the next read (e.g. a concurrent overwrite).</summary>
    public Func<Task>? BeforeNextRead { get; set; }

    public async Task<StoredData> WriteAsync(Stream source, DataWriteRequest request, CancellationToken cancellationToken)
    {
        using var ms = new MemoryStream();
        await source.CopyToAsync(ms, cancellationToken);
        var bytes = ms.ToArray();
        Data[request.DataId] = bytes;
        var layout = new DataLayout(request.DataId, 1, 0, 4096, bytes.Length, ["zone-a"], []);
        return new StoredData(layout, bytes.Length, MD5.HashData(bytes));
    }

    public async Task ReadAsync(DataLayout layout, long offset, long length, Stream destination, CancellationToken cancellationToken)
    {
        if (BeforeNextRead is { } interleave)
        {
            BeforeNextRead = null;
            await interleave();
        }
        if (!Data.TryGetValue(layout.DataId, out var bytes))
            throw new DataStoreException($"No data {layout.DataId}.");
        await destination.WriteAsync(bytes.AsMemory((int)offset, (int)length), cancellationToken);
    }

    public Task DeleteAsync(DataLayout layout, CancellationToken cancellationToken)
    {
        Data.TryRemove(layout.DataId, out _);
        return Task.CompletedTask;
    }
}
