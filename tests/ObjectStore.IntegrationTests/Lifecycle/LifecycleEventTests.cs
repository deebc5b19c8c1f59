using System.Text.Json;
using Amazon.S3.Model;
using Azure.Storage.Queues;
using ObjectStore.Background.Notifications;
using ObjectStore.Index.Events;
using ObjectStore.IntegrationTests.Infrastructure;
using ObjectStore.IntegrationTests.Notifications;

namespace ObjectStore.IntegrationTests.Lifecycle;

/// <summary>Lifecycle expirations and transitions record S3 events in the same index write, and they reach the events queue.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class LifecycleEventTests(LocalHostFixture fixture)
{
    [Fact]
    public async Task Expiration_and_transition_by_a_pass_put_LifecycleExpiration_and_LifecycleTransition_events_on_the_queue()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var lc = await LifecycleHost.StartAsync(fixture, settings: NotificationHosts.Settings(receiver));
        var bucket = await lc.CreateBucketAsync("lc-events", versioned: false,
            "<LifecycleConfiguration>" +
            "<Rule><ID>tmp</ID><Filter><Prefix>tmp/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>" +
            "<Rule><ID>ckpt</ID><Filter><Prefix>ckpt/</Prefix></Filter><Status>Enabled</Status><Transition><Days>1</Days><StorageClass>STANDARD_IA</StorageClass></Transition></Rule>" +
            "</LifecycleConfiguration>");
        await lc.S3.PutBucketNotificationAsync(new PutBucketNotificationRequest
        {
            BucketName = bucket,
            TopicConfigurations =
            [
                new TopicConfiguration
                {
                    Id = "lifecycle",
                    Topic = NotificationHosts.WebhookArn,
                    Events = [new Amazon.S3.EventType("s3:LifecycleExpiration:*"), new Amazon.S3.EventType("s3:LifecycleTransition")],
                },
            ],
        });
        await lc.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "tmp/scratch.bin", ContentBody = "scratch" });
        await lc.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "ckpt/step-100.pt", ContentBody = "weights" });
        await lc.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "keep/readme.txt", ContentBody = "kept" });

        lc.AdvanceDays(2);
        await lc.RunPassAsync();

        var records = (await QueuedRecordsAsync(lc)).Select(r => (r.Name, r.Key)).ToList();
        Assert.Contains(("LifecycleExpiration:Delete", "tmp/scratch.bin"), records);
        Assert.Contains(("LifecycleTransition", "ckpt/step-100.pt"), records);
        Assert.DoesNotContain(records, r => r.Key.StartsWith("keep", StringComparison.Ordinal));
        Assert.Equal(2, records.Count);
    }

    [Fact]
    public async Task Restore_records_ObjectRestore_Post_its_copy_Completed_with_the_expiry_and_the_pass_ending_it_ObjectRestore_Delete()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var lc = await LifecycleHost.StartAsync(fixture, settings: NotificationHosts.Settings(receiver));
        var bucket = await lc.CreateBucketAsync("lc-restore-events", versioned: false,
            "<LifecycleConfiguration><Rule><ID>archive</ID><Filter><Prefix>raw/</Prefix></Filter><Status>Enabled</Status>" +
            "<Transition><Days>1</Days><StorageClass>GLACIER</StorageClass></Transition></Rule></LifecycleConfiguration>");
        await lc.S3.PutBucketNotificationAsync(new PutBucketNotificationRequest
        {
            BucketName = bucket,
            TopicConfigurations =
            [
                new TopicConfiguration { Id = "restores", Topic = NotificationHosts.WebhookArn, Events = [new Amazon.S3.EventType("s3:ObjectRestore:*")] },
            ],
        });
        await lc.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "raw/capture.bin", ContentBody = "capture" });
        lc.AdvanceDays(1.1);
        await lc.RunPassAsync();
        Assert.Empty(await QueuedRecordsAsync(lc)); // the transition is not a restore event

        using (var restore = await lc.SendAsync(HttpMethod.Post, $"/{bucket}/raw/capture.bin?restore", "<RestoreRequest><Days>2</Days></RestoreRequest>"))
            Assert.Equal(System.Net.HttpStatusCode.Accepted, restore.StatusCode);
        Assert.Equal(["ObjectRestore:Post"], (await QueuedRecordsAsync(lc)).Select(r => r.Name));
        Assert.Equal(1, await lc.RunRestoresAsync());
        var expiry = (await lc.S3.GetObjectMetadataAsync(bucket, "raw/capture.bin")).RestoreExpiration!.Value.ToUniversalTime();
        var restored = await QueuedRecordsAsync(lc);
        Assert.Equal(["ObjectRestore:Post", "ObjectRestore:Completed"], restored.Select(r => r.Name));
        Assert.All(restored, r => Assert.Equal("raw/capture.bin", r.Key));
        var glacier = restored[1].Record.GetProperty("glacierEventData").GetProperty("restoreEventData");
        Assert.Equal(expiry, glacier.GetProperty("lifecycleRestorationExpiryTime").GetDateTime().ToUniversalTime(), TimeSpan.FromSeconds(1));
        Assert.Equal("GLACIER", glacier.GetProperty("lifecycleRestoreStorageClass").GetString());
        Assert.False(restored[0].Record.TryGetProperty("glacierEventData", out _));

        lc.AdvanceDays(2.1);
        Assert.Equal(1, (await lc.RunPassAsync()).Totals.RestoresEnded);
        Assert.Equal(["ObjectRestore:Post", "ObjectRestore:Completed", "ObjectRestore:Delete"], (await QueuedRecordsAsync(lc)).Select(r => r.Name));
    }

    /// <summary>The event records waiting on the host's events queue (background work is off in lifecycle hosts), oldest first, test events left out.</summary>
    private async Task<List<(string Name, string Key, JsonElement Record)>> QueuedRecordsAsync(LifecycleHost lc)
    {
        var queue = new QueueClient(fixture.StorageConnectionString, lc.Host.EventsQueue, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var records = new List<(string, string, JsonElement)>();
        foreach (var message in (await queue.PeekMessagesAsync(32)).Value)
        {
            var envelope = EventMessage.TryParse(message.Body.ToString());
            Assert.NotNull(envelope);
            if (envelope.EventName == EventNames.TestEvent)
                continue; // sent when the configuration was stored
            using var json = JsonDocument.Parse(envelope.Body);
            foreach (var record in json.RootElement.GetProperty("Records").EnumerateArray())
                records.Add((record.GetProperty("eventName").GetString()!, record.GetProperty("s3").GetProperty("object").GetProperty("key").GetString()!, record.Clone()));
        }
        return records;
    }
}
