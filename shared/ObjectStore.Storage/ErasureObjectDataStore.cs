using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ObjectStore.Erasure;

namespace ObjectStore.Storage;

/// <summary>
/// The erasure-coded data plane: cuts data into stripes of k blocks, adds m parity blocks, and
/// stores shard i of every stripe in one shard file in the zone the placement chose. Writes are
/// streamed (a couple of stripes in memory), reads touch only the stripes of the range and fall
/// back to reconstruction when shards are missing or corrupt. Thread-safe; one per process.
/// </summary>
public sealed partial class ErasureObjectDataStore : IObjectDataStore
{
    private readonly IReadOnlyList<IShardStore> _zones;
    private readonly Dictionary<string, IShardStore> _zonesByName;
    private readonly ErasureDataStoreOptions _options;
    private readonly Func<ErasureProfile, IErasureCodec> _codecFactory;
    private readonly ConcurrentDictionary<ErasureProfile, IErasureCodec> _codecs = new();
    private readonly ILogger _logger;
    private readonly IDegradedReadObserver? _observer;
    private readonly TimeProvider _time;
    private readonly ShardRepair _repair;

    /// <param name="zones">One shard store per zone; placement spreads shards over all of them in this order.</param>
    /// <param name="options">Profiles per storage class and block size (validated here).</param>
    /// <param name="logger">Bad shards and degraded writes are logged here.</param>
    /// <param name="observer">Told about each bad shard a read meets (heal-on-read); optional.</param>
    /// <param name="codecFactory">Codec per profile; defaults to <see cref="ReedSolomonCodec.Create(ErasureProfile)"/>.</param>
    /// <param name="timeProvider">Clock for shard header timestamps.</param>
    public ErasureObjectDataStore(
        IEnumerable<IShardStore> zones,
        IOptions<ErasureDataStoreOptions> options,
        ILogger<ErasureObjectDataStore> logger,
        IDegradedReadObserver? observer = null,
        Func<ErasureProfile, IErasureCodec>? codecFactory = null,
        TimeProvider? timeProvider = null)
    {
        _zones = zones.ToArray();
        _zonesByName = _zones.ToDictionary(z => z.Zone, StringComparer.Ordinal);
        _options = options.Value;
        _options.Validate(_zones.Count);
        _logger = logger;
        _observer = observer;
        _codecFactory = codecFactory ?? (p => ReedSolomonCodec.Create(p));
        _time = timeProvider ?? TimeProvider.System;
        _repair = new ShardRepair(_zones, _zonesByName, CodecFor, _logger, _time);
    }

    /// <summary>The zones, in placement order.</summary>
    public IReadOnlyList<IShardStore> Zones => _zones;

    public async Task DeleteAsync(DataLayout layout, CancellationToken cancellationToken)
    {
        var deletes = new Task[layout.ShardZones.Count];
        for (var i = 0; i < deletes.Length; i++)
            deletes[i] = DeleteShardAsync(layout, i, cancellationToken);
        await Task.WhenAll(deletes).ConfigureAwait(false);
    }

    private async Task DeleteShardAsync(DataLayout layout, int shardIndex, CancellationToken cancellationToken)
    {
        var zone = layout.ShardZones[shardIndex];
        if (!_zonesByName.TryGetValue(zone, out var store))
            return;
        try
        {
            await store.DeleteAsync(new ShardId(layout.DataId, shardIndex), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // An unavailable zone keeps its shard; with no index entry left it is an orphan for repair.
            StorageLog.ShardDeleteFailed(_logger, layout.DataId, shardIndex, zone, e);
        }
    }

    private IErasureCodec CodecFor(int dataShards, int parityShards) =>
        _codecs.GetOrAdd(ErasureProfile.Create(dataShards, parityShards), _codecFactory);

    /// <summary>The zone of shard <paramref name="shardIndex"/>, or null when the layout names a zone this store does not have.</summary>
    private IShardStore? ZoneOf(DataLayout layout, int shardIndex) =>
        _zonesByName.GetValueOrDefault(layout.ShardZones[shardIndex]);
}
