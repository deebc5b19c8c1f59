using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ObjectStore.Index;
using ObjectStore.Objects.Encryption;
using ObjectStore.Objects.Identity;
using ObjectStore.S3;
using ObjectStore.S3.Access.Policies;
using ObjectStore.S3.Auth;

namespace ObjectStore.Hosting;

/// <summary>The gateway's composition: the core services, then SigV4 over the identities, the S3 handler and the admin API.</summary>
public static class ObjectStoreGatewayServiceCollectionExtensions
{
    /// <summary>
    /// Everything <see cref="ObjectStoreServiceCollectionExtensions.AddObjectStore"/> registers, plus the
    /// S3 protocol (<see cref="S3RequestHandler"/>) and the admin API. The Gateway app and the local host call this.
    /// </summary>
    public static IServiceCollection AddObjectStoreGateway(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddObjectStore(configuration);
        var settings = (ObjectStoreSettings)services.Last(d => d.ServiceType == typeof(ObjectStoreSettings)).ImplementationInstance!;
        services.AddGateway(settings);
        services.AddAdminApi(settings);
        services.AddSingleton(sp => new GatewayMetrics(sp.GetService<IMeterFactory>()));
        services.AddSingleton<ConsoleAssets>();
        services.AddSingleton<GatewayFrontDoor>();
        return services;
    }

    private static IServiceCollection AddGateway(this IServiceCollection services, ObjectStoreSettings settings)
    {
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
            new SigV4Authenticator(sp.GetRequiredService<ICredentialStore>(), sp.GetRequiredService<TimeProvider>(),
                new SigV4AuthenticatorOptions { Region = settings.Region, SignatureV2 = settings.SignatureV2, BaseDomain = settings.BaseDomain },
                sp.GetService<Microsoft.Extensions.Logging.ILogger<SigV4Authenticator>>()));
        return services.AddS3Protocol();
    }
}
