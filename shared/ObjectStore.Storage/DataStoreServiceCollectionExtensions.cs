using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ObjectStore.Storage.Disk;

namespace ObjectStore.Storage;

public static class DataStoreServiceCollectionExtensions
{
    /// <summary>Environment variable naming the data root when <see cref="ErasureDataStoreOptions.DataRoot"/> is not set.</summary>
    public const string DataRootVariable = "OBJECTSTORE_DATA";

    /// <summary>
    /// Registers <see cref="IObjectDataStore"/> as an <see cref="ErasureObjectDataStore"/> over disk
    /// zones <c>{DataRoot}/zones/{zone}</c>, creating the zone directories once at start-up (a zone
    /// directory that disappears later is then an unavailable zone, not a new empty one). An
    /// <see cref="IDegradedReadObserver"/> in the container is picked up when present.
    /// </summary>
    public static IServiceCollection AddErasureDataStore(this IServiceCollection services, Action<ErasureDataStoreOptions>? configure = null)
    {
        var options = services.AddOptions<ErasureDataStoreOptions>();
        if (configure is not null)
            options.Configure(configure);
        options.Validate(o => { o.Validate(o.Zones.Count); return true; }).ValidateOnStart();

        services.TryAddSingleton<IObjectDataStore>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<ErasureDataStoreOptions>>();
            return new ErasureObjectDataStore(CreateDiskZones(o.Value), o,
                sp.GetRequiredService<ILogger<ErasureObjectDataStore>>(),
                sp.GetService<IDegradedReadObserver>(),
                timeProvider: sp.GetService<TimeProvider>());
        });
        return services;
    }

    /// <summary>One <see cref="DiskShardStore"/> per configured zone, directories created.</summary>
    public static IReadOnlyList<IShardStore> CreateDiskZones(ErasureDataStoreOptions options)
    {
        var root = options.DataRoot ?? Environment.GetEnvironmentVariable(DataRootVariable)
            ?? throw new InvalidOperationException($"Set ErasureDataStoreOptions.DataRoot or ${DataRootVariable}.");
        return options.Zones.Select(zone =>
        {
            var directory = Path.Combine(root, "zones", zone);
            Directory.CreateDirectory(directory);
            return (IShardStore)new DiskShardStore(zone, directory, options.SyncDirectories);
        }).ToArray();
    }
}
