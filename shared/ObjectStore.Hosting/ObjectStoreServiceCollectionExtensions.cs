using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ObjectStore.Background;
using ObjectStore.Background.Restore;
using ObjectStore.Lifecycle;
using ObjectStore.Index;
using ObjectStore.Index.Tables;
using ObjectStore.Queues;
using ObjectStore.Queues.Azure;

namespace ObjectStore.Hosting;

/// <summary>
/// The one composition of ObjectStore's core services, shared by the four function apps and the
/// local host, so every host runs the same code against the same settings. The gateway (the Gateway
/// app, the local host) adds the S3 protocol on top: <c>AddObjectStoreGateway</c> in ObjectStore.Hosting.Gateway.
/// </summary>
public static class ObjectStoreServiceCollectionExtensions
{
    public static IServiceCollection AddObjectStore(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = ObjectStoreSettings.FromConfiguration(configuration);
        services.AddSingleton(settings);
        services.AddSingleton(TimeProvider.System);

        // Queue messages are base64, as the Functions queue trigger expects by default (AzureMessageQueues.ForStore).
        // Every Table call (index, scan state, identities, outbox) is timed in the client's pipeline.
        services.AddSingleton(sp => new TableCallMetrics(sp.GetService<IMeterFactory>(), settings.TablePrefix));
        services.AddSingleton(sp => settings.Storage.CreateTableServiceClient(sp.GetRequiredService<TableCallMetrics>().ClientOptions(settings.IndexRetry)));
        services.AddSingleton<IMessageQueues>(AzureMessageQueues.ForStore(settings.Storage.CreateQueueServiceClient));

        services.AddObjectIndex(settings);
        services.AddDataPlane(settings);
        services.AddEventNotifications(settings, configuration);
        services.AddModel(settings);

        services.AddLifecycle(configuration);
        services.AddSingleton<IRestoreQueue>(sp => new RestoreQueue(sp.GetRequiredService<IMessageQueues>(), settings.RestoreQueue));
        services.AddSingleton<RestoreWorker>();
        services.AddRepair(configuration, settings);
        services.AddUsage(configuration);
        // Azure Monitor when asked for (or when the Functions platform gives a connection string); the local host adds Prometheus itself.
        if (MetricsRegistrations.Read(configuration, MetricsExport.Off) is MetricsExport.AzureMonitor)
            services.AddObjectStoreMetrics(configuration, MetricsExport.AzureMonitor);
        services.AddHostedService<StorageInitializer>();
        services.AddHostedService<EventQueueInitializer>();
        return services;
    }
}
