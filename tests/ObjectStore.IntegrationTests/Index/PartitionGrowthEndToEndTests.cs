using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using ObjectStore.Hosting;
using ObjectStore.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace ObjectStore.IntegrationTests.Index;

/// <summary>
/// Growing a bucket's index online (docs/index-schema.md, "Growing a bucket online") end to end: AWSSDK.S3 in its
/// default configuration writes and reads a versioned bucket while the admin command line grows it from 1 to 8
/// partitions, and afterwards every listing and every version's bytes are what the client's successful writes say.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class PartitionGrowthEndToEndTests(LocalHostFixture fixture, ITestOutputHelper output)
{
    private const int Writers = 4;

    [Fact]
    public async Task A_bucket_grown_from_1_to_8_partitions_under_a_running_write_and_read_load_loses_nothing()
    {
        // Instances reread a bucket's routing every 0.2 s, so the split's announcement waits 0.2 s + its 10 s margin.
        await using var host = await fixture.StartHostAsync(new LocalHostOptions
        {
            Settings = new Dictionary<string, string?> { [ObjectStoreSettings.IndexRoutingCacheSecondsSetting] = "0.2" },
        });
        using var s3 = host.CreateS3Client();
        var bucket = ClientTestData.BucketName("grow");
        await s3.PutBucketAsync(bucket);
        await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = bucket,
            VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
        });
        Assert.Equal(1, (await AdminCli.RunJsonAsync(host, "index", "status", bucket)).GetProperty("count").GetInt32());

        var model = new BucketModel();
        var keys = await PreloadAsync(s3, bucket, model);
        var pending = await StartUploadAsync(s3, bucket);
        await AssertServerMatchesAsync(s3, bucket, model); // the recorded listing and bytes, before the growth

        // Writer i owns every Writers-th preloaded key; the others are untouched and checked by readers and the lister.
        var owned = Enumerable.Range(0, Writers).Select(w => (IReadOnlyList<string>)[.. keys.Where((_, i) => i % 3 == 0 && i / 3 % Writers == w)]).ToList();
        var untouched = keys.Where((k, i) => i % 3 != 0 && model.Current(k) is not null).ToList();
        var load = new GrowthLoad(s3, bucket, model);
        var running = load.RunAsync(owned, untouched);
        JsonElement grown;
        try
        {
            grown = await GrowAsync(host, bucket, 8);
        }
        finally
        {
            load.Stop();
            await running;
        }

        output.WriteLine($"grow: {grown}; load: {load.Puts} puts, {load.Deletes} deletes, {load.Gets} gets, {load.Lists} listings, "
            + $"{load.Failures.Count} failed writes ({model.UncertainCount} keys left out of the comparison)");
        Assert.Empty(load.Violations);
        Assert.DoesNotContain(load.Failures, f => !f.EndsWith("503 SlowDown", StringComparison.Ordinal));
        Assert.True(grown.GetProperty("moved").GetInt64() > 0, grown.ToString());
        Assert.True(load.Puts > 0 && load.Deletes > 0 && load.Lists > 0, $"{load.Puts} puts, {load.Deletes} deletes, {load.Lists} listings");
        var status = await AdminCli.RunJsonAsync(host, "index", "status", bucket);
        Assert.Equal(8, status.GetProperty("count").GetInt32());
        Assert.Equal("", status.GetProperty("phase").GetString());

        // An upload started in the one partition is completed after the growth.
        await CompleteUploadAsync(s3, bucket, pending, model);
        await AssertServerMatchesAsync(s3, bucket, model);
    }

    /// <summary>Mixed objects in a versioned bucket; returns the keys in the order they were made.</summary>
    private static async Task<List<string>> PreloadAsync(IAmazonS3 s3, string bucket, BucketModel model)
    {
        var random = new Random(7);
        var objects = new List<(string Key, byte[] Bytes)>();
        for (var i = 0; i < 180; i++) // small, stored inline in the index row (< 16 KiB)
            objects.Add(($"data/train/shard-{i / 30:D4}/sample-{i:D6}.tfrecord", GrowthLoad.Payload(random, random.Next(0, 12 * 1024))));
        for (var i = 0; i < 30; i++) // erasure-coded, under a long shared prefix
            objects.Add(($"checkpoints/run-2026-12-06/experiment-with-a-rather-long-name/step-{i:D8}/model.bin", GrowthLoad.Payload(random, 40 * 1024 + random.Next(200 * 1024))));
        string[] names = ["données/été-", "日本語/キー-", "emoji/🦄-", "Ελληνικά/κλειδί-", "top-level-"];
        for (var i = 0; i < 40; i++)
            objects.Add(($"{names[i % names.Length]}{i:D3}", GrowthLoad.Payload(random, i % 4 == 0 ? 30 * 1024 : 700)));
        await Parallel.ForEachAsync(objects, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (o, ct) =>
        {
            var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = o.Key, InputStream = new MemoryStream(o.Bytes) }, ct);
            model.Put(o.Key, put.VersionId, put.ETag, o.Bytes);
        });
        var keys = objects.Select(o => o.Key).ToList();

        // Overwritten (two versions), deleted (a delete marker) and a version deleted (the older one gone).
        for (var i = 1; i < keys.Count; i += 9)
        {
            var bytes = GrowthLoad.Payload(random, 1000 + i);
            var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = keys[i], InputStream = new MemoryStream(bytes) });
            model.Put(keys[i], put.VersionId, put.ETag, bytes);
        }
        for (var i = 2; i < keys.Count; i += 17)
        {
            var deleted = await s3.DeleteObjectAsync(bucket, keys[i]);
            model.Add(keys[i], new ModelVersion(deleted.VersionId, true, null, 0, null));
        }
        for (var i = 1; i < keys.Count; i += 45)
        {
            var oldest = model.ObjectVersions().Last(v => v.Key == keys[i]).Version.VersionId;
            await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = keys[i], VersionId = oldest });
            model.RemoveVersion(keys[i], oldest);
        }

        // One multipart object: 5 MiB + 100 KiB.
        const string multipart = "multipart/dataset.tar";
        var parts = new[] { GrowthLoad.Payload(random, 5 * 1024 * 1024), GrowthLoad.Payload(random, 100 * 1024) };
        var upload = await s3.InitiateMultipartUploadAsync(bucket, multipart);
        var etags = new List<PartETag>();
        for (var n = 0; n < parts.Length; n++)
            etags.Add(new PartETag(n + 1, (await s3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = bucket, Key = multipart, UploadId = upload.UploadId, PartNumber = n + 1, InputStream = new MemoryStream(parts[n]),
            })).ETag));
        var completed = await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = multipart, UploadId = upload.UploadId, PartETags = etags });
        model.Put(multipart, completed.VersionId, completed.ETag, [.. parts[0], .. parts[1]]);
        keys.Add(multipart);
        return keys;
    }

    private sealed record PendingUpload(string Key, string UploadId, byte[] FirstPart, PartETag FirstETag);

    private static async Task<PendingUpload> StartUploadAsync(IAmazonS3 s3, string bucket)
    {
        const string key = "uploads/started-before-the-growth.bin";
        var part = GrowthLoad.Payload(new Random(11), 5 * 1024 * 1024);
        var upload = await s3.InitiateMultipartUploadAsync(bucket, key);
        var etag = (await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = key, UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream(part) })).ETag;
        return new PendingUpload(key, upload.UploadId, part, new PartETag(1, etag));
    }

    private static async Task CompleteUploadAsync(IAmazonS3 s3, string bucket, PendingUpload pending, BucketModel model)
    {
        var uploads = await s3.ListMultipartUploadsAsync(bucket);
        Assert.Equal([pending.UploadId], (uploads.MultipartUploads ?? []).Select(u => u.UploadId));
        var last = GrowthLoad.Payload(new Random(12), 3000);
        var etag = (await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = pending.Key, UploadId = pending.UploadId, PartNumber = 2, InputStream = new MemoryStream(last) })).ETag;
        var completed = await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = pending.Key, UploadId = pending.UploadId, PartETags = [pending.FirstETag, new PartETag(2, etag)],
        });
        model.Put(pending.Key, completed.VersionId, completed.ETag, [.. pending.FirstPart, .. last]);
    }

    /// <summary>Calls the admin grow command until it answers done (each call works up to 200 s); returns the last answer.</summary>
    private static async Task<JsonElement> GrowAsync(LocalHostInstance host, string bucket, int count)
    {
        for (var call = 0; call < 5; call++)
        {
            var answer = await AdminCli.RunJsonAsync(host, "index", "grow", bucket, count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (answer.GetProperty("done").GetBoolean())
                return answer;
        }
        throw new InvalidOperationException($"The growth of {bucket} did not finish in 5 calls.");
    }

    /// <summary>Every listing equals the model's, and every version the model knows has its bytes.</summary>
    private static async Task AssertServerMatchesAsync(IAmazonS3 s3, string bucket, BucketModel model)
    {
        var listed = await model.ListAsync(s3, bucket);
        AssertSameLines(model.Objects(), listed.Objects, "ListObjectsV2");
        var (groupedObjects, prefixes) = model.Grouped();
        AssertSameLines(groupedObjects, listed.GroupedObjects, "ListObjectsV2 delimiter / objects");
        AssertSameLines(prefixes, listed.Prefixes, "ListObjectsV2 delimiter / prefixes");
        AssertSameLines(model.Versions(), listed.Versions, "ListObjectVersions");

        var wrong = new List<string>();
        await Parallel.ForEachAsync(model.ObjectVersions(), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (v, ct) =>
        {
            using var response = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = v.Key, VersionId = v.Version.VersionId }, ct);
            using var buffer = new MemoryStream();
            await response.ResponseStream.CopyToAsync(buffer, ct);
            if (BucketModel.Md5(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)) != v.Version.Md5)
                lock (wrong) wrong.Add($"{v.Key} {v.Version.VersionId}");
        });
        Assert.Empty(wrong);
    }

    /// <summary>Equal sequences, failing with the first lines that differ rather than two long lists.</summary>
    private static void AssertSameLines(List<string> expected, List<string> actual, string what)
    {
        var missing = expected.Except(actual, StringComparer.Ordinal).Take(5).ToList();
        var extra = actual.Except(expected, StringComparer.Ordinal).Take(5).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0 && expected.SequenceEqual(actual, StringComparer.Ordinal),
            $"{what}: {expected.Count} expected, {actual.Count} listed; missing [{string.Join(" | ", missing)}], extra [{string.Join(" | ", extra)}]"
            + (missing.Count == 0 && extra.Count == 0 ? $", order differs at {expected.Zip(actual).TakeWhile(p => p.First == p.Second).Count()}" : ""));
    }
}
