using Microsoft.Extensions.DependencyInjection;
using ObjectStore.S3;
using ObjectStore.S3.Admin;

namespace ObjectStore.Hosting;

/// <summary>
/// The admin API's routes, composed from the core services (which know nothing of HTTP). Each area
/// adds its routes in its own file, <c>AdminRoutes.{Area}.cs</c>, called from <see cref="AddAdminApi"/>.
/// </summary>
internal static partial class AdminRoutes
{
    public static IServiceCollection AddAdminApi(this IServiceCollection services, ObjectStoreSettings settings)
    {
        services.AddAdminAccessKey(settings.AccessKey);
        services.AddLifecycleRoutes();
        services.AddIdentityRoutes();
        services.AddAdminRoute("GET", "routes", sp => (_, _) =>
        {
            var api = sp.GetRequiredService<AdminApi>();
            return Task.FromResult(AdminResult.Ok(new { routes = api.Routes.Select(r => $"{r.Method} {r.Path}").ToArray() }));
        });
        services.AddNotifications();
        AddRepair(services);
        AddEncryption(services);
        AddUsage(services);
        AddIndex(services);
        return services;
    }
}
