using Microsoft.Extensions.DependencyInjection;
using ObjectStore.Background.Notifications;
using ObjectStore.S3;
using ObjectStore.S3.Admin;

namespace ObjectStore.Hosting;

internal static partial class AdminRoutes
{
    /// <summary>
    /// Event notifications: the operator's destinations (never their secrets), the poison queue and
    /// its replay (all, or one event with ?event-id=), and an immediate outbox sweep.
    /// </summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services)
    {
        services.AddAdminRoute("GET", "notifications/destinations", sp => (_, _) =>
        {
            var destinations = sp.GetRequiredService<EventDestinations>().All
                .OrderBy(d => d.Arn, StringComparer.Ordinal)
                .Select(d => new { d.Arn, d.Name, d.Kind, d.Target, Signed = d is WebhookDestination { Signed: true } })
                .ToArray();
            return Task.FromResult(AdminResult.Ok(new { destinations }));
        });
        services.AddAdminRoute("GET", "notifications/poison", sp => async (_, ct) =>
        {
            var events = await sp.GetRequiredService<PoisonQueue>().ListAsync(ct).ConfigureAwait(false);
            return AdminResult.Ok(new { queue = sp.GetRequiredService<EventQueues>().Poison, events });
        });
        services.AddAdminRoute("POST", "notifications/poison/replay", sp => async (request, ct) =>
        {
            var replayed = await sp.GetRequiredService<PoisonQueue>().ReplayAsync(request.QueryValue("event-id"), ct).ConfigureAwait(false);
            return AdminResult.Ok(new { replayed });
        });
        services.AddAdminRoute("POST", "notifications/sweep", sp => async (_, ct) =>
        {
            var moved = await sp.GetRequiredService<OutboxRelay>().SweepAsync(ct).ConfigureAwait(false);
            return AdminResult.Ok(new { moved });
        });
        return services;
    }
}
