using System.Diagnostics.Metrics;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ObjectStore.Erasure;
using ObjectStore.Index;
using ObjectStore.Index.Identity;
using ObjectStore.Index.Tables;
using ObjectStore.Objects;
using ObjectStore.Objects.Encryption;
using ObjectStore.Storage;
using ObjectStore.Storage.Disk;

namespace ObjectStore.Hosting;

/// <summary>How the settings map onto each layer's services.</summary>
internal static class CoreRegistrations
{
    public static IServiceCollection AddObjectIndex(this IServiceCollection services, ObjectStoreSettings settings) =>
        services
            .AddSingleton(sp => new TableObjectIndex(sp.GetRequiredService<TableServiceClient>(), settings.TablePrefix, sp.GetRequiredService<TimeProvider>(), settings.IndexOptions))
            .AddSingleton<IObjectIndex>(sp => sp.GetRequiredService<TableObjectIndex>())
            .AddSingleton<IIndexPartitioning>(sp => sp.GetRequiredService<TableObjectIndex>())
            .AddSingleton<IScanStateStore>(sp => new TableScanStateStore(sp.GetRequiredService<TableServiceClient>(), settings.TablePrefix, sp.GetRequiredService<TimeProvider>()));

    public static IServiceCollection AddDataPlane(this IServiceCollection services, ObjectStoreSettings settings)
    {
        services.AddSingleton(sp => new StorageMetrics(sp.GetService<IMeterFactory>()));
        services.AddSingleton<ErasureCodecFactory>(sp =>
        {
            var metrics = sp.GetRequiredService<StorageMetrics>();
            return profile => new MeteredErasureCodec(ReedSolomonCodec.Create(profile), metrics);
        });
        services.AddSingleton(sp => ShardZones.Create(settings, sp.GetRequiredService<IOptions<ErasureDataStoreOptions>>().Value,
            sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<StorageMetrics>()));
        return services.AddErasureDataStore(options =>
        {
            options.DataRoot = settings.DataDirectory;
            options.Zones = settings.Zones.ToList();
            options.WriteCacheBytes = settings.DiskWriteCacheBytes;
            // The one map of class profiles (OBJECTSTORE_STORAGE_CLASSES over the defaults).
            options.StorageClasses.Clear();
            foreach (var (storageClass, profile) in settings.StorageClasses)
                options.StorageClasses[storageClass] = profile;
        }, (sp, _) => sp.GetRequiredService<ShardZones>().Stores);
    }

    /// <summary>
    /// The object model and what it needs beyond index and data: the master keys (SSE-S3 and users'
    /// secrets), the identity store, and the model's settings.
    /// </summary>
    public static IServiceCollection AddModel(this IServiceCollection services, ObjectStoreSettings settings)
    {
        services.AddSingleton<IIdentityStore>(sp => new TableIdentityStore(sp.GetRequiredService<TableServiceClient>(), settings.TablePrefix));
        services.AddSingleton(_ => MasterKeys.Load(settings));
        services.AddSingleton(sp => new SecretProtector(sp.GetRequiredService<MasterKeyRing>()));
        services.Configure<S3Options>(options =>
        {
            options.Region = settings.Region;
            options.BaseDomain = settings.BaseDomain;
            options.AccountId = settings.AccountId;
            options.PublicAccessBlock = settings.PublicAccessBlock;
            options.DefaultEncryption = settings.DefaultEncryption;
            options.InlineMaxBytes = settings.InlineMaxBytes;
            options.BucketCacheLifetime = TimeSpan.FromSeconds(settings.BucketCacheSeconds);
            options.DefaultObjectOwnership = settings.DefaultObjectOwnership;
        });
        return services.AddObjectModel();
    }
}
