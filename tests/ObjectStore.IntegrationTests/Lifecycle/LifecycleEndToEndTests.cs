using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.DependencyInjection;
using ObjectStore.IntegrationTests.Infrastructure;
using ObjectStore.Storage;

namespace ObjectStore.IntegrationTests.Lifecycle;

/// <summary>
/// Lifecycle rules through the local host with real clients, a rule day of ten seconds and a fake
/// clock: expiration by Days and Date, noncurrent versions, delete markers, stale uploads, a
/// transition that re-encodes the shards, and the archive class's restore cycle.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class LifecycleEndToEndTests(LocalHostFixture fixture)
{
    private static byte[] Payload(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static string Rules(params string[] rules) => "<LifecycleConfiguration>" + string.Concat(rules) + "</LifecycleConfiguration>";

    private static string Rule(string id, string prefix, string actions) =>
        $"<Rule><ID>{id}</ID><Filter><Prefix>{prefix}</Prefix></Filter><Status>Enabled</Status>{actions}</Rule>";

    private static async Task<AmazonS3Exception> RefusedAsync(Func<Task> call) => await Assert.ThrowsAnyAsync<AmazonS3Exception>(call);

    [Fact]
    public async Task Objects_expire_by_Days_and_by_Date_and_their_shards_leave_the_disk()
    {
        await using var lc = await LifecycleHost.StartAsync(fixture);
        var yesterday = DateTimeOffset.UtcNow.UtcDateTime.Date.AddDays(-1).ToString("yyyy-MM-ddT00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var future = DateTimeOffset.UtcNow.UtcDateTime.Date.AddYears(2).ToString("yyyy-MM-ddT00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var bucket = await lc.CreateBucketAsync("lc-expire", versioned: false, Rules(
            Rule("two-days", "days/", "<Expiration><Days>2</Days></Expiration>"),
            Rule("past-date", "dated/", $"<Expiration><Date>{yesterday}</Date></Expiration>"),
            Rule("future-date", "later/", $"<Expiration><Date>{future}</Date></Expiration>")));

        var put = await lc.PutAsync(bucket, "days/a", Payload(5000, 1));
        await lc.PutAsync(bucket, "dated/b", Payload(5000, 2));
        await lc.PutAsync(bucket, "later/c", Payload(5000, 3));
        await lc.PutAsync(bucket, "other/d", Payload(5000, 4));
        var expected = lc.Clock.GetUtcNow() + 2 * LifecycleHost.Day;
        Assert.Equal("two-days", put.Expiration.RuleId);
        Assert.Equal(expected.UtcDateTime, put.Expiration.ExpiryDate.ToUniversalTime(), TimeSpan.FromSeconds(1));
        var head = await lc.S3.GetObjectMetadataAsync(bucket, "days/a");
        Assert.Equal("two-days", head.Expiration.RuleId);
        Assert.Null((await lc.S3.GetObjectMetadataAsync(bucket, "other/d")).Expiration);
        var shards = lc.ShardFiles(DataLayout.Parse((await lc.RecordAsync(bucket, "days/a")).DataLayout));
        Assert.All(shards, path => Assert.True(File.Exists(path)));

        var first = await lc.RunPassAsync();
        Assert.True(first.Finished);
        Assert.Equal(1, first.Buckets.Single(b => b.Bucket == bucket).Counters.Expired);
        Assert.Equal(["days/a", "later/c", "other/d"], await KeysAsync(lc, bucket));

        lc.AdvanceDays(2);
        var second = await lc.RunPassAsync();
        Assert.Equal(1, second.Buckets.Single(b => b.Bucket == bucket).Counters.Expired);
        Assert.Equal(["later/c", "other/d"], await KeysAsync(lc, bucket));
        Assert.All(shards, path => Assert.True(File.Exists(path), path)); // pending deletion: a GET in flight finishes
        Assert.Equal(2L, await lc.CollectDeletedDataAsync());
        Assert.All(shards, path => Assert.False(File.Exists(path), path));
    }

    [Fact]
    public async Task Noncurrent_versions_expire_after_NoncurrentDays_while_NewerNoncurrentVersions_are_kept()
    {
        await using var lc = await LifecycleHost.StartAsync(fixture);
        var bucket = await lc.CreateBucketAsync("lc-noncurrent", versioned: true, Rules(
            Rule("noncurrent", "", "<NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays><NewerNoncurrentVersions>2</NewerNoncurrentVersions></NoncurrentVersionExpiration>")));
        var ids = new List<string>();
        for (var i = 1; i <= 5; i++)
        {
            ids.Add((await lc.PutAsync(bucket, "model.bin", Payload(1000 + i, i))).VersionId);
            lc.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        await lc.RunPassAsync();
        Assert.Equal(5, (await lc.VersionsAsync(bucket)).Count); // nothing has been noncurrent for a day yet

        lc.AdvanceDays(1);
        var result = await lc.RunPassAsync();
        Assert.Equal(2, result.Totals.NoncurrentExpired);
        var left = await lc.VersionsAsync(bucket);
        Assert.Equal([ids[4], ids[3], ids[2]], left.Select(v => v.VersionId));
        Assert.Equal(Payload(1003, 3), await lc.GetAsync(bucket, "model.bin", ids[2]));
        var gone = await RefusedAsync(() => lc.GetAsync(bucket, "model.bin", ids[0]));
        Assert.Equal("NoSuchVersion", gone.ErrorCode);
    }

    [Fact]
    public async Task Expired_delete_markers_are_removed_once_no_version_is_left_behind_them()
    {
        await using var lc = await LifecycleHost.StartAsync(fixture);
        var bucket = await lc.CreateBucketAsync("lc-markers", versioned: true, Rules(
            Rule("markers", "", "<Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration><NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays></NoncurrentVersionExpiration>")));
        await lc.PutAsync(bucket, "deleted", Payload(100, 1));
        await lc.S3.DeleteObjectAsync(bucket, "deleted");
        await lc.S3.DeleteObjectAsync(bucket, "never-existed"); // a lone delete marker
        await lc.PutAsync(bucket, "alive", Payload(100, 2));

        var first = await lc.RunPassAsync();
        Assert.Equal(1, first.Totals.DeleteMarkersRemoved);
        var versions = await lc.VersionsAsync(bucket);
        Assert.Equal([("alive", false), ("deleted", true), ("deleted", false)], versions.Select(v => (v.Key, v.IsDeleteMarker == true)));

        lc.AdvanceDays(1.5);
        var second = await lc.RunPassAsync();
        Assert.Equal((1, 1), (second.Totals.NoncurrentExpired, second.Totals.DeleteMarkersRemoved));
        Assert.Equal(["alive"], (await lc.VersionsAsync(bucket)).Select(v => v.Key));
    }

    [Fact]
    public async Task Incomplete_uploads_are_aborted_and_their_parts_shard_files_are_gone_from_disk()
    {
        await using var lc = await LifecycleHost.StartAsync(fixture);
        var bucket = await lc.CreateBucketAsync("lc-uploads", versioned: false, Rules(
            Rule("stale-uploads", "", "<AbortIncompleteMultipartUpload><DaysAfterInitiation>2</DaysAfterInitiation></AbortIncompleteMultipartUpload>")));
        var upload = await lc.S3.InitiateMultipartUploadAsync(bucket, "checkpoints/step-1000.pt");
        for (var part = 1; part <= 2; part++)
            await lc.S3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "checkpoints/step-1000.pt", UploadId = upload.UploadId, PartNumber = part, InputStream = new MemoryStream(Payload(300_000, part)) });
        var shardFiles = new List<string>();
        await foreach (var part in lc.Index.ListPartsAsync(bucket, upload.UploadId, 0, CancellationToken.None))
            shardFiles.AddRange(lc.ShardFiles(DataLayout.Parse(part.DataLayout)));
        Assert.Equal(12, shardFiles.Count);
        Assert.All(shardFiles, path => Assert.True(File.Exists(path)));

        lc.AdvanceDays(1);
        Assert.Equal(0, (await lc.RunPassAsync()).Totals.UploadsAborted);
        Assert.Single((await lc.S3.ListMultipartUploadsAsync(bucket)).MultipartUploads);

        lc.AdvanceDays(1.1);
        Assert.Equal(1, (await lc.RunPassAsync()).Totals.UploadsAborted);
        Assert.Empty((await lc.S3.ListMultipartUploadsAsync(bucket)).MultipartUploads ?? []);
        Assert.All(shardFiles, path => Assert.False(File.Exists(path), path));
        var refused = await RefusedAsync(() => lc.S3.ListPartsAsync(bucket, "checkpoints/step-1000.pt", upload.UploadId));
        Assert.Equal("NoSuchUpload", refused.ErrorCode);
    }

    [Fact]
    public async Task A_transition_to_STANDARD_IA_reencodes_the_shards_into_the_wider_profile_and_reads_back_identical()
    {
        await using var lc = await LifecycleHost.StartAsync(fixture);
        var bucket = await lc.CreateBucketAsync("lc-transition", versioned: false, Rules(
            Rule("to-ia", "datasets/", "<Transition><Days>1</Days><StorageClass>STANDARD_IA</StorageClass></Transition>")));
        var data = Payload(9 * 1024 * 1024 + 12345, 7);
        await lc.PutAsync(bucket, "datasets/shard-0001.tar", data);
        var before = DataLayout.Parse((await lc.RecordAsync(bucket, "datasets/shard-0001.tar")).DataLayout);
        Assert.Equal((4, 2), (before.DataShards, before.ParityShards));
        var oldFiles = lc.ShardFiles(before);
        Assert.All(oldFiles, path => Assert.True(File.Exists(path)));

        lc.AdvanceDays(1.1);
        var result = await lc.RunPassAsync();
        Assert.Equal(1, result.Totals.Transitioned);

        var record = await lc.RecordAsync(bucket, "datasets/shard-0001.tar");
        Assert.Equal("STANDARD_IA", record.StorageClass);
        var after = DataLayout.Parse(record.DataLayout);
        Assert.Equal((8, 4), (after.DataShards, after.ParityShards));
        var newFiles = lc.ShardFiles(after);
        Assert.Equal(12, newFiles.Count);
        Assert.All(newFiles, path => Assert.True(File.Exists(path)));
        Assert.All(oldFiles, path => Assert.True(File.Exists(path), path)); // pending deletion
        Assert.True(await lc.CollectDeletedDataAsync() >= 1);
        Assert.All(oldFiles, path => Assert.False(File.Exists(path), path));
        Assert.Equal(data, await lc.GetAsync(bucket, "datasets/shard-0001.tar"));
        var head = await lc.S3.GetObjectMetadataAsync(bucket, "datasets/shard-0001.tar");
        Assert.Equal(S3StorageClass.StandardInfrequentAccess, head.StorageClass);
        var listed = await lc.S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Equal(S3StorageClass.StandardInfrequentAccess, listed.S3Objects.Single().StorageClass);

        Assert.Equal(0, (await lc.RunPassAsync()).Totals.Transitioned); // already there
    }

    [Fact]
    public async Task A_GLACIER_object_is_refused_until_restored_then_readable_then_refused_after_the_restore_days()
    {
        await using var lc = await LifecycleHost.StartAsync(fixture);
        var bucket = await lc.CreateBucketAsync("lc-glacier", versioned: false, Rules(
            Rule("archive", "raw/", "<Transition><Days>1</Days><StorageClass>GLACIER</StorageClass></Transition>")));
        var data = Payload(2 * 1024 * 1024 + 3, 11);
        await lc.PutAsync(bucket, "raw/capture.bin", data);
        Assert.Equal(data, await lc.GetAsync(bucket, "raw/capture.bin"));
        lc.AdvanceDays(1.1);
        await lc.RunPassAsync();
        Assert.Equal((10, 5), (DataLayout.Parse((await lc.RecordAsync(bucket, "raw/capture.bin")).DataLayout) is var l ? (l.DataShards, l.ParityShards) : default));

        var refused = await RefusedAsync(() => lc.GetAsync(bucket, "raw/capture.bin"));
        Assert.Equal(("InvalidObjectState", HttpStatusCode.Forbidden), (refused.ErrorCode, refused.StatusCode));
        var head = await lc.S3.GetObjectMetadataAsync(bucket, "raw/capture.bin");
        Assert.Equal(S3StorageClass.Glacier, head.StorageClass);
        Assert.Null(head.RestoreExpiration);

        using (var restore = await lc.SendAsync(HttpMethod.Post, $"/{bucket}/raw/capture.bin?restore",
            "<RestoreRequest><Days>2</Days><GlacierJobParameters><Tier>Standard</Tier></GlacierJobParameters></RestoreRequest>"))
            Assert.Equal(HttpStatusCode.Accepted, restore.StatusCode);
        // Accepted, not done: the copy is made by the restore worker, outside the request.
        var pending = await lc.S3.GetObjectMetadataAsync(bucket, "raw/capture.bin");
        Assert.True(pending.RestoreInProgress);
        Assert.Equal("InvalidObjectState", (await RefusedAsync(() => lc.GetAsync(bucket, "raw/capture.bin"))).ErrorCode);
        using (var duplicate = await lc.SendAsync(HttpMethod.Post, $"/{bucket}/raw/capture.bin?restore", "<RestoreRequest><Days>2</Days></RestoreRequest>"))
        {
            Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
            Assert.Contains("<Code>RestoreAlreadyInProgress</Code>", await duplicate.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(2, await lc.RunRestoresAsync()); // the duplicate queued the job again; the second run finds nothing pending
        var restored = await lc.S3.GetObjectMetadataAsync(bucket, "raw/capture.bin");
        Assert.False(restored.RestoreInProgress);
        Assert.Equal((lc.Clock.GetUtcNow() + 2 * LifecycleHost.Day).UtcDateTime, restored.RestoreExpiration!.Value.ToUniversalTime(), TimeSpan.FromSeconds(1));
        Assert.Equal(data, await lc.GetAsync(bucket, "raw/capture.bin"));
        using (var again = await lc.SendAsync(HttpMethod.Post, $"/{bucket}/raw/capture.bin?restore", "<RestoreRequest><Days>2</Days></RestoreRequest>"))
            Assert.Equal(HttpStatusCode.OK, again.StatusCode); // a live copy gets the new expiry
        var copy = DataLayout.Parse((await lc.RecordAsync(bucket, "raw/capture.bin")).RestoreLayout!);
        Assert.All(lc.ShardFiles(copy), path => Assert.True(File.Exists(path)));

        lc.AdvanceDays(2.1);
        var expired = await RefusedAsync(() => lc.GetAsync(bucket, "raw/capture.bin"));
        Assert.Equal("InvalidObjectState", expired.ErrorCode);
        Assert.Equal(1, (await lc.RunPassAsync()).Totals.RestoresEnded);
        Assert.All(lc.ShardFiles(copy), path => Assert.True(File.Exists(path), path)); // pending deletion
        Assert.True(await lc.CollectDeletedDataAsync() >= 1);
        Assert.All(lc.ShardFiles(copy), path => Assert.False(File.Exists(path), path));
        Assert.Null((await lc.RecordAsync(bucket, "raw/capture.bin")).RestoreLayout);

        var notArchived = await lc.PutAsync(bucket, "hot.bin", Payload(10, 1));
        using var wrongClass = await lc.SendAsync(HttpMethod.Post, $"/{bucket}/hot.bin?restore", "<RestoreRequest><Days>1</Days></RestoreRequest>");
        Assert.Equal(HttpStatusCode.Forbidden, wrongClass.StatusCode);
        Assert.Contains("<Code>InvalidObjectState</Code>", await wrongClass.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_restore_whose_job_was_lost_is_queued_again_by_the_pass_and_then_completes()
    {
        var requeueAfter = TimeSpan.FromSeconds(30);
        await using var lc = await LifecycleHost.StartAsync(fixture, options: o => o.PendingRestoreRequeueAfter = requeueAfter);
        var bucket = await lc.CreateBucketAsync("lc-lost-restore", versioned: false, null);
        var data = Payload(300_000, 5);
        await lc.PutAsync(bucket, "raw/lost.bin", data, storageClass: "DEEP_ARCHIVE");
        using (var restore = await lc.SendAsync(HttpMethod.Post, $"/{bucket}/raw/lost.bin?restore", "<RestoreRequest><Days>1</Days></RestoreRequest>"))
            Assert.Equal(HttpStatusCode.Accepted, restore.StatusCode);
        var queue = new Azure.Storage.Queues.QueueClient(fixture.StorageConnectionString,
            lc.Host.Services.GetRequiredService<ObjectStore.Hosting.ObjectStoreSettings>().RestoreQueue);
        await queue.ClearMessagesAsync(); // the job is lost

        Assert.Equal(0, (await lc.RunPassAsync()).Totals.RestoresRequeued); // accepted moments ago: still in flight
        lc.Clock.Advance(requeueAfter + TimeSpan.FromSeconds(1));
        Assert.Equal(1, (await lc.RunPassAsync()).Totals.RestoresRequeued);
        Assert.Equal(1, await lc.RunRestoresAsync());
        Assert.False((await lc.S3.GetObjectMetadataAsync(bucket, "raw/lost.bin")).RestoreInProgress);
        Assert.Equal(data, await lc.GetAsync(bucket, "raw/lost.bin"));
        Assert.Equal(0, (await lc.RunPassAsync()).Totals.RestoresRequeued);
    }

    [Fact]
    public async Task Bucket_lifecycle_configuration_round_trips_and_bad_documents_get_S3_errors()
    {
        await using var lc = await LifecycleHost.StartAsync(fixture);
        var bucket = await lc.CreateBucketAsync("lc-config", versioned: false, null);
        await AssertNoConfigurationAsync(lc, bucket);

        var cases = new (string Xml, string Code, string? Message)[]
        {
            ("<LifecycleConfiguration><Rule>", "MalformedXML", null),
            (Rules(Rule("r", "", "<Expiration><Days>0</Days></Expiration>")), "InvalidArgument", "'Days' for Expiration action must be a positive integer"),
            (Rules(Rule("r", "", "<Transition><Days>60</Days><StorageClass>STANDARD_IA</StorageClass></Transition><Transition><Days>30</Days><StorageClass>GLACIER</StorageClass></Transition>")),
                "InvalidArgument", "'Days' in the Transition action for StorageClass GLACIER"),
            (Rules(Rule("r", "", "")), "InvalidRequest", "At least one action needs to be specified in a rule"),
        };
        foreach (var (xml, code, message) in cases)
        {
            using var response = await lc.SendAsync(HttpMethod.Put, $"/{bucket}?lifecycle", xml);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains($"<Code>{code}</Code>", body, StringComparison.Ordinal);
            if (message is not null)
                Assert.Contains(message, body, StringComparison.Ordinal);
        }

        var rules = Rules(Rule("logs", "logs/", "<Expiration><Days>30</Days></Expiration>"));
        using (var put = await lc.SendAsync(HttpMethod.Put, $"/{bucket}?lifecycle", rules))
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var read = await lc.S3.GetLifecycleConfigurationAsync(bucket);
        var rule = Assert.Single(read.Configuration.Rules);
        Assert.Equal(("logs", 30), (rule.Id, rule.Expiration.Days ?? 0));

        await lc.S3.DeleteLifecycleConfigurationAsync(bucket);
        await AssertNoConfigurationAsync(lc, bucket);
    }

    private static async Task AssertNoConfigurationAsync(LifecycleHost lc, string bucket)
    {
        using var response = await lc.SendAsync(HttpMethod.Get, $"/{bucket}?lifecycle");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("<Code>NoSuchLifecycleConfiguration</Code>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<List<string>> KeysAsync(LifecycleHost lc, string bucket) =>
        ((await lc.S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? []).Select(o => o.Key).ToList();
}
