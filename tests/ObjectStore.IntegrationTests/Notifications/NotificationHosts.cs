using System.Globalization;
using ObjectStore.Background.Notifications;
using ObjectStore.IntegrationTests.Infrastructure;
using ObjectStore.Testing;

namespace ObjectStore.IntegrationTests.Notifications;

/// <summary>Settings that give a local host a webhook (and optionally a queue) destination and fast retries.</summary>
public static class NotificationHosts
{
    public const string WebhookName = "hook";
    public const string QueueName = "jobs";
    public const string Secret = "webhook-signing-secret";
    public static readonly string WebhookArn = EventDestinations.WebhookArn(WebhookName);
    public static readonly string QueueArn = EventDestinations.QueueArn(QueueName);

    /// <param name="destinationQueue">The Azure Storage queue behind <see cref="QueueArn"/>, if any.</param>
    public static Dictionary<string, string?> Settings(WebhookReceiver receiver, string? destinationQueue = null, int maxAttempts = 20,
        double backoffBaseSeconds = 0.5, double backoffMaxSeconds = 2)
    {
        var settings = new Dictionary<string, string?>
        {
            [$"ObjectStore:Notifications:Webhooks:{WebhookName}:Url"] = receiver.Url.ToString(),
            [$"ObjectStore:Notifications:Webhooks:{WebhookName}:Secret"] = Secret,
            [$"ObjectStore:Notifications:Webhooks:{WebhookName}:TimeoutSeconds"] = "2",
            ["ObjectStore:Notifications:MaxAttempts"] = maxAttempts.ToString(CultureInfo.InvariantCulture),
            ["ObjectStore:Notifications:BackoffBaseSeconds"] = backoffBaseSeconds.ToString(CultureInfo.InvariantCulture),
            ["ObjectStore:Notifications:BackoffMaxSeconds"] = backoffMaxSeconds.ToString(CultureInfo.InvariantCulture),
        };
        if (destinationQueue is not null)
            settings[$"ObjectStore:Notifications:Queues:{QueueName}:QueueName"] = destinationQueue;
        return settings;
    }

    public static Task<LocalHostInstance> StartAsync(LocalHostFixture fixture, Dictionary<string, string?> settings, LocalHostOptions? options = null) =>
        fixture.StartHostAsync((options ?? new LocalHostOptions()) with { Settings = settings });

    public static string UniqueQueue() => UniqueNames.Queue("dest");
}
