using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Azure.Storage.Queues;
using ObjectStore.Background.Notifications;
using ObjectStore.IntegrationTests.Infrastructure;
using ObjectStore.Testing;

namespace ObjectStore.IntegrationTests.Notifications;

/// <summary>
/// Every kind of object change reaches a real webhook (Kestrel) and a real Azure Storage queue
/// (read with Azure.Storage.Queues on Azurite) in the S3 event format, filtered by prefix and suffix.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class EventDeliveryTests(LocalHostFixture fixture)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private static PutBucketNotificationRequest Configuration(string bucket) => new()
    {
        BucketName = bucket,
        TopicConfigurations =
        [
            new TopicConfiguration
            {
                Id = "parquet-uploads",
                Topic = NotificationHosts.WebhookArn,
                Events = [EventType.ObjectCreatedAll, EventType.ObjectRemovedAll],
                Filter = new Filter { S3KeyFilter = new S3KeyFilter { FilterRules = [new FilterRule("prefix", "uploads/"), new FilterRule("suffix", ".parquet")] } },
            },
        ],
        QueueConfigurations =
        [
            new QueueConfiguration
            {
                Id = "logs",
                Queue = NotificationHosts.QueueArn,
                Events = [EventType.ObjectCreatedPut],
                Filter = new Filter { S3KeyFilter = new S3KeyFilter { FilterRules = [new FilterRule("prefix", "logs/")] } },
            },
        ],
    };

    [Fact]
    public async Task Create_copy_multipart_delete_and_delete_marker_events_arrive_with_name_key_size_etag_and_version()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var destinationQueue = NotificationHosts.UniqueQueue();
        await using var host = await NotificationHosts.StartAsync(fixture, NotificationHosts.Settings(receiver, destinationQueue));
        using var s3 = host.CreateS3Client();
        var bucket = UniqueNames.Bucket("events");
        await s3.PutBucketAsync(bucket);
        await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } });
        await s3.PutBucketNotificationAsync(Configuration(bucket));

        // The configuration is stored as sent, and its put sent an s3:TestEvent to the webhook.
        var stored = await s3.GetBucketNotificationAsync(bucket);
        Assert.Equal("parquet-uploads", Assert.Single(stored.TopicConfigurations).Id);
        Assert.Equal(NotificationHosts.QueueArn, Assert.Single(stored.QueueConfigurations).Queue);
        await WaitUntilAsync(() => receiver.Requests.Any(r => r.IsTestEvent));

        var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "uploads/day 1/a.parquet", ContentBody = "parquet-bytes" });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "uploads/b.csv", ContentBody = "filtered by suffix" });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "other/c.parquet", ContentBody = "filtered by prefix" });
        var copy = await s3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = "uploads/day 1/a.parquet", DestinationBucket = bucket, DestinationKey = "uploads/copy.parquet" });
        var multipart = await MultipartAsync(s3, bucket, "uploads/mp.parquet");
        var marker = await s3.DeleteObjectAsync(bucket, "uploads/day 1/a.parquet");
        var removed = await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "uploads/copy.parquet", VersionId = copy.VersionId });
        var log = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "logs/run.json", ContentBody = "{\"loss\":0.1}" });

        var events = await receiver.WaitForAsync(d => d.Select(x => x.EventId).Distinct().Count() >= 5, Wait);
        var byName = events.GroupBy(e => e.EventId).Select(g => g.First()).ToDictionary(e => (e.EventName, e.Key));
        Assert.Equal(5, byName.Count);

        var created = byName[("ObjectCreated:Put", "uploads/day 1/a.parquet")];
        Assert.Equal(13, created.Object.GetProperty("size").GetInt64());
        Assert.Equal(put.ETag.Trim('"'), created.Object.GetProperty("eTag").GetString());
        Assert.Equal(put.VersionId, created.Object.GetProperty("versionId").GetString());
        Assert.Equal("uploads/day+1/a.parquet", created.Object.GetProperty("key").GetString());
        Assert.Equal("2.1", created.Record.GetProperty("eventVersion").GetString());
        Assert.Equal("parquet-uploads", created.Record.GetProperty("s3").GetProperty("configurationId").GetString());
        Assert.Equal(bucket, created.Record.GetProperty("s3").GetProperty("bucket").GetProperty("name").GetString());
        Assert.Equal("arn:aws:s3:::" + bucket, created.Record.GetProperty("s3").GetProperty("bucket").GetProperty("arn").GetString());
        Assert.Equal("127.0.0.1", created.Record.GetProperty("requestParameters").GetProperty("sourceIPAddress").GetString());
        Assert.Equal(LocalHostInstance.AccessKey, created.Record.GetProperty("userIdentity").GetProperty("principalId").GetString());
        Assert.Equal(created.EventId, created.Record.GetProperty("eventId").GetString());

        var copied = byName[("ObjectCreated:Copy", "uploads/copy.parquet")];
        Assert.Equal(13, copied.Object.GetProperty("size").GetInt64());
        Assert.Equal(copy.ETag.Trim('"'), copied.Object.GetProperty("eTag").GetString());
        Assert.Equal(copy.VersionId, copied.Object.GetProperty("versionId").GetString());

        var completed = byName[("ObjectCreated:CompleteMultipartUpload", "uploads/mp.parquet")];
        Assert.Equal(multipart.Size, completed.Object.GetProperty("size").GetInt64());
        Assert.Equal(multipart.ETag.Trim('"'), completed.Object.GetProperty("eTag").GetString());
        Assert.Equal(multipart.VersionId, completed.Object.GetProperty("versionId").GetString());

        var markerEvent = byName[("ObjectRemoved:DeleteMarkerCreated", "uploads/day 1/a.parquet")];
        Assert.Equal(marker.VersionId, markerEvent.Object.GetProperty("versionId").GetString());
        Assert.False(markerEvent.Object.TryGetProperty("size", out _));

        var removedEvent = byName[("ObjectRemoved:Delete", "uploads/copy.parquet")];
        Assert.Equal(removed.VersionId, removedEvent.Object.GetProperty("versionId").GetString());

        // Per key, the sequencer orders the events: the put of a.parquet before its delete marker.
        Assert.True(string.CompareOrdinal(created.Object.GetProperty("sequencer").GetString(), markerEvent.Object.GetProperty("sequencer").GetString()) < 0);

        // Every request is signed with the destination's secret over the exact body.
        Assert.All(receiver.Requests, r => Assert.Equal(WebhookDestination.Sign(NotificationHosts.Secret, Encoding.UTF8.GetBytes(r.Body)), r.Signature));

        // The queue destination got the test event and only the logs/ put.
        var queue = new QueueClient(fixture.StorageConnectionString, destinationQueue);
        var bodies = await ReceiveAsync(queue, 2);
        Assert.Contains(bodies, b => b.Contains("s3:TestEvent", StringComparison.Ordinal));
        using var logEvent = JsonDocument.Parse(Assert.Single(bodies, b => b.Contains("Records", StringComparison.Ordinal)));
        var record = logEvent.RootElement.GetProperty("Records")[0];
        Assert.Equal("ObjectCreated:Put", record.GetProperty("eventName").GetString());
        Assert.Equal("logs/run.json", record.GetProperty("s3").GetProperty("object").GetProperty("key").GetString());
        Assert.Equal(log.ETag.Trim('"'), record.GetProperty("s3").GetProperty("object").GetProperty("eTag").GetString());
        Assert.Equal(12, record.GetProperty("s3").GetProperty("object").GetProperty("size").GetInt64());
        Assert.Equal("logs", record.GetProperty("s3").GetProperty("configurationId").GetString());
    }

    [Fact]
    public async Task Unknown_destinations_and_overlapping_rules_are_refused_with_InvalidArgument()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var host = await NotificationHosts.StartAsync(fixture, NotificationHosts.Settings(receiver));
        using var s3 = host.CreateS3Client(configure: c => c.MaxErrorRetry = 0);
        var bucket = UniqueNames.Bucket("events");
        await s3.PutBucketAsync(bucket);

        var unknown = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutBucketNotificationAsync(new PutBucketNotificationRequest
        {
            BucketName = bucket,
            QueueConfigurations = [new QueueConfiguration { Queue = "arn:aws:sqs:us-east-1:123456789012:internal", Events = [EventType.ObjectCreatedAll] }],
        }));
        var overlap = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutBucketNotificationAsync(new PutBucketNotificationRequest
        {
            BucketName = bucket,
            TopicConfigurations =
            [
                new TopicConfiguration { Id = "a", Topic = NotificationHosts.WebhookArn, Events = [EventType.ObjectCreatedAll] },
                new TopicConfiguration { Id = "b", Topic = NotificationHosts.WebhookArn, Events = [EventType.ObjectCreatedPut] },
            ],
        }));

        Assert.Equal(("InvalidArgument", 400), (unknown.ErrorCode, (int)unknown.StatusCode));
        Assert.Equal("Unable to validate the following destination configurations", unknown.Message);
        Assert.Equal(("InvalidArgument", 400), (overlap.ErrorCode, (int)overlap.StatusCode));
        Assert.Empty((await s3.GetBucketNotificationAsync(bucket)).TopicConfigurations ?? []);
        Assert.Empty(receiver.Requests);

        // What bucket configurations may name is what the operator defined, listed without secrets.
        var listed = (await AdminCli.RunJsonAsync(host, "events", "destinations")).GetProperty("destinations");
        var hook = Assert.Single(listed.EnumerateArray());
        Assert.Equal(NotificationHosts.WebhookArn, hook.GetProperty("arn").GetString());
        Assert.Equal("webhook", hook.GetProperty("kind").GetString());
        Assert.Equal(receiver.Url.ToString(), hook.GetProperty("target").GetString());
        Assert.True(hook.GetProperty("signed").GetBoolean());
        Assert.DoesNotContain(NotificationHosts.Secret, listed.GetRawText(), StringComparison.Ordinal);
    }

    private static async Task<(long Size, string ETag, string VersionId)> MultipartAsync(IAmazonS3 s3, string bucket, string key)
    {
        var upload = await s3.InitiateMultipartUploadAsync(bucket, key);
        var first = RandomNumberGenerator.GetBytes(5 * 1024 * 1024);
        var second = RandomNumberGenerator.GetBytes(1000);
        var p1 = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = key, UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream(first) });
        var p2 = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = key, UploadId = upload.UploadId, PartNumber = 2, InputStream = new MemoryStream(second) });
        var done = await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket,
            Key = key,
            UploadId = upload.UploadId,
            PartETags = [new PartETag(1, p1.ETag), new PartETag(2, p2.ETag)],
        });
        return (first.Length + second.Length, done.ETag, done.VersionId);
    }

    private static async Task<List<string>> ReceiveAsync(QueueClient queue, int count)
    {
        var bodies = new List<string>();
        var deadline = DateTime.UtcNow + Wait;
        while (bodies.Count < count && DateTime.UtcNow < deadline)
        {
            if (await queue.ExistsAsync())
            {
                foreach (var m in (await queue.ReceiveMessagesAsync(32)).Value)
                {
                    bodies.Add(m.Body.ToString());
                    await queue.DeleteMessageAsync(m.MessageId, m.PopReceipt);
                }
            }
            await Task.Delay(100);
        }
        Assert.True(bodies.Count >= count, $"The queue destination received {bodies.Count} of {count} messages: {string.Join(" | ", bodies)}");
        return bodies;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out.");
            await Task.Delay(50);
        }
    }
}
