using Amazon.S3.Model;
using ObjectStore.IntegrationTests.Infrastructure;
using ObjectStore.Storage;
using ObjectStore.Testing;
using Xunit.Abstractions;

namespace ObjectStore.IntegrationTests.Lifecycle;

/// <summary>
/// A lifecycle pass cut off at random points (its invocation cancelled mid-action, as a time limit or
/// a dying instance would) and started again until it finishes leaves the store exactly as one
/// uninterrupted pass over an identical store does: the same versions, classes and bytes, every
/// referenced shard on disk. Unreferenced shards an interruption leaves are orphans for repair.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class LifecycleInterruptionTests(LocalHostFixture fixture, ITestOutputHelper output)
{
    private const string Rules = """
        <LifecycleConfiguration>
          <Rule><ID>expire</ID><Filter><Prefix>exp/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>2</Days></Expiration></Rule>
          <Rule><ID>to-ia</ID><Filter><Prefix>ia/</Prefix></Filter><Status>Enabled</Status><Transition><Days>1</Days><StorageClass>STANDARD_IA</StorageClass></Transition></Rule>
          <Rule><ID>noncurrent</ID><Filter><Prefix>nc/</Prefix></Filter><Status>Enabled</Status>
            <NoncurrentVersionTransition><NoncurrentDays>1</NoncurrentDays><StorageClass>GLACIER_IR</StorageClass></NoncurrentVersionTransition>
            <NoncurrentVersionExpiration><NoncurrentDays>2</NoncurrentDays><NewerNoncurrentVersions>1</NewerNoncurrentVersions></NoncurrentVersionExpiration></Rule>
          <Rule><ID>markers</ID><Filter><Prefix>dm/</Prefix></Filter><Status>Enabled</Status><Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>
            <NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays></NoncurrentVersionExpiration></Rule>
          <Rule><ID>uploads</ID><Filter><Prefix></Prefix></Filter><Status>Enabled</Status><AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>
        </LifecycleConfiguration>
        """;

    [Fact]
    public async Task A_pass_interrupted_at_random_points_and_restarted_ends_as_an_uninterrupted_one()
    {
        var start = DateTimeOffset.UtcNow;
        var bucket = UniqueNames.Bucket("lc-crash");
        await using var steady = await LifecycleHost.StartAsync(fixture, batchSize: 4, start: start);
        await using var interrupted = await LifecycleHost.StartAsync(fixture, batchSize: 4, start: start);
        await PopulateAsync(steady, bucket);
        await PopulateAsync(interrupted, bucket);
        steady.AdvanceDays(3);
        interrupted.AdvanceDays(3);

        var reference = await steady.RunPassAsync();
        Assert.True(reference.Finished);
        output.WriteLine($"uninterrupted: {System.Text.Json.JsonSerializer.Serialize(reference.Totals)}");

        var seed = Environment.TickCount;
        var random = new Random(seed);
        output.WriteLine($"seed {seed}");
        var interruptions = 0;
        for (var attempt = 1; ; attempt++)
        {
            Assert.True(attempt < 300, "the interrupted pass never finished");
            using var cut = new CancellationTokenSource(TimeSpan.FromMilliseconds(random.Next(5, 60 + 20 * attempt)));
            try
            {
                if ((await interrupted.RunPassAsync(cut.Token)).Finished)
                    break;
            }
            catch (OperationCanceledException)
            {
                interruptions++;
            }
        }
        output.WriteLine($"interruptions before the pass finished: {interruptions}");
        Assert.True(interruptions > 0, "the pass was never interrupted");

        Assert.Equal(await StateAsync(steady, bucket), await StateAsync(interrupted, bucket));
        var uploads = await interrupted.S3.ListMultipartUploadsAsync(bucket);
        Assert.Empty(uploads.MultipartUploads ?? []);

        var referenced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var version in await interrupted.VersionsAsync(bucket))
        {
            if (version.IsDeleteMarker == true) continue;
            var record = await interrupted.RecordAsync(bucket, version.Key, version.VersionId);
            foreach (var path in interrupted.ShardFiles(DataLayout.Parse(record.DataLayout)))
            {
                Assert.True(File.Exists(path), $"{version.Key} {version.VersionId}: {path} is missing");
                referenced.Add(path);
            }
        }
        var orphans = interrupted.AllShardFiles().Count(path => !referenced.Contains(path));
        output.WriteLine($"unreferenced shard files left for the repair scan: {orphans}");
    }

    /// <summary>The same objects, versions, markers and uploads, at the same fake instants, in each store.</summary>
    private static async Task PopulateAsync(LifecycleHost lc, string bucket)
    {
        await lc.CreateBucketAsync("", versioned: true, Rules, exactName: bucket);
        for (var i = 0; i < 6; i++)
        {
            await lc.PutAsync(bucket, $"exp/{i}", Payload(2000 + i, i));
            await lc.PutAsync(bucket, $"ia/{i}", Payload(150_000 + i, 100 + i));
            await lc.PutAsync(bucket, $"keep/{i}", Payload(100 + i, 200 + i));
        }
        for (var v = 0; v < 4; v++)
        {
            for (var i = 0; i < 3; i++)
                await lc.PutAsync(bucket, $"nc/{i}", Payload(40_000 + 10 * v + i, 300 + 10 * v + i));
            lc.Clock.Advance(TimeSpan.FromSeconds(3));
        }
        for (var i = 0; i < 3; i++)
        {
            await lc.PutAsync(bucket, $"dm/{i}", Payload(500 + i, 400 + i));
            await lc.S3.DeleteObjectAsync(bucket, $"dm/{i}");
        }
        for (var i = 0; i < 3; i++)
        {
            var upload = await lc.S3.InitiateMultipartUploadAsync(bucket, $"up/{i}");
            await lc.S3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = $"up/{i}", UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream(Payload(70_000, 500 + i)) });
        }
    }

    /// <summary>Every version in listing order with what identifies it across two stores (ids differ), and each current object's bytes.</summary>
    private static async Task<List<string>> StateAsync(LifecycleHost lc, string bucket)
    {
        var state = new List<string>();
        foreach (var v in await lc.VersionsAsync(bucket))
        {
            var line = $"{v.Key} latest={v.IsLatest} marker={v.IsDeleteMarker} class={v.StorageClass?.Value} size={v.Size} etag={v.ETag}";
            if (v.IsLatest == true && v.IsDeleteMarker != true)
                line += " sha256=" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(await lc.GetAsync(bucket, v.Key)));
            state.Add(line);
        }
        return state;
    }

    private static byte[] Payload(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
