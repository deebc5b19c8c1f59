using ObjectStore.Queues;

namespace ObjectStore.Background.Tests.Queues;

/// <summary>Background work sees queues only through <see cref="IMessageQueue"/>: the Azure SDK stays in ObjectStore.Queues.Azure.</summary>
public sealed class QueueSeamTests
{
    [Fact]
    public void Background_work_and_the_queue_interface_do_not_reference_the_Azure_queue_SDK()
    {
        foreach (var assembly in new[] { typeof(NotificationDispatcher).Assembly, typeof(IMessageQueue).Assembly })
            Assert.DoesNotContain(assembly.GetReferencedAssemblies(), r => r.Name == "Azure.Storage.Queues");
    }
}
