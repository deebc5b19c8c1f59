using System.Diagnostics;
using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using ObjectStore.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace ObjectStore.IntegrationTests.Clients;

/// <summary>
/// AWSSDK.S3 4.1.0 in its default configuration (aws-chunked bodies with signed chunks and a CRC32
/// trailer), end to end through the local host. PutObject here; multipart uploads (TransferUtility) in
/// <see cref="AwsSdkMultipartTests"/>.
/// </summary>
public abstract class AwsSdkClientContract(LocalHostFixture fixture, ITestOutputHelper output, ZoneLayout? zones) : IDisposable, IAsyncLifetime
{
    private LocalHostInstance? _host;

    /// <summary>The shared host, or the shared host of <c>zones</c> when the class names a layout.</summary>
    private LocalHostInstance Host => _host ?? throw new InvalidOperationException("Not initialized.");

    public async Task InitializeAsync() => _host = zones is { } layout ? await fixture.SharedOnAsync(layout) : fixture.Shared;

    public Task DisposeAsync() => Task.CompletedTask;

    private readonly ClientTestData _data = new();

    public void Dispose() => _data.Dispose();

    private async Task<(AmazonS3Client S3, string Bucket)> NewBucketAsync()
    {
        var s3 = Host.CreateS3Client();
        var bucket = ClientTestData.BucketName("sdk");
        var created = await s3.PutBucketAsync(bucket);
        Assert.Equal(HttpStatusCode.OK, created.HttpStatusCode);
        return (s3, bucket);
    }

    [Fact]
    public async Task Objects_of_0_1_5MiB_and_100MiB_read_back_byte_identical()
    {
        var (s3, bucket) = await NewBucketAsync();
        using var _ = s3;
        foreach (var (name, size) in ClientTestData.Payloads)
        {
            var source = _data.Payload(name, size);
            var started = Stopwatch.GetTimestamp();
            var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "sizes/" + name, FilePath = source });
            Assert.Equal(HttpStatusCode.OK, put.HttpStatusCode);
            Assert.False(string.IsNullOrEmpty(put.ETag));

