using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ObjectStore.Background;
using ObjectStore.Background.Notifications;
using ObjectStore.Index.Events;
using ObjectStore.Queues.Azure;

namespace ObjectStore.Hosting;

/// <summary>Event notifications: the operator's destinations, the outbox relay (the object service's publisher) and delivery.</summary>
internal static class NotificationRegistrations
{
    public static IServiceCollection AddEventNotifications(this IServiceCollection services, ObjectStoreSettings settings, IConfiguration configuration)
    {
        var options = new NotificationOptions();
        configuration.GetSection(NotificationOptions.SectionName).Bind(options);
        if (options.Validate() is { } problem)
            throw new InvalidOperationException(problem);
        services.AddSingleton(options);
        services.AddSingleton(new EventQueues(settings.EventsQueue));
        // One client for every webhook: pooled connections; each request has its destination's timeout.
        services.AddSingleton(_ => EventDestinations.FromOptions(options,
            new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan },
            (queue, base64, connection) => AzureMessageQueues.Destination(queue, base64, connection, settings.Storage.CreateQueueServiceClient)));
        services.AddSingleton<OutboxRelay>();
        services.AddSingleton<IEventPublisher>(sp => sp.GetRequiredService<OutboxRelay>());
        services.AddSingleton(sp => new NotificationMetrics(sp.GetService<IMeterFactory>()));
        services.AddSingleton<NotificationDispatcher>();
        services.AddSingleton<PoisonQueue>();
        return services;
    }
}
