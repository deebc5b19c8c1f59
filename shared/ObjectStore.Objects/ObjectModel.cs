using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ObjectStore.Index;
using ObjectStore.Index.Events;
using ObjectStore.Lifecycle;
using ObjectStore.Objects.Encryption;
using ObjectStore.Storage;

namespace ObjectStore.Objects;

/// <summary>
/// The object services a protocol front end calls, by area. Nothing but a bundle: each service has its
/// own small set of dependencies (see docs/architecture.md).
/// </summary>
internal sealed record ObjectModel(BucketService Buckets, ObjectService Objects, MultipartService Uploads, TaggingService Tagging, RestoreService Restores);

public static class ObjectModelServiceCollectionExtensions
{
    /// <summary>
    /// Registers the object model: the bucket, object, multipart, tagging and restore services, the
    /// lifecycle actions (<see cref="ILifecycleActions"/>) and the helpers they share, with
    /// <see cref="S3Options"/> validated at start-up. The host registers <see cref="IObjectIndex"/>,
    /// <see cref="IObjectDataStore"/>, <see cref="IRestoreQueue"/>, optionally a <see cref="MasterKeyRing"/>
    /// and an <see cref="IEventPublisher"/>; <see cref="TimeProvider"/> defaults to the system clock.
    /// </summary>
    public static IServiceCollection AddObjectModel(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(ObjectModel)))
            return services; // the core composition and the protocol both ask for it
        services.AddOptions<S3Options>()
            .Validate(o => o.Validate() is null, "S3Options are invalid (Region, OwnerId, MaxSinglePutSize, BaseDomain).")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IEventPublisher>(NoEventPublisher.Instance);
        services.AddOptions<LifecycleOptions>();
        services.TryAddSingleton(sp => new EncryptionKeys(sp.GetRequiredService<IOptions<S3Options>>())
        {
            MasterKeys = sp.GetService<MasterKeyRing>(),
        });
        services.TryAddSingleton(sp => new ObjectCommitter(
            sp.GetRequiredService<IObjectIndex>(),
            sp.GetRequiredService<IObjectDataStore>(),
            sp.GetRequiredService<IEventPublisher>(),
            sp.GetRequiredService<ILogger<ObjectCommitter>>()));
        services.TryAddSingleton(sp => new ObjectData(
            sp.GetRequiredService<IObjectIndex>(),
            sp.GetRequiredService<IObjectDataStore>(),
            sp.GetRequiredService<ObjectCommitter>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new BucketService(
            sp.GetRequiredService<IObjectIndex>(),
            sp.GetRequiredService<IEventPublisher>(),
            sp.GetRequiredService<IOptions<S3Options>>(),
            sp.GetRequiredService<IOptions<LifecycleOptions>>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new ObjectService(
            sp.GetRequiredService<IObjectIndex>(),
            sp.GetRequiredService<ObjectData>(),
            sp.GetRequiredService<ObjectCommitter>(),
            sp.GetRequiredService<EncryptionKeys>(),
            sp.GetRequiredService<IOptions<S3Options>>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new MultipartService(
            sp.GetRequiredService<IObjectIndex>(),
            sp.GetRequiredService<ObjectData>(),
            sp.GetRequiredService<ObjectCommitter>(),
            sp.GetRequiredService<EncryptionKeys>(),
            sp.GetRequiredService<IOptions<S3Options>>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new TaggingService(
            sp.GetRequiredService<IObjectIndex>(),
            sp.GetRequiredService<ObjectService>(),
            sp.GetRequiredService<ObjectCommitter>()));
        services.TryAddSingleton(sp => new RestoreService(
            sp.GetRequiredService<IObjectIndex>(),
            sp.GetRequiredService<ObjectService>(),
            sp.GetRequiredService<ObjectCommitter>(),
            sp.GetRequiredService<IRestoreQueue>(),
            sp.GetRequiredService<IOptions<LifecycleOptions>>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new LifecycleDataMoves(
            sp.GetRequiredService<IObjectIndex>(),
            sp.GetRequiredService<ObjectData>(),
            sp.GetRequiredService<ObjectCommitter>(),
            sp.GetRequiredService<BucketService>(),
            sp.GetRequiredService<IOptions<LifecycleOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<LifecycleDataMoves>>()));
        services.TryAddSingleton(sp => new LifecycleActions(
            sp.GetRequiredService<IObjectIndex>(),
            sp.GetRequiredService<ObjectCommitter>(),
            sp.GetRequiredService<MultipartService>(),
            sp.GetRequiredService<LifecycleDataMoves>()));
        services.TryAddSingleton<ILifecycleActions>(sp => sp.GetRequiredService<LifecycleActions>());
        services.TryAddSingleton(sp => new ObjectLockService(sp.GetRequiredService<IObjectIndex>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new ObjectModel(
            sp.GetRequiredService<BucketService>(),
            sp.GetRequiredService<ObjectService>(),
            sp.GetRequiredService<MultipartService>(),
            sp.GetRequiredService<TaggingService>(),
            sp.GetRequiredService<RestoreService>()));
        return services;
    }
}
