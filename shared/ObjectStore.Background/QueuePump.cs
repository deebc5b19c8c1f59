using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ObjectStore.Queues;

namespace ObjectStore.Background;

/// <summary>
/// The local host's stand-in for a function's queue trigger (Notify's events queue, the Lifecycle
/// app's restore queue): polls <paramref name="queueName"/>, hands each message to
/// <paramref name="handle"/> with its dequeue count, deletes it once handled, and when the handler
/// throws, after <see cref="BackgroundSchedules.MaxDequeueCount"/> attempts moves it to
/// "&lt;queue&gt;-poison", as the Functions host does.
/// </summary>
public sealed partial class QueuePump(
    string queueName,
    Func<string, long, CancellationToken, Task> handle,
    IMessageQueues queues,
    TimeProvider time,
    ILogger<QueuePump> logger) : BackgroundService
{
    private static readonly TimeSpan VisibilityTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxIdleDelay = TimeSpan.FromSeconds(2);

    private readonly IMessageQueue _queue = queues.Get(queueName);
    private readonly IMessageQueue _poison = queues.GetPoison(queueName);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await _queue.CreateIfNotExistsAsync(stoppingToken).ConfigureAwait(false);
        await _poison.CreateIfNotExistsAsync(stoppingToken).ConfigureAwait(false);

        var idleDelay = TimeSpan.FromMilliseconds(50);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var handled = await PumpOnceAsync(stoppingToken).ConfigureAwait(false);
                idleDelay = handled > 0 ? TimeSpan.FromMilliseconds(50) : TimeSpan.FromTicks(Math.Min(idleDelay.Ticks * 2, MaxIdleDelay.Ticks));
                if (handled == 0)
                    await Task.Delay(idleDelay, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogPollFailed(e, queueName);
                await Task.Delay(MaxIdleDelay, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Receives one batch and handles its messages concurrently; returns how many messages it saw.</summary>
    public async Task<int> PumpOnceAsync(CancellationToken cancellationToken)
    {
        var messages = await _queue.ReceiveAsync(16, VisibilityTimeout, cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(messages.Select(m => HandleAsync(m, cancellationToken))).ConfigureAwait(false);
        return messages.Count;
    }

    private async Task HandleAsync(ReceivedMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await handle(message.Text, message.DequeueCount, cancellationToken).ConfigureAwait(false);
            await _queue.DeleteAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogHandlingFailed(e, queueName, message.MessageId, message.DequeueCount);
            try
            {
                if (message.DequeueCount >= BackgroundSchedules.MaxDequeueCount)
                {
                    await _poison.SendAsync(message.Text, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
                    await _queue.DeleteAsync(message, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    // Make it visible again soon rather than after the full visibility timeout.
                    await _queue.UpdateVisibilityAsync(message, RetryDelay, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception inner) when (inner is not OperationCanceledException)
            {
                LogHandlingFailed(inner, queueName, message.MessageId, message.DequeueCount); // it reappears after the visibility timeout
            }
        }
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "Handling message {MessageId} of queue {Queue} failed (attempt {DequeueCount})")]
    private partial void LogHandlingFailed(Exception e, string queue, string messageId, long dequeueCount);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Error, Message = "Polling queue {Queue} failed")]
    private partial void LogPollFailed(Exception e, string queue);
}
