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
/// Every object's content follows from its key, so whatever the index committed can be checked. Each
/// cycle also holds one PUT in the middle of its body, so every kill leaves a write behind on disk
/// whatever the timing of the others.
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
                using var stall = new CancellationTokenSource();
                var stalled = StartStalledPut(s3, bucket, cycle, data, stall.Token);
                var writers = Enumerable.Range(0, 3).Select(w => PutLoopAsync(s3, bucket, cycle, w))
                    .Append(MultipartLoopAsync(s3, bucket, cycle)).Append(stalled.Done).ToArray();
                await Task.WhenAll(Task.Delay(1200 + 400 * cycle), stalled.Ready);
                child.Kill();
                await stall.CancelAsync();
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
            Assert.True(orphans.Count(f => f.EndsWith(".tmp", StringComparison.Ordinal)) >= 6 * Kills, // at least the stalled PUTs' (4+2)
                $"orphans: {string.Join(", ", orphans)}");

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

    /// <summary>
    /// A presigned PUT of 12 MiB whose body stops after 9 MiB until the host is killed: its first two stripes
    /// sit in temporary shard files while the host waits for the rest. Ready once those files are on disk
    /// (the only shard files of 2 MiB or more: the other writers' objects are at most 5 MiB, 1.25 MiB a shard);
    /// done when the kill and then the stall's cancellation end the request.
    /// </summary>
    private static (Task Ready, Task Done) StartStalledPut(AmazonS3Client s3, string bucket, int cycle, string data, CancellationToken stall)
    {
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return (ready.Task, RunAsync());

        async Task RunAsync()
        {
            try
            {
                var url = await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
                {
                    BucketName = bucket, Key = $"stalled/c{cycle}", Verb = HttpVerb.PUT, Expires = DateTime.UtcNow.AddMinutes(5), Protocol = Protocol.HTTP,
                });
                using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
                var put = http.PutAsync(url, new StallingContent(Payload(9 * MiB, 7), 12 * MiB, stall), stall);
                var deadline = DateTime.UtcNow.AddSeconds(30);
                while (StalledShardFiles(data) < 6)
                {
                    if (put.IsCompleted)
                        await put; // the host answered before the body ended: surface it
                    if (DateTime.UtcNow > deadline)
                        throw new TimeoutException("the stalled PUT's first stripes never reached its temporary shard files");
                    await Task.Delay(20);
                }
                ready.TrySetResult();
                try { await put; }
                catch (Exception) when (stall.IsCancellationRequested) { } // the kill, then the cancellation, ended it
            }
            catch (Exception e)
            {
                ready.TrySetException(e);
            }
        }
    }

    private static int StalledShardFiles(string data)
    {
        var zones = Path.Combine(data, "zones");
        return Directory.Exists(zones)
            ? Directory.EnumerateFiles(zones, "*.tmp", SearchOption.AllDirectories).Count(f => new FileInfo(f) is { Exists: true, Length: >= 2 * MiB })
            : 0;
    }

    /// <summary>A body that declares <paramref name="length"/> bytes, sends <paramref name="first"/>, then waits until cancelled.</summary>
    private sealed class StallingContent(byte[] first, long length, CancellationToken stall) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await stream.WriteAsync(first, stall);
            await stream.FlushAsync(stall);
            await Task.Delay(Timeout.Infinite, stall);
        }

        protected override bool TryComputeLength(out long length1)
        {
            length1 = length;
            return true;
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
