using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ObjectStore.Storage.Disk;

public static class DataStoreServiceCollectionExtensions
{
    /// <summary>Environment variable naming the data root when <see cref="ErasureDataStoreOptions.DataRoot"/> is not set.</summary>
    public const string DataRootVariable = "OBJECTSTORE_DATA";

    /// <summary>
    /// Registers <see cref="IObjectDataStore"/> as an <see cref="ErasureObjectDataStore"/> over disk
    /// zones <c>{DataRoot}/zones/{zone}</c>, creating the zone directories once at start-up (a zone
    /// directory that disappears later is then an unavailable zone, not a new empty one). An
    /// <see cref="IDegradedReadObserver"/> and an <see cref="ErasureCodecFactory"/> in the container are picked up when present.
    /// <paramref name="zones"/>, when given, builds the zones instead (zones on other backends,
    /// such as Blob containers, or a mix), in placement order.
    /// </summary>
    public static IServiceCollection AddErasureDataStore(this IServiceCollection services, Action<ErasureDataStoreOptions>? configure = null,
        Func<IServiceProvider, ErasureDataStoreOptions, IReadOnlyList<IShardStore>>? zones = null)
    {
        var options = services.AddOptions<ErasureDataStoreOptions>();
        if (configure is not null)
            options.Configure(configure);
        options.Validate(o => { o.Validate(o.Zones.Count); return true; }).ValidateOnStart();

        services.TryAddSingleton<IObjectDataStore>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<ErasureDataStoreOptions>>();
            return new ErasureObjectDataStore(zones is null ? CreateDiskZones(o.Value) : zones(sp, o.Value), o,
                sp.GetRequiredService<ILogger<ErasureObjectDataStore>>(),
                sp.GetService<IDegradedReadObserver>(),
                sp.GetService<ErasureCodecFactory>() is { } codecs ? profile => codecs(profile) : null,
                timeProvider: sp.GetService<TimeProvider>());
        });
        // The repair service's view of the same store (verify and rebuild, list and collect shard files).
        services.TryAddSingleton<IShardMaintenance>(sp => (IShardMaintenance)sp.GetRequiredService<IObjectDataStore>());
        return services;
    }

    /// <summary>One <see cref="DiskShardStore"/> per configured zone, directories created, sharing one write cache window.</summary>
    public static IReadOnlyList<IShardStore> CreateDiskZones(ErasureDataStoreOptions options)
    {
        var window = new WriteCacheWindow(options.WriteCacheBytes);
        return options.Zones.Select(zone => CreateDiskZone(options, zone, window)).ToArray();
    }

    /// <summary>
    /// The <see cref="DiskShardStore"/> of one zone, <c>{DataRoot}/zones/{zone}</c>, directory created; the zones of
    /// one data store share <paramref name="window"/> (<see cref="ErasureDataStoreOptions.WriteCacheBytes"/>).
    /// </summary>
    public static IShardStore CreateDiskZone(ErasureDataStoreOptions options, string zone, WriteCacheWindow window)
    {
        var root = options.DataRoot ?? Environment.GetEnvironmentVariable(DataRootVariable)
            ?? throw new InvalidOperationException($"Set ErasureDataStoreOptions.DataRoot or ${DataRootVariable}.");
        var directory = Path.Combine(root, "zones", zone);
        Directory.CreateDirectory(directory);
        return new DiskShardStore(zone, directory, options.SyncDirectories, window);
    }
}
