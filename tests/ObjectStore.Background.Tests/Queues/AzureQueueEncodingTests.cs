using System.Text;
using Azure.Storage.Queues;
using ObjectStore.Queues.Azure;
using ObjectStore.Testing;

namespace ObjectStore.Background.Tests.Queues;

/// <summary>
/// The wire encoding the Functions queue triggers depend on (TOOLING.md: trigger messages are
/// base64 by default): what the store writes to its own queues is base64 of the UTF-8 text, what a
/// base64 producer wrote reads back as text, and a destination queue without base64 gets plain text.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureQueueEncodingTests(AzuriteFixture azurite)
{
    private const string Text = "{\"eventId\":\"e1\",\"key\":\"Grüße/🚀 a+b\"}";

    private QueueClient Raw(string name) => new(azurite.ConnectionString, name); // no decoding: the bytes on the wire

    [Fact]
    public async Task The_store_writes_its_queues_in_base64_as_the_Functions_trigger_reads_them()
    {
        var name = UniqueNames.Queue("wire");
        var queue = AzureMessageQueues.ForStore(o => new QueueServiceClient(azurite.ConnectionString, o)).Get(name);
        await queue.CreateIfNotExistsAsync(CancellationToken.None);

        await queue.SendAsync(Text, TimeSpan.Zero, CancellationToken.None);

        var raw = (await Raw(name).PeekMessageAsync()).Value.Body.ToString();
        Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes(Text)), raw);
    }

    [Fact]
    public async Task The_store_reads_a_message_a_base64_producer_wrote_as_its_text()
    {
        var name = UniqueNames.Queue("wire");
        var producer = new QueueClient(azurite.ConnectionString, name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await producer.CreateIfNotExistsAsync();
        await producer.SendMessageAsync(Text);

        var queue = AzureMessageQueues.ForStore(o => new QueueServiceClient(azurite.ConnectionString, o)).Get(name);

        Assert.Equal(Text, Assert.Single(await queue.ReceiveAsync(1, TimeSpan.FromMinutes(1), CancellationToken.None)).Text);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_destination_queue_gets_plain_text_unless_its_consumer_expects_base64(bool base64)
    {
        var name = UniqueNames.Queue("dest");
        var queue = AzureMessageQueues.Destination(name, base64, azurite.ConnectionString, _ => throw new InvalidOperationException("A destination with a connection uses it."));
        await queue.CreateIfNotExistsAsync(CancellationToken.None);

        await queue.SendAsync(Text, TimeSpan.Zero, CancellationToken.None);

        var raw = (await Raw(name).PeekMessageAsync()).Value.Body.ToString();
        Assert.Equal(base64 ? Convert.ToBase64String(Encoding.UTF8.GetBytes(Text)) : Text, raw);
    }
}
