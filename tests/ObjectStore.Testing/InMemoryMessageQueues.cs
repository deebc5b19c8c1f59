using System.Collections.Concurrent;
using ObjectStore.Queues;

namespace ObjectStore.Testing;

/// <summary>
/// The queues of an in-memory account, for unit tests of background work (dispatch, pump, poison,
/// heal and restore queues) without Azurite. Time comes from the given <see cref="TimeProvider"/>,
/// so a test moves a fake clock past a visibility delay instead of sleeping. It keeps the Azure
/// queue's promises that <c>MessageQueueContractTests</c> checks against both (a queue must be
/// created first, receipts go stale on each receive and update, dequeue counts grow per receive).
/// Not for the local host: the store's queues are the durable hand-off between instances and apps,
/// and must survive a crash.
/// </summary>
public sealed class InMemoryMessageQueues(TimeProvider time) : IMessageQueues
{
    private readonly ConcurrentDictionary<string, InMemoryMessageQueue> _queues = new(StringComparer.Ordinal);

    public InMemoryMessageQueues() : this(TimeProvider.System)
    {
    }

    public IMessageQueue Get(string name) => Queue(name);

    /// <summary>The queue named <paramref name="name"/>, with its test-only views.</summary>
    public InMemoryMessageQueue Queue(string name) => _queues.GetOrAdd(name, n => new InMemoryMessageQueue(n, time));
}

/// <summary>One in-memory queue; see <see cref="InMemoryMessageQueues"/>.</summary>
public sealed class InMemoryMessageQueue : IMessageQueue
{
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly List<Entry> _messages = [];
    private bool _created;
    private long _nextId;

    internal InMemoryMessageQueue(string name, TimeProvider time)
    {
        Name = name;
        _time = time;
    }

    public string Name { get; }

    public bool Exists
    {
        get { lock (_lock) return _created; }
    }

    /// <summary>Every message, visible or not, in send order (for assertions).</summary>
    public IReadOnlyList<StoredMessage> Messages
    {
        get
        {
            lock (_lock)
                return _messages.Select(e => new StoredMessage(e.Id, e.Text, e.DequeueCount, e.VisibleAt)).ToArray();
        }
    }

    public Task CreateIfNotExistsAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
            _created = true;
        return Task.CompletedTask;
    }

    public Task SendAsync(string text, TimeSpan visibilityDelay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(visibilityDelay, TimeSpan.Zero);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            EnsureExists();
            var now = _time.GetUtcNow();
            _messages.Add(new Entry((++_nextId).ToString("D8", System.Globalization.CultureInfo.InvariantCulture), text, now) { VisibleAt = now + visibilityDelay });
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ReceivedMessage>> ReceiveAsync(int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxMessages, 32);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            EnsureExists();
            var now = _time.GetUtcNow();
            var received = new List<ReceivedMessage>();
            foreach (var e in _messages.Where(e => e.VisibleAt <= now).Take(maxMessages))
            {
                e.DequeueCount++;
                e.PopReceipt = Guid.NewGuid().ToString("N");
                e.VisibleAt = now + visibilityTimeout;
                received.Add(new ReceivedMessage(e.Id, e.PopReceipt, e.Text, e.DequeueCount, e.InsertedOn));
            }
            return Task.FromResult<IReadOnlyList<ReceivedMessage>>(received);
        }
    }

    public Task<IReadOnlyList<PeekedMessage>> PeekAsync(int maxMessages, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxMessages, 32);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            EnsureExists();
            var now = _time.GetUtcNow();
            return Task.FromResult<IReadOnlyList<PeekedMessage>>(_messages.Where(e => e.VisibleAt <= now).Take(maxMessages)
                .Select(e => new PeekedMessage(e.Id, e.Text, e.DequeueCount, e.InsertedOn)).ToArray());
        }
    }

    public Task DeleteAsync(ReceivedMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
            _messages.Remove(Find(message));
        return Task.CompletedTask;
    }

    public Task<ReceivedMessage> UpdateVisibilityAsync(ReceivedMessage message, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentOutOfRangeException.ThrowIfLessThan(visibilityTimeout, TimeSpan.Zero);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            var e = Find(message);
            e.PopReceipt = Guid.NewGuid().ToString("N");
            e.VisibleAt = _time.GetUtcNow() + visibilityTimeout;
            return Task.FromResult(message with { PopReceipt = e.PopReceipt });
        }
    }

    private Entry Find(ReceivedMessage message)
    {
        EnsureExists();
        return _messages.Find(e => e.Id == message.MessageId && e.PopReceipt == message.PopReceipt)
            ?? throw new MessageNotFoundException(Name, message.MessageId);
    }

    private void EnsureExists()
    {
        if (!_created)
            throw new MessageQueueNotFoundException(Name);
    }

    private sealed class Entry(string id, string text, DateTimeOffset insertedOn)
    {
        public string Id { get; } = id;
        public string Text { get; } = text;
        public DateTimeOffset InsertedOn { get; } = insertedOn;
        public DateTimeOffset VisibleAt { get; set; }
        public long DequeueCount { get; set; }
        public string? PopReceipt { get; set; }
    }
}

/// <summary>A message as an in-memory queue holds it, visible or not.</summary>
public sealed record StoredMessage(string MessageId, string Text, long DequeueCount, DateTimeOffset VisibleAt);