            var copy = _data.NewFilePath(name);
            using (var get = await s3.GetObjectAsync(bucket, "sizes/" + name))
            {
                Assert.Equal(size, get.ContentLength);
                Assert.Equal(put.ETag, get.ETag);
                await using var file = File.Create(copy);
                await get.ResponseStream.CopyToAsync(file);
            }
            Assert.Equal(ClientTestData.Sha256(source), ClientTestData.Sha256(copy));
            output.WriteLine($"{name}: PUT+GET {size} bytes in {Stopwatch.GetElapsedTime(started).TotalSeconds:F2} s");
            File.Delete(copy);
        }

        var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = "sizes/" });
        Assert.Equal(ClientTestData.Payloads.Select(p => ("sizes/" + p.Name, p.Size)).OrderBy(p => p.Item1, StringComparer.Ordinal),
            listed.S3Objects.Select(o => (o.Key, o.Size ?? -1)));
    }

    [Fact]
    public async Task Listing_without_delimiter_shows_every_key_and_with_delimiter_groups_common_prefixes()
    {
        var (s3, bucket) = await NewBucketAsync();
        using var _ = s3;
        string[] keys = ["a.txt", "dir1/x", "dir1/y", "dir2/sub/z", "z.txt"];
        foreach (var key in keys)
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = key });

        var flat = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Equal(keys, flat.S3Objects.Select(o => o.Key));
        Assert.Null(flat.CommonPrefixes?.Count > 0 ? flat.CommonPrefixes : null);

        var grouped = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Delimiter = "/" });
        Assert.Equal(["a.txt", "z.txt"], grouped.S3Objects.Select(o => o.Key));
        Assert.Equal(["dir1/", "dir2/"], grouped.CommonPrefixes);

        var inDir = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Delimiter = "/", Prefix = "dir2/" });
        Assert.Empty(inDir.S3Objects ?? []);
        Assert.Equal(["dir2/sub/"], inDir.CommonPrefixes);

        var v1 = await s3.ListObjectsAsync(new ListObjectsRequest { BucketName = bucket, Delimiter = "/" });
        Assert.Equal(["a.txt", "z.txt"], v1.S3Objects.Select(o => o.Key));
        Assert.Equal(["dir1/", "dir2/"], v1.CommonPrefixes);

        // Paging by two: continuation tokens walk every key once, in order.
        var paged = new List<string>();
        var request = new ListObjectsV2Request { BucketName = bucket, MaxKeys = 2 };
        ListObjectsV2Response page;
        do
        {
            page = await s3.ListObjectsV2Async(request);
            paged.AddRange(page.S3Objects.Select(o => o.Key));
            request.ContinuationToken = page.NextContinuationToken;
        } while (page.IsTruncated == true);
        Assert.Equal(keys, paged);
    }

    [Fact]
    public async Task Copy_then_tag_then_delete_an_object()
    {
        var (s3, bucket) = await NewBucketAsync();
        using var _ = s3;
        var source = _data.Payload("five-mib.bin", 5 * ClientTestData.MiB);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "original", FilePath = source });

        var copied = await s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket, SourceKey = "original", DestinationBucket = bucket, DestinationKey = "copies/duplicate",
        });
        Assert.Equal(HttpStatusCode.OK, copied.HttpStatusCode);
        var copy = _data.NewFilePath("copy");
        using (var get = await s3.GetObjectAsync(bucket, "copies/duplicate"))
        {
            await using var file = File.Create(copy);
            await get.ResponseStream.CopyToAsync(file);
        }
        Assert.Equal(ClientTestData.Sha256(source), ClientTestData.Sha256(copy));

        await s3.PutObjectTaggingAsync(new PutObjectTaggingRequest
        {
            BucketName = bucket, Key = "copies/duplicate",
            Tagging = new Tagging { TagSet = [new Tag { Key = "colour", Value = "blue" }, new Tag { Key = "size", Value = "5 MiB" }] },
        });
        var tags = await s3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "copies/duplicate" });
        Assert.Equal([("colour", "blue"), ("size", "5 MiB")], tags.Tagging.Select(t => (t.Key, t.Value)).OrderBy(t => t.Key));

        await s3.DeleteObjectTaggingAsync(new DeleteObjectTaggingRequest { BucketName = bucket, Key = "copies/duplicate" });
        Assert.Empty((await s3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "copies/duplicate" })).Tagging ?? []);

        var deleted = await s3.DeleteObjectAsync(bucket, "copies/duplicate");
        Assert.Equal(HttpStatusCode.NoContent, deleted.HttpStatusCode);
        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(bucket, "copies/duplicate"));
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Equal(["original"], (await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects.Select(o => o.Key));
    }

    [Fact]
    public async Task Awkward_keys_including_control_characters_round_trip_and_list_in_utf8_byte_order()
    {
        var (s3, bucket) = await NewBucketAsync();
        using var _ = s3;
        var keys = AwkwardKeys.Printable.Concat(AwkwardKeys.Control).ToArray();
        foreach (var key in keys)
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = "body of " + key });

        foreach (var key in keys)
        {
            using var get = await s3.GetObjectAsync(bucket, key);
            using var reader = new StreamReader(get.ResponseStream);
            Assert.Equal("body of " + key, await reader.ReadToEndAsync());
        }

        // Paged by three, so continuation tokens must also carry the awkward keys.
        var listed = new List<string>();
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = AwkwardKeys.Prefix, MaxKeys = 3 };
        ListObjectsV2Response page;
        do
        {
            page = await s3.ListObjectsV2Async(request);
            listed.AddRange(page.S3Objects.Select(o => o.Key));
            request.ContinuationToken = page.NextContinuationToken;
        } while (page.IsTruncated == true);
        Assert.Equal(AwkwardKeys.InS3Order(keys), listed);

        var grouped = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = AwkwardKeys.Prefix, Delimiter = "/" });
        Assert.Equal([AwkwardKeys.Prefix + "dir/"], grouped.CommonPrefixes);
        Assert.Equal(AwkwardKeys.InS3Order(keys.Where(k => !k.StartsWith(AwkwardKeys.Prefix + "dir/", StringComparison.Ordinal))),
            grouped.S3Objects.Select(o => o.Key));

        var copied = await s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket, SourceKey = AwkwardKeys.Prefix + "question?mark",
            DestinationBucket = bucket, DestinationKey = "copy/" + AwkwardKeys.Prefix + "emoji-\U0001F600 #?%+",
        });
        Assert.Equal(HttpStatusCode.OK, copied.HttpStatusCode);
        using (var get = await s3.GetObjectAsync(bucket, "copy/" + AwkwardKeys.Prefix + "emoji-\U0001F600 #?%+"))
        using (var reader = new StreamReader(get.ResponseStream))
            Assert.Equal("body of " + AwkwardKeys.Prefix + "question?mark", await reader.ReadToEndAsync());

        var deleted = await s3.DeleteObjectsAsync(new DeleteObjectsRequest
        {
            BucketName = bucket, Objects = keys.Select(k => new KeyVersion { Key = k }).ToList(),
        });
        Assert.Equal(AwkwardKeys.InS3Order(keys), AwkwardKeys.InS3Order(deleted.DeletedObjects.Select(d => d.Key)));
        Assert.Empty(deleted.DeleteErrors ?? []);
        Assert.Equal(["copy/" + AwkwardKeys.Prefix + "emoji-\U0001F600 #?%+"],
            (await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects.Select(o => o.Key));
    }

    [Fact]
    public async Task Range_get_returns_the_requested_bytes_with_206()
    {
        var (s3, bucket) = await NewBucketAsync();
        using var _ = s3;
        var source = _data.Payload("five-mib.bin", 5 * ClientTestData.MiB);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "ranged", FilePath = source });
        var expected = new byte[1000];
        await using (var file = File.OpenRead(source))
        {
            file.Position = 3 * ClientTestData.MiB - 10;
            await file.ReadExactlyAsync(expected);
        }

        using var get = await s3.GetObjectAsync(new GetObjectRequest
        {
            BucketName = bucket, Key = "ranged", ByteRange = new ByteRange(3 * ClientTestData.MiB - 10, 3 * ClientTestData.MiB + 989),
        });
        Assert.Equal(HttpStatusCode.PartialContent, get.HttpStatusCode);
        Assert.Equal($"bytes {3 * ClientTestData.MiB - 10}-{3 * ClientTestData.MiB + 989}/{5 * ClientTestData.MiB}", get.ContentRange);
        using var buffer = new MemoryStream();
        await get.ResponseStream.CopyToAsync(buffer);
        Assert.Equal(expected, buffer.ToArray());
    }

    [Fact]
    public async Task Conditional_get_with_the_current_etag_answers_304_and_with_another_etag_the_object()
    {
        var (s3, bucket) = await NewBucketAsync();
        using var _ = s3;
        var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "cond", ContentBody = "conditional" });

        var notModified = await Assert.ThrowsAsync<AmazonS3Exception>(() =>
            s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "cond", EtagToNotMatch = put.ETag }));
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        using var changed = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "cond", EtagToNotMatch = "\"0123456789abcdef0123456789abcdef\"" });
        Assert.Equal(HttpStatusCode.OK, changed.HttpStatusCode);

        var failed = await Assert.ThrowsAsync<AmazonS3Exception>(() =>
            s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "cond", EtagToMatch = "\"0123456789abcdef0123456789abcdef\"" }));
        Assert.Equal(HttpStatusCode.PreconditionFailed, failed.StatusCode);
        Assert.Equal("PreconditionFailed", failed.ErrorCode);
    }

    [Fact]
    public async Task HeadObject_returns_user_metadata_content_type_length_and_etag()
    {
        var (s3, bucket) = await NewBucketAsync();
        using var _ = s3;
        var request = new PutObjectRequest { BucketName = bucket, Key = "meta.json", ContentBody = "{\"a\":1}", ContentType = "application/json" };
        request.Metadata.Add("x-amz-meta-colour", "blue");
        request.Metadata.Add("Owner-Name", "Ada Lovelace");
        var put = await s3.PutObjectAsync(request);

        var head = await s3.GetObjectMetadataAsync(bucket, "meta.json");
        Assert.Equal("application/json", head.Headers.ContentType);
        Assert.Equal(7, head.Headers.ContentLength);
        Assert.Equal(put.ETag, head.ETag);
        Assert.Equal("blue", head.Metadata["colour"]);
        Assert.Equal("Ada Lovelace", head.Metadata["owner-name"]);
        Assert.Equal(2, head.Metadata.Count);
    }

    [Fact]
    public async Task Presigned_get_url_is_fetched_with_a_plain_HttpClient()
    {
        var (s3, bucket) = await NewBucketAsync();
        using var _ = s3;
        var key = "presigned/a key with spaces+plus&amp \U0001F600";
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = "fetched without a signature header" });

        var url = await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = bucket, Key = key, Verb = HttpVerb.GET, Expires = DateTime.UtcNow.AddMinutes(5), Protocol = Protocol.HTTP,
        });
        using var http = new HttpClient();
        using var response = await http.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url} → {(int)response.StatusCode}: {body}");
        Assert.Equal("fetched without a signature header", body);

        using var tampered = await http.GetAsync(url.Replace("presigned/", "presigned/x", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Forbidden, tampered.StatusCode);
    }

    [Fact]
    public async Task DeleteObjects_removes_several_keys_and_reports_each_one()
    {
        var (s3, bucket) = await NewBucketAsync();
        using var _ = s3;
        string[] keys = ["d/1", "d/2", "d/3", "keep"];
        foreach (var key in keys)
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = key });

        var result = await s3.DeleteObjectsAsync(new DeleteObjectsRequest
        {
            BucketName = bucket,
            Objects = [new KeyVersion { Key = "d/1" }, new KeyVersion { Key = "d/2" }, new KeyVersion { Key = "d/3" }, new KeyVersion { Key = "never-existed" }],
        });
        Assert.Equal(["d/1", "d/2", "d/3", "never-existed"], result.DeletedObjects.Select(d => d.Key).Order(StringComparer.Ordinal));
        Assert.Empty(result.DeleteErrors ?? []);
        Assert.Equal(["keep"], (await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects.Select(o => o.Key));
    }

    [Fact]
    public async Task Bucket_is_listed_and_deleted_once_empty()
    {
        var (s3, bucket) = await NewBucketAsync();
        using var _ = s3;
        Assert.Contains(bucket, (await s3.ListBucketsAsync()).Buckets.Select(b => b.BucketName));
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "x", ContentBody = "x" });
        var notEmpty = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.DeleteBucketAsync(bucket));
        Assert.Equal("BucketNotEmpty", notEmpty.ErrorCode);
        await s3.DeleteObjectAsync(bucket, "x");
        await s3.DeleteBucketAsync(bucket);
        Assert.DoesNotContain(bucket, (await s3.ListBucketsAsync()).Buckets?.Select(b => b.BucketName) ?? []);
    }
}

/// <summary>On the shared host (zones on disk unless <see cref="ZoneLayouts.Variable"/> says otherwise).</summary>
[Collection(LocalHostCollection.Name)]
public sealed class AwsSdkClientTests(LocalHostFixture fixture, ITestOutputHelper output) : AwsSdkClientContract(fixture, output, zones: null);

/// <summary>The same suite with every zone a Blob container.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class AwsSdkClientOnBlobZonesTests(LocalHostFixture fixture, ITestOutputHelper output) : AwsSdkClientContract(fixture, output, ZoneLayout.Blob);
