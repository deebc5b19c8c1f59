using ObjectStore.Queues;
using ObjectStore.Testing;

namespace ObjectStore.Background.Tests.Queues;

/// <summary>
/// What background work relies on from a queue, run against every <see cref="IMessageQueue"/>: the
/// Azure adapter on Azurite (<see cref="AzureMessageQueueContractTests"/>) and the in-memory queue
/// of the unit tests (<see cref="InMemoryMessageQueueContractTests"/>), so the fake cannot drift.
/// </summary>
public abstract class MessageQueueContractTests
{
    private static readonly TimeSpan Short = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(5);

    protected abstract IMessageQueues Queues { get; }

    /// <summary>Lets at least <paramref name="duration"/> pass for the queue (a fake clock, or real time).</summary>
    protected abstract Task AdvanceAsync(TimeSpan duration);

    private async Task<IMessageQueue> NewQueueAsync()
    {
        var queue = Queues.Get(UniqueNames.Queue("contract"));
        await queue.CreateIfNotExistsAsync(CancellationToken.None);
        return queue;
    }

    [Fact]
    public async Task A_queue_that_was_never_created_refuses_sends_and_receives()
    {
        var queue = Queues.Get(UniqueNames.Queue("missing"));
        await Assert.ThrowsAsync<MessageQueueNotFoundException>(() => queue.SendAsync("x", TimeSpan.Zero, CancellationToken.None));
        await Assert.ThrowsAsync<MessageQueueNotFoundException>(() => queue.ReceiveAsync(1, Long, CancellationToken.None));
    }

    [Fact]
    public async Task Creating_a_queue_twice_is_harmless_and_keeps_its_messages()
    {
        var queue = await NewQueueAsync();
        await queue.SendAsync("kept", TimeSpan.Zero, CancellationToken.None);
        await queue.CreateIfNotExistsAsync(CancellationToken.None);
        Assert.Equal("kept", Assert.Single(await queue.PeekAsync(32, CancellationToken.None)).Text);
    }

    [Fact]
    public async Task A_received_message_is_hidden_from_other_receivers_for_its_visibility_timeout()
    {
        var queue = await NewQueueAsync();
        await queue.SendAsync("one", TimeSpan.Zero, CancellationToken.None);

        var received = Assert.Single(await queue.ReceiveAsync(32, Long, CancellationToken.None));
        Assert.Equal(("one", 1L), (received.Text, received.DequeueCount));
        Assert.Empty(await queue.ReceiveAsync(32, Long, CancellationToken.None));
        Assert.Empty(await queue.PeekAsync(32, CancellationToken.None));
    }

    [Fact]
    public async Task A_message_sent_with_a_delay_stays_invisible_until_the_delay_has_passed()
    {
        var queue = await NewQueueAsync();
        await queue.SendAsync("later", TimeSpan.FromSeconds(2), CancellationToken.None);

        Assert.Empty(await queue.ReceiveAsync(32, Long, CancellationToken.None));
        await AdvanceAsync(TimeSpan.FromSeconds(3));
        Assert.Equal("later", Assert.Single(await queue.ReceiveAsync(32, Long, CancellationToken.None)).Text);
    }

    [Fact]
    public async Task A_message_not_deleted_comes_back_after_its_visibility_timeout_with_a_new_receipt_and_a_higher_dequeue_count()
    {
        var queue = await NewQueueAsync();
        await queue.SendAsync("again", TimeSpan.Zero, CancellationToken.None);
        var first = Assert.Single(await queue.ReceiveAsync(1, Short, CancellationToken.None));

        await AdvanceAsync(TimeSpan.FromSeconds(2));
        var second = Assert.Single(await queue.ReceiveAsync(1, Long, CancellationToken.None));

        Assert.Equal(first.MessageId, second.MessageId);
        Assert.NotEqual(first.PopReceipt, second.PopReceipt);
        Assert.Equal((1L, 2L), (first.DequeueCount, second.DequeueCount));
    }

