using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ObjectStore.Index;
using ObjectStore.Index.Identity;
using ObjectStore.Index.Tables;
using ObjectStore.Objects;
using ObjectStore.Objects.Encryption;
using ObjectStore.Objects.Identity;
using ObjectStore.S3;
using ObjectStore.S3.Access.Policies;
using ObjectStore.S3.Auth;
using ObjectStore.Storage;

namespace ObjectStore.Hosting;

/// <summary>How the settings map onto each layer's services.</summary>
internal static class CoreRegistrations
{
    public static IServiceCollection AddObjectIndex(this IServiceCollection services, ObjectStoreSettings settings) =>
        services
            .AddSingleton<IObjectIndex>(sp => new TableObjectIndex(sp.GetRequiredService<TableServiceClient>(), settings.TablePrefix, sp.GetRequiredService<TimeProvider>()))
            .AddSingleton<IScanStateStore>(sp => new TableScanStateStore(sp.GetRequiredService<TableServiceClient>(), settings.TablePrefix, sp.GetRequiredService<TimeProvider>()));

    public static IServiceCollection AddDataPlane(this IServiceCollection services, ObjectStoreSettings settings)
    {
        services.AddSingleton(sp => ShardZones.Create(settings, sp.GetRequiredService<IOptions<ErasureDataStoreOptions>>().Value,
            sp.GetRequiredService<ILoggerFactory>()));
        return services.AddErasureDataStore(options =>
        {
            options.DataRoot = settings.DataDirectory;
            options.Zones = settings.Zones.ToList();
            // The one map of class profiles (OBJECTSTORE_STORAGE_CLASSES over the defaults).
            options.StorageClasses.Clear();
            foreach (var (storageClass, profile) in settings.StorageClasses)
                options.StorageClasses[storageClass] = profile;
        }, (sp, _) => sp.GetRequiredService<ShardZones>().Stores);
    }

    public static IServiceCollection AddGateway(this IServiceCollection services, ObjectStoreSettings settings)
    {
        services.AddSingleton<IIdentityStore>(sp => new TableIdentityStore(sp.GetRequiredService<TableServiceClient>(), settings.TablePrefix));
        services.AddSingleton(_ => MasterKeys.Load(settings));
        services.AddSingleton(sp => new SecretProtector(sp.GetRequiredService<MasterKeyRing>()));
        services.AddSingleton(sp => new IdentityService(
            sp.GetRequiredService<IIdentityStore>(),
            sp.GetRequiredService<SecretProtector>(),
            new StaticCredentialStore(settings.AccessKey, settings.SecretKey),
            settings.AccountId,
            sp.GetRequiredService<TimeProvider>())
        {
            // The policy language is the protocol's; identities only keep valid documents.
            CheckPolicy = document => PolicyParser.TryParse(document, PolicyKind.Identity, bucket: null, out _, out var error) ? null : error,
        });
        services.AddSingleton<ICredentialStore>(sp => sp.GetRequiredService<IdentityService>());
        services.AddSingleton<IRequestAuthenticator>(sp =>
            new SigV4Authenticator(sp.GetRequiredService<ICredentialStore>(), sp.GetRequiredService<TimeProvider>()));
        services.Configure<S3Options>(options =>
        {
            options.Region = settings.Region;
            options.BaseDomain = settings.BaseDomain;
            options.AccountId = settings.AccountId;
            options.PublicAccessBlock = settings.PublicAccessBlock;
            options.DefaultEncryption = settings.DefaultEncryption;
        });
        return services.AddS3Protocol();
    }
}
