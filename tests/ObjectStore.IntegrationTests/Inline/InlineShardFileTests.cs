using System.Security.Cryptography;
using Amazon.S3.Model;
using ObjectStore.IntegrationTests.Infrastructure;

namespace ObjectStore.IntegrationTests.Inline;

/// <summary>
/// Through the local host with the AWS SDK for .NET (aws-chunked body, CRC32 trailer): a 4 KiB PUT writes no
/// shard file (its data is in the index row), while an object over the threshold does, and both read back,
/// list and copy the same.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class InlineShardFileTests(LocalHostFixture fixture)
{
    private static HashSet<string> ShardFiles(string zonesRoot) =>
        Directory.Exists(zonesRoot) ? [.. Directory.EnumerateFiles(zonesRoot, "*", SearchOption.AllDirectories)] : [];

    [Theory]
    [InlineData(4 * 1024, 0)]
    [InlineData(0, 0)]
    [InlineData(200 * 1024, 6)] // over the default threshold: STANDARD's 4+2 shards
    public async Task A_put_writes_shard_files_only_above_the_inline_threshold(int size, int newShardFiles)
    {
        var host = await fixture.SharedOnAsync(ZoneLayout.Disk);
        var zonesRoot = Path.Combine(host.DataDirectory, "zones");
        using var s3 = host.CreateS3Client();
        var bucket = ClientTestData.BucketName("inline");
        await s3.PutBucketAsync(bucket);
        var body = RandomNumberGenerator.GetBytes(size);
        var before = ShardFiles(zonesRoot);

        var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", InputStream = new MemoryStream(body) });
        var created = ShardFiles(zonesRoot).Except(before).Count();
        using var get = await s3.GetObjectAsync(bucket, "k");
        using var read = new MemoryStream();
        await get.ResponseStream.CopyToAsync(read);
        await s3.CopyObjectAsync(bucket, "k", bucket, "copy");
        using var copy = await s3.GetObjectAsync(bucket, "copy");
        using var copied = new MemoryStream();
        await copy.ResponseStream.CopyToAsync(copied);
        var listed = Assert.Single((await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = "k" })).S3Objects);

        Assert.Equal(newShardFiles, created);
        Assert.Equal(body, read.ToArray());
        Assert.Equal(body, copied.ToArray());
        Assert.Equal("\"" + Convert.ToHexStringLower(MD5.HashData(body)) + "\"", put.ETag);
        Assert.Equal(put.ETag, listed.ETag);
        Assert.Equal(size, listed.Size);
    }
}
