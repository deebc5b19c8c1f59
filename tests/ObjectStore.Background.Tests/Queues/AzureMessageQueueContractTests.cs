using Azure.Storage.Queues;
using ObjectStore.Queues;
using ObjectStore.Queues.Azure;
using ObjectStore.Testing;

namespace ObjectStore.Background.Tests.Queues;

/// <summary>The queue contract against the Azure adapter on Azurite (real time: the waits are a few seconds).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureMessageQueueContractTests(AzuriteFixture azurite) : MessageQueueContractTests
{
    protected override IMessageQueues Queues { get; } = AzureMessageQueues.ForStore(o => new QueueServiceClient(azurite.ConnectionString, o));

    protected override Task AdvanceAsync(TimeSpan duration) => Task.Delay(duration);
}
