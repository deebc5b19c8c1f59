using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace ObjectStore.Storage;

/// <summary>
/// An <see cref="IShardStore"/> that records each call's latency and outcome and the bytes moved, by
/// zone (<see cref="StorageMetrics"/>). The composition wraps every zone in one; <see cref="Inner"/> is the real store.
/// </summary>
public sealed class MeteredShardStore(IShardStore inner, StorageMetrics metrics) : IShardStore
{
    public IShardStore Inner { get; } = inner;

    private StorageMetrics Metrics { get; } = metrics;

    public string Zone => Inner.Zone;

    /// <summary>The real store behind any number of decorators.</summary>
    public static IShardStore Unwrap(IShardStore store) => store is MeteredShardStore metered ? Unwrap(metered.Inner) : store;

    public Task<IShardWriter> CreateAsync(ShardId id, CancellationToken cancellationToken) =>
        CreateAsync(id, new ShardWriteOptions(), cancellationToken);

    public async Task<IShardWriter> CreateAsync(ShardId id, ShardWriteOptions options, CancellationToken cancellationToken)
    {
        var writer = await TimeAsync("create", () => Inner.CreateAsync(id, options, cancellationToken)).ConfigureAwait(false);
        return new Writer(writer, this);
    }

    public async Task<IShardReader?> OpenReadAsync(ShardId id, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        IShardReader? reader;
        try
        {
            reader = await Inner.OpenReadAsync(id, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Metrics.ShardCall(Zone, "open", started, StorageMetrics.Outcomes.Error);
            throw;
        }
        Metrics.ShardCall(Zone, "open", started, reader is null ? StorageMetrics.Outcomes.NotFound : StorageMetrics.Outcomes.Ok);
        return reader is null ? null : new Reader(reader, this);
    }

    public Task<bool> DeleteAsync(ShardId id, CancellationToken cancellationToken) =>
        TimeAsync("delete", () => Inner.DeleteAsync(id, cancellationToken));

    public async IAsyncEnumerable<ShardEntry> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var outcome = StorageMetrics.Outcomes.Error;
        try
        {
            await foreach (var entry in Inner.ListAsync(cancellationToken).ConfigureAwait(false))
                yield return entry;
            outcome = StorageMetrics.Outcomes.Ok;
        }
        finally
        {
            Metrics.ShardCall(Zone, "list", started, outcome);
        }
    }

    public Task<IShardReader?> OpenEntryAsync(ShardEntry entry, CancellationToken cancellationToken) =>
        TimeAsync("open_entry", () => Inner.OpenEntryAsync(entry, cancellationToken));

    public Task<bool> DeleteEntryAsync(ShardEntry entry, CancellationToken cancellationToken) =>
        TimeAsync("delete_entry", () => Inner.DeleteEntryAsync(entry, cancellationToken));

    private async Task<T> TimeAsync<T>(string operation, Func<Task<T>> call)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await call().ConfigureAwait(false);
            Metrics.ShardCall(Zone, operation, started, StorageMetrics.Outcomes.Ok);
            return result;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Metrics.ShardCall(Zone, operation, started, StorageMetrics.Outcomes.Error);
            throw;
        }
    }

    private sealed class Writer(IShardWriter inner, MeteredShardStore store) : IShardWriter
    {
        public ShardId Id => inner.Id;

        public async ValueTask WriteAsync(long offset, IReadOnlyList<ReadOnlyMemory<byte>> buffers, CancellationToken cancellationToken)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await inner.WriteAsync(offset, buffers, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                store.Metrics.ShardCall(store.Zone, "write", started, StorageMetrics.Outcomes.Error);
                throw;
            }
            store.Metrics.ShardCall(store.Zone, "write", started, StorageMetrics.Outcomes.Ok);
            long bytes = 0;
            for (var i = 0; i < buffers.Count; i++)
                bytes += buffers[i].Length;
            store.Metrics.ShardBytes(store.Zone, "write", bytes);
        }

        public Task CommitAsync(CancellationToken cancellationToken) =>
            store.TimeAsync("commit", async () => { await inner.CommitAsync(cancellationToken).ConfigureAwait(false); return true; });

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }

    private sealed class Reader(IShardReader inner, MeteredShardStore store) : IShardReader
    {
        public long Length => inner.Length;

        public async ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken)
        {
            var started = Stopwatch.GetTimestamp();
            int read;
            try
            {
                read = await inner.ReadAsync(offset, buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                store.Metrics.ShardCall(store.Zone, "read", started, StorageMetrics.Outcomes.Error);
                throw;
            }
            store.Metrics.ShardCall(store.Zone, "read", started, StorageMetrics.Outcomes.Ok);
            store.Metrics.ShardBytes(store.Zone, "read", read);
            return read;
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
