using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.DependencyInjection;
using ObjectStore.Background.Notifications;
using ObjectStore.Index;
using ObjectStore.IntegrationTests.Infrastructure;
using ObjectStore.Testing;

namespace ObjectStore.IntegrationTests.Notifications;

/// <summary>
/// At-least-once delivery under faults: a webhook that refuses or hangs for a while, one that never
/// recovers (poison queue, then replay), and a host that dies between the commit and the enqueue.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class DeliveryFaultTests(LocalHostFixture fixture)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private static PutBucketNotificationRequest AllCreatedToWebhook(string bucket) => new()
    {
        BucketName = bucket,
        TopicConfigurations = [new TopicConfiguration { Id = "all", Topic = NotificationHosts.WebhookArn, Events = [EventType.ObjectCreatedAll] }],
    };

    [Fact]
    public async Task A_webhook_that_refuses_and_times_out_for_a_while_then_recovers_receives_every_event_as_sent()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var host = await NotificationHosts.StartAsync(fixture, NotificationHosts.Settings(receiver, backoffBaseSeconds: 0.5, backoffMaxSeconds: 2));
        using var s3 = host.CreateS3Client();
        var bucket = UniqueNames.Bucket("outage");
        await s3.PutBucketAsync(bucket);
        await s3.PutBucketNotificationAsync(AllCreatedToWebhook(bucket));

        // Down for 6 seconds: 503s, and every third request hangs past the 2 s webhook timeout.
        var recovered = DateTimeOffset.UtcNow.AddSeconds(6);
        var calls = 0;
        receiver.Respond = () =>
        {
            if (DateTimeOffset.UtcNow >= recovered) return 200;
            if (Interlocked.Increment(ref calls) % 3 == 0) Thread.Sleep(2500);
            return 503;
        };
        var keys = Enumerable.Range(0, 20).Select(i => $"shard-{i:D3}.bin").ToList();
        var etags = new Dictionary<string, string>();
        foreach (var key in keys)
            etags[key] = (await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = "data of " + key })).ETag.Trim('"');

        var delivered = await receiver.WaitForAsync(d => keys.All(k => d.Any(x => x.Key == k)), Wait);

        Assert.Contains(receiver.Requests, r => !r.Accepted && !r.IsTestEvent);
        Assert.Equal(keys.ToHashSet(), delivered.Select(d => d.Key).ToHashSet());
        Assert.All(delivered, d => Assert.Equal(etags[d.Key], d.Object.GetProperty("eTag").GetString()));
        // Retries send the very same document: every request of one event id carries identical bytes.
        Assert.All(receiver.Requests.Where(r => !r.IsTestEvent).GroupBy(r => r.EventId), g => Assert.Single(g.Select(r => r.Body).Distinct()));
        Assert.Contains(delivered, d => d.Attempt > 1);
    }

    [Fact]
    public async Task A_permanently_failing_webhook_ends_in_the_poison_queue_and_is_replayed_once_fixed()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var host = await NotificationHosts.StartAsync(fixture, NotificationHosts.Settings(receiver, maxAttempts: 3, backoffBaseSeconds: 0.2, backoffMaxSeconds: 0.5));
        using var s3 = host.CreateS3Client();
        var bucket = UniqueNames.Bucket("poison");
        await s3.PutBucketAsync(bucket);
        await s3.PutBucketNotificationAsync(AllCreatedToWebhook(bucket));
        receiver.Respond = () => 500;

        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "model.ckpt", ContentBody = "weights" });

        // The operator sees it with the admin command line, and replays it once the webhook is fixed.
        var poisoned = await PollAsync(async () => (await AdminCli.RunJsonAsync(host, "events", "poisoned")).GetProperty("events").EnumerateArray()
            .Where(p => p.TryGetProperty("key", out var k) && k.GetString() == "model.ckpt").ToList(), l => l.Count > 0);
        var entry = Assert.Single(poisoned);
        var eventId = entry.GetProperty("eventId").GetString()!;
        Assert.Equal(3, entry.GetProperty("attempts").GetInt32());
        Assert.Equal(NotificationHosts.WebhookArn, entry.GetProperty("destination").GetString());
        Assert.Contains("500", entry.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Equal(3, receiver.Requests.Count(r => !r.IsTestEvent));

        receiver.Respond = () => 200;
        var replay = await AdminCli.RunJsonAsync(host, "events", "replay", "--event-id", eventId);
        Assert.Equal(1, replay.GetProperty("replayed").GetInt32());

        var delivered = await receiver.WaitForAsync(d => d.Any(x => x.Key == "model.ckpt"), Wait);
        Assert.Equal(eventId, Assert.Single(delivered).EventId);
        Assert.DoesNotContain(await host.Services.GetRequiredService<PoisonQueue>().ListAsync(CancellationToken.None), p => p.EventId == eventId);
    }

    [Fact]
    public async Task An_event_left_in_the_outbox_by_a_host_that_died_after_the_commit_is_delivered_after_restart()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var settings = NotificationHosts.Settings(receiver);
        // The first host commits but never enqueues: no fast path and no background work, then it is
        // torn down, which is the state a crash between commit and enqueue leaves.
        var crashing = new Dictionary<string, string?>(settings) { ["ObjectStore:Notifications:FastPath"] = "false" };
        var first = await NotificationHosts.StartAsync(fixture, crashing, new LocalHostOptions { Background = false });
        string bucket, etag;
        using (var s3 = first.CreateS3Client())
        {
            bucket = UniqueNames.Bucket("crash");
            await s3.PutBucketAsync(bucket);
            await s3.PutBucketNotificationAsync(AllCreatedToWebhook(bucket));
            etag = (await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "uploads/data.parquet", ContentBody = "rows" })).ETag.Trim('"');
        }
        var pending = await first.Services.GetRequiredService<IObjectIndex>().ListOutboxAsync(bucket, DateTimeOffset.UtcNow.AddDays(1), DateTimeOffset.UtcNow, 10, CancellationToken.None);
        Assert.Equal("uploads/data.parquet", Assert.Single(pending).Key);
        await first.DisposeAsync();

        // The restarted host's sweep finds the row and delivers it.
        var restarted = new Dictionary<string, string?>(settings)
        {
            ["OBJECTSTORE_OUTBOX_SWEEP_SCHEDULE"] = "* * * * * *",
            ["ObjectStore:Notifications:SweepMinAgeSeconds"] = "0",
        };
        await using var second = await NotificationHosts.StartAsync(fixture, restarted, LocalHostOptions.SharingStateWith(first));

        IReadOnlyList<WebhookDelivery> delivered;
        try
        {
            delivered = await receiver.WaitForAsync(d => d.Any(x => x.Key == "uploads/data.parquet"), Wait);
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException(ex.Message + "\nHost log:\n" + second.Log.Dump(), ex);
        }
        var e = Assert.Single(delivered);
        Assert.Equal(pending[0].EventId, e.EventId);
        Assert.Equal(etag, e.Object.GetProperty("eTag").GetString());
        Assert.Empty(await second.Services.GetRequiredService<IObjectIndex>().ListOutboxAsync(bucket, DateTimeOffset.UtcNow.AddDays(1), DateTimeOffset.UtcNow, 10, CancellationToken.None));
    }

    private static async Task<T> PollAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            var value = await read();
            if (done(value))
                return value;
            Assert.True(DateTime.UtcNow < deadline, "Timed out.");
            await Task.Delay(100);
        }
    }
}
