using ObjectStore.Queues;

namespace ObjectStore.Background.Notifications;

/// <summary>
/// The queue that carries events from the outbox to delivery, and its poison queue (named as the
/// Functions host names it: "&lt;queue&gt;-poison").
/// </summary>
public sealed record EventQueues(string Events)
{
    public string Poison => IMessageQueues.PoisonName(Events);
}
