using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ObjectStore.Index;
using ObjectStore.S3.Admin;
using ObjectStore.S3.Auth;
using ObjectStore.Objects;
using ObjectStore.Storage;

namespace ObjectStore.S3;

public static class S3ServiceCollectionExtensions
{
    /// <summary>
    /// Registers the S3 protocol layer: <see cref="S3RequestHandler"/> and the object model behind it
    /// (<see cref="ObjectModelServiceCollectionExtensions.AddObjectModel"/>, which validates
    /// <see cref="S3Options"/> at start-up). The host registers
    /// <see cref="IObjectIndex"/>, <see cref="IObjectDataStore"/>, <see cref="IRequestAuthenticator"/>
    /// and configures <see cref="S3Options"/>; <see cref="TimeProvider"/> defaults to the system clock.
    /// </summary>
    public static IServiceCollection AddS3Protocol(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddObjectModel();
        services.TryAddSingleton(sp => new AdminApi(sp.GetServices<AdminRoute>(), sp.GetServices<AdminAccessKey>().Select(k => k.AccessKey)));
        services.TryAddSingleton(sp => new AdminRequestHandler(sp.GetRequiredService<AdminApi>()));
        services.TryAddSingleton(sp => new AccessConfigurationHandler(
            sp.GetRequiredService<ObjectModel>().Buckets,
            sp.GetRequiredService<IOptions<S3Options>>(),
            sp.GetRequiredService<ILogger<AccessConfigurationHandler>>()));
        services.TryAddSingleton(sp => new CopySourceReader(sp.GetRequiredService<ObjectModel>().Objects, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new MultipartHandler(
            sp.GetRequiredService<ObjectModel>().Uploads,
            sp.GetRequiredService<ObjectModel>().Buckets,
            sp.GetRequiredService<CopySourceReader>(),
            sp.GetRequiredService<IOptions<S3Options>>()));
        services.TryAddSingleton(sp => new BucketConfigurationHandler(
            sp.GetRequiredService<ObjectModel>().Buckets,
            sp.GetRequiredService<ObjectModel>().Uploads,
            sp.GetRequiredService<IOptions<S3Options>>(),
            sp.GetRequiredService<ILogger<BucketConfigurationHandler>>()));
        services.TryAddSingleton(sp => new ListingHandler(sp.GetRequiredService<ObjectModel>().Objects, sp.GetRequiredService<ObjectModel>().Buckets, sp.GetRequiredService<IOptions<S3Options>>()));
        services.TryAddSingleton(sp => new ObjectsHandler(
            sp.GetRequiredService<ObjectModel>().Objects,
            sp.GetRequiredService<ObjectModel>().Buckets,
            sp.GetRequiredService<ObjectModel>().Restores,
            sp.GetRequiredService<CopySourceReader>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<S3Options>>()));
        services.TryAddSingleton(sp => new ObjectSubresourceHandler(
            sp.GetRequiredService<ObjectModel>().Tagging,
            sp.GetRequiredService<ObjectModel>().Restores,
            sp.GetRequiredService<ObjectModel>().Buckets));
        services.TryAddSingleton(sp => new BrowserHandler(
            sp.GetRequiredService<IRequestAuthenticator>(),
            sp.GetRequiredService<ObjectModel>().Objects,
            sp.GetRequiredService<ObjectModel>().Buckets,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<S3Options>>()));
        services.TryAddSingleton(sp => new ObjectLockHandler(sp.GetRequiredService<ObjectLockService>(), sp.GetRequiredService<ObjectModel>().Buckets));
        services.TryAddSingleton(sp => new AclHandler(
            sp.GetRequiredService<ObjectModel>().Buckets,
            sp.GetRequiredService<ObjectModel>().Objects,
            sp.GetRequiredService<IOptions<S3Options>>(),
            sp.GetRequiredService<ILogger<AclHandler>>()));
        services.TryAddSingleton(sp => new S3Areas(
            sp.GetRequiredService<AdminRequestHandler>(),
            sp.GetRequiredService<AccessConfigurationHandler>(),
            sp.GetRequiredService<MultipartHandler>(),
            sp.GetRequiredService<BucketConfigurationHandler>(),
            sp.GetRequiredService<ListingHandler>(),
            sp.GetRequiredService<ObjectsHandler>(),
            sp.GetRequiredService<ObjectSubresourceHandler>(),
            sp.GetRequiredService<BrowserHandler>(),
            sp.GetRequiredService<ObjectLockHandler>())
        {
            Acl = sp.GetRequiredService<AclHandler>(),
        });
        services.TryAddSingleton(sp => new S3RequestHandler(
            sp.GetRequiredService<ObjectModel>(),
            sp.GetRequiredService<IRequestAuthenticator>(),
            sp.GetRequiredService<S3Areas>(),
            sp.GetRequiredService<IOptions<S3Options>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<S3RequestHandler>>()));
        return services;
    }

    /// <summary>Adds a route to the admin API (<c>/_admin/v1/{path}</c>); the handler is built from the container once.</summary>
    public static IServiceCollection AddAdminRoute(this IServiceCollection services, string method, string path, Func<IServiceProvider, AdminHandler> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return services.AddSingleton(sp => new AdminRoute(method, path, handler(sp)));
    }

    /// <summary>Lets <paramref name="accessKey"/> call the admin API.</summary>
    public static IServiceCollection AddAdminAccessKey(this IServiceCollection services, string accessKey) =>
        services.AddSingleton(new AdminAccessKey(accessKey));
}
