using ObjectStore.Background.Notifications;

namespace ObjectStore.Background.Tests;

/// <summary>A destination that fails its first <c>failures</c> deliveries, then takes them; it records what it took.</summary>
internal sealed class TestDestination(string name, int failures = 0) : EventDestination(name, EventDestinations.WebhookArn(name))
{
    private int _attempts;

    public override string Kind => "test";
    public override string Target => "memory";
    public List<EventMessage> Delivered { get; } = [];
    public int Attempts => _attempts;

    public override Task DeliverAsync(EventMessage message, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _attempts) <= failures)
            throw new HttpRequestException($"Destination '{Name}' is down.");
        lock (Delivered)
            Delivered.Add(message);
        return Task.CompletedTask;
    }
}
