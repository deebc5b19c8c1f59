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

        // Background work is off in lifecycle hosts: the events stay on the host's events queue.
        var queue = new QueueClient(fixture.StorageConnectionString, lc.Host.EventsQueue, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var records = new List<(string Name, string Key)>();
        foreach (var message in (await queue.PeekMessagesAsync(32)).Value)
        {
            var envelope = EventMessage.TryParse(message.Body.ToString());
            Assert.NotNull(envelope);
            if (envelope.EventName == EventNames.TestEvent)
                continue; // sent when the configuration was stored
            using var json = JsonDocument.Parse(envelope.Body);
            foreach (var record in json.RootElement.GetProperty("Records").EnumerateArray())
                records.Add((record.GetProperty("eventName").GetString()!, record.GetProperty("s3").GetProperty("object").GetProperty("key").GetString()!));
        }
        Assert.Contains(("LifecycleExpiration:Delete", "tmp/scratch.bin"), records);
        Assert.Contains(("LifecycleTransition", "ckpt/step-100.pt"), records);
        Assert.DoesNotContain(records, r => r.Key.StartsWith("keep", StringComparison.Ordinal));
        Assert.Equal(2, records.Count);
    }
}