    [Fact]
    public async Task Only_the_current_receipt_deletes_a_message()
    {
        var queue = await NewQueueAsync();
        await queue.SendAsync("gone", TimeSpan.Zero, CancellationToken.None);
        var stale = Assert.Single(await queue.ReceiveAsync(1, Short, CancellationToken.None));
        await AdvanceAsync(TimeSpan.FromSeconds(2));
        var current = Assert.Single(await queue.ReceiveAsync(1, Short, CancellationToken.None));

        await Assert.ThrowsAsync<MessageNotFoundException>(() => queue.DeleteAsync(stale, CancellationToken.None));
        await queue.DeleteAsync(current, CancellationToken.None);
        await Assert.ThrowsAsync<MessageNotFoundException>(() => queue.DeleteAsync(current, CancellationToken.None));

        await AdvanceAsync(TimeSpan.FromSeconds(2));
        Assert.Empty(await queue.ReceiveAsync(32, Long, CancellationToken.None));
    }

    [Fact]
    public async Task Updating_visibility_to_zero_shows_the_message_at_once_and_makes_the_old_receipt_stale()
    {
        var queue = await NewQueueAsync();
        await queue.SendAsync("back", TimeSpan.Zero, CancellationToken.None);
        var received = Assert.Single(await queue.ReceiveAsync(1, Long, CancellationToken.None));

        var updated = await queue.UpdateVisibilityAsync(received, TimeSpan.Zero, CancellationToken.None);

        Assert.NotEqual(received.PopReceipt, updated.PopReceipt);
        await Assert.ThrowsAsync<MessageNotFoundException>(() => queue.DeleteAsync(received, CancellationToken.None));
        var again = Assert.Single(await queue.ReceiveAsync(1, Long, CancellationToken.None));
        Assert.Equal((received.MessageId, "back", 2L), (again.MessageId, again.Text, again.DequeueCount));
    }

    [Fact]
    public async Task Updating_visibility_hides_a_received_message_for_the_new_timeout()
    {
        var queue = await NewQueueAsync();
        await queue.SendAsync("wait", TimeSpan.Zero, CancellationToken.None);
        var received = Assert.Single(await queue.ReceiveAsync(1, Short, CancellationToken.None));

        await queue.UpdateVisibilityAsync(received, Long, CancellationToken.None);

        await AdvanceAsync(TimeSpan.FromSeconds(2));
        Assert.Empty(await queue.ReceiveAsync(32, Long, CancellationToken.None));
    }

    [Fact]
    public async Task Peeking_neither_hides_a_message_nor_counts_a_dequeue()
    {
        var queue = await NewQueueAsync();
        await queue.SendAsync("look", TimeSpan.Zero, CancellationToken.None);

        var peeked = Assert.Single(await queue.PeekAsync(32, CancellationToken.None));
        Assert.Equal(("look", 0L), (peeked.Text, peeked.DequeueCount));
        Assert.NotNull(peeked.InsertedOn);
        var received = Assert.Single(await queue.ReceiveAsync(32, Long, CancellationToken.None));
        Assert.Equal((peeked.MessageId, 1L), (received.MessageId, received.DequeueCount));
    }

    [Fact]
    public async Task Receive_takes_at_most_the_asked_number_and_every_message_exactly_once()
    {
        var queue = await NewQueueAsync();
        var sent = Enumerable.Range(0, 5).Select(i => $"m{i}").ToList();
        foreach (var text in sent)
            await queue.SendAsync(text, TimeSpan.Zero, CancellationToken.None);

        var first = await queue.ReceiveAsync(3, Long, CancellationToken.None);
        var rest = await queue.ReceiveAsync(32, Long, CancellationToken.None);

        Assert.Equal(3, first.Count);
        Assert.Equal(sent, first.Concat(rest).Select(m => m.Text).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Text_comes_back_exactly_as_sent()
    {
        var queue = await NewQueueAsync();
        const string text = "{\"key\":\"a+b/c==\\n\",\"name\":\"Grüße 🚀 <x> & 'y'\"}\r\n\ttrailing ";
        await queue.SendAsync(text, TimeSpan.Zero, CancellationToken.None);

        Assert.Equal(text, Assert.Single(await queue.PeekAsync(1, CancellationToken.None)).Text);
        Assert.Equal(text, Assert.Single(await queue.ReceiveAsync(1, Long, CancellationToken.None)).Text);
    }

    [Fact]
    public void The_poison_queue_of_a_queue_is_named_as_the_Functions_host_names_it()
    {
        Assert.Equal("restore-poison", Queues.GetPoison("restore").Name);
        Assert.Equal("restore-poison", IMessageQueues.PoisonName("restore"));
    }
}
