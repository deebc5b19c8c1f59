using System.Globalization;
using Amazon.S3;
using Amazon.S3.Model;
using ObjectStore.IntegrationTests.Infrastructure;
using ObjectStore.Testing;
using static ObjectStore.IntegrationTests.FaultInjection.FaultHost;

namespace ObjectStore.IntegrationTests.FaultInjection;

/// <summary>
/// The local host killed (SIGKILL, a child process) while PUTs and multipart uploads are in flight,
/// three times over the same data directory and index; then a host over what is left runs a pass.
/// Every object's content follows from its key, so whatever the index committed can be checked.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class RepairCrashTests(LocalHostFixture fixture)
{
    private const int Kills = 3;

    [Fact]
    public async Task A_host_killed_repeatedly_mid_put_and_mid_multipart_leaves_no_orphan_past_the_grace_period_and_no_committed_object_loses_a_shard()
    {
        var data = Path.Combine(Path.GetTempPath(), "objectstore-crash-" + Guid.NewGuid().ToString("N")[..12]);
        var prefix = UniqueNames.Table("crash");
        var bucket = UniqueNames.Bucket("crash");
        try
        {
            for (var cycle = 0; cycle < Kills; cycle++)
            {
                using var child = await ChildHost.StartAsync(fixture.StorageConnectionString, data, prefix);
                using var s3 = child.CreateS3Client();
                if (cycle == 0)
                    await s3.PutBucketAsync(bucket);
                var writers = Enumerable.Range(0, 3).Select(w => PutLoopAsync(s3, bucket, cycle, w))
                    .Append(MultipartLoopAsync(s3, bucket, cycle)).ToArray();
                await Task.Delay(1200 + 400 * cycle);
                child.Kill();
                await Task.WhenAll(writers); // each loop ends at its first failed request
            }

            // What is left: grace 0, so every file written before the pass is past it.
            await using var host = await fixture.StartHostAsync(new LocalHostOptions
            {
                DataDirectory = data, TablePrefix = prefix, Background = false,
                Settings = RepairSupport.Settings(verifyFraction: "1", orphanGrace: "0"),
            });
            var live = await host.LiveShardFilesAsync();
            var before = host.ZoneFiles();
            Assert.Empty(live.Except(before)); // every shard a committed object or part names is there
            var orphans = before.Except(live).ToArray();
            Assert.NotEmpty(orphans); // the kills did interrupt writes (whether one landed inside a temporary
            // file's life is timing; Storage RepairTests covers .tmp leftovers deterministically)

            var pass = (await host.FullPassAsync()).LastPass!;

            Assert.Equal((0L, 0L), (pass.ShardsFound, pass.Unrepaired)); // no committed data lost or damaged a shard
            Assert.Equal(pass.Checked.Objects, pass.FullyVerified);
            Assert.Equal(orphans.Length, pass.OrphansRemoved);
            Assert.Equal(live, host.ZoneFiles());

            using var client = host.CreateS3Client();
            var keys = new List<string>();
            var listing = new ListObjectsV2Request { BucketName = bucket };
            ListObjectsV2Response page;
            do
            {
                page = await client.ListObjectsV2Async(listing);
                keys.AddRange((page.S3Objects ?? []).Select(o => o.Key));
                listing.ContinuationToken = page.NextContinuationToken;
            }
            while (page.IsTruncated == true);
            Assert.Contains(keys, k => k.StartsWith("put/", StringComparison.Ordinal));
            foreach (var key in keys)
            {
                using var response = await client.GetObjectAsync(bucket, key);
                using var body = new MemoryStream();
                await response.ResponseStream.CopyToAsync(body);
                Assert.True(Expected(key).AsSpan().SequenceEqual(body.ToArray()), $"GET {key} returned other bytes");
            }
            // Uploads the kills left open keep their parts: those part files were live above and are still there.
            var open = await client.ListMultipartUploadsAsync(bucket);
            // A kill during CompleteMultipartUpload leaves that upload completing: S3's answer to an abort
            // racing it is OperationAborted (try again later), and a completion that did commit is NoSuchUpload.
            foreach (var upload in open.MultipartUploads ?? [])
            {
                try
                {
                    await client.AbortMultipartUploadAsync(bucket, upload.Key, upload.UploadId);
                }
                catch (AmazonS3Exception e) when (e.ErrorCode is "OperationAborted" or "NoSuchUpload")
                {
                }
            }
        }
        finally
        {
            try { Directory.Delete(data, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>PUTs "put/c{cycle}w{writer}i{i}/{size}/{seed}" until the host dies.</summary>
    private static async Task PutLoopAsync(AmazonS3Client s3, string bucket, int cycle, int writer)
    {
        var random = new Random(cycle * 100 + writer);
        for (var i = 0; ; i++)
        {
            var size = random.Next(1, 3 * MiB);
            var seed = cycle * 100_000 + writer * 10_000 + i;
            var key = $"put/c{cycle}w{writer}i{i}/{size}/{seed}";
            try
            {
                await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(Payload(size, seed)) });
            }
            catch (Exception)
            {
                return;
            }
        }
    }

    /// <summary>Multipart uploads of "mp/c{cycle}i{i}/{seed}": a 5 MiB part and a 100 KiB part, until the host dies.</summary>
    private static async Task MultipartLoopAsync(AmazonS3Client s3, string bucket, int cycle)
    {
        for (var i = 0; ; i++)
        {
            var seed = cycle * 100_000 + 90_000 + i;
            var key = $"mp/c{cycle}i{i}/{seed}";
            try
            {
                var upload = await s3.InitiateMultipartUploadAsync(bucket, key);
                var etags = new List<PartETag>();
                for (var part = 1; part <= 2; part++)
                {
                    var response = await s3.UploadPartAsync(new UploadPartRequest
                    {
                        BucketName = bucket, Key = key, UploadId = upload.UploadId, PartNumber = part,
                        InputStream = new MemoryStream(MultipartPart(seed, part)),
                    });
                    etags.Add(new PartETag(part, response.ETag));
                }
                await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
                {
                    BucketName = bucket, Key = key, UploadId = upload.UploadId, PartETags = etags,
                });
            }
            catch (Exception)
            {
                return;
            }
        }
    }

    private static byte[] MultipartPart(int seed, int part) => Payload(part == 1 ? 5 * MiB : 100 * 1024, seed * 10 + part);

    private static byte[] Expected(string key)
    {
        var segments = key.Split('/');
        var seed = int.Parse(segments[^1], CultureInfo.InvariantCulture);
        return segments[0] == "mp"
            ? [.. MultipartPart(seed, 1), .. MultipartPart(seed, 2)]
            : Payload(int.Parse(segments[^2], CultureInfo.InvariantCulture), seed);
    }
}
