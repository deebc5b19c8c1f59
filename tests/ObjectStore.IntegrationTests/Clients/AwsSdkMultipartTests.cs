using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.S3.Transfer;
using ObjectStore.IntegrationTests.Infrastructure;

namespace ObjectStore.IntegrationTests.Clients;

/// <summary>
/// AWSSDK.S3 4.1.0 multipart uploads end to end: TransferUtility up and down in 8 MiB parts, the
/// low-level calls (an upload left unfinished is listed, then aborted), GET by part number.
/// </summary>
public abstract class AwsSdkMultipartContract(LocalHostFixture fixture, ZoneLayout? zones) : IDisposable, IAsyncLifetime
{
    private LocalHostInstance? _host;

    /// <summary>The shared host, or the shared host of <c>zones</c> when the class names a layout.</summary>
    private LocalHostInstance Host => _host ?? throw new InvalidOperationException("Not initialized.");

    public async Task InitializeAsync() => _host = zones is { } layout ? await fixture.SharedOnAsync(layout) : fixture.Shared;

    public Task DisposeAsync() => Task.CompletedTask;

    private const long MiB = ClientTestData.MiB;
    private readonly ClientTestData _data = new();

    public void Dispose() => _data.Dispose();

    private async Task<(AmazonS3Client S3, string Bucket)> NewBucketAsync()
    {
        var s3 = Host.CreateS3Client();
        var bucket = ClientTestData.BucketName("sdkmp");
        await s3.PutBucketAsync(bucket);
        return (s3, bucket);
    }

    [Fact]
    public async Task TransferUtility_uploads_40MiB_in_8MiB_parts_and_downloads_it_byte_identical()
    {
        var (s3, bucket) = await NewBucketAsync();
        using var _ = s3;
        var source = _data.Payload("forty-mib.bin", 40 * MiB);
        using var transfer = new TransferUtility(s3);
        await transfer.UploadAsync(new TransferUtilityUploadRequest
        {
            BucketName = bucket, Key = "checkpoints/model.bin", FilePath = source, PartSize = 8 * MiB, ContentType = "application/x-model",
        });

        var head = await s3.GetObjectMetadataAsync(bucket, "checkpoints/model.bin");
        Assert.Equal(40 * MiB, head.ContentLength);
        Assert.EndsWith("-5\"", head.ETag, StringComparison.Ordinal);
        Assert.Equal("application/x-model", head.Headers.ContentType);

        var target = _data.NewFilePath("model.bin");
        await transfer.DownloadAsync(new TransferUtilityDownloadRequest { BucketName = bucket, Key = "checkpoints/model.bin", FilePath = target });
        Assert.Equal(ClientTestData.Sha256(source), ClientTestData.Sha256(target));

        // Part 3 by number: bytes [16 MiB, 24 MiB) with the part count.
        using var part = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "checkpoints/model.bin", PartNumber = 3 });
        Assert.Equal(HttpStatusCode.PartialContent, part.HttpStatusCode);
        Assert.Equal(5, part.PartsCount);
        Assert.Equal($"bytes {16 * MiB}-{24 * MiB - 1}/{40 * MiB}", part.ContentRange);
        var expected = new byte[8 * MiB];
        await using (var file = File.OpenRead(source))
        {
            file.Position = 16 * MiB;
            await file.ReadExactlyAsync(expected);
        }
        using var buffer = new MemoryStream();
        await part.ResponseStream.CopyToAsync(buffer);
        Assert.Equal(expected, buffer.ToArray());
    }

    [Fact]
    public async Task An_unfinished_upload_is_listed_with_its_parts_and_abort_removes_it()
    {
        var (s3, bucket) = await NewBucketAsync();
        using var _ = s3;
        var source = _data.Payload("five-mib.bin", 5 * MiB);
        var initiated = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = "left/behind" });
        var part = await s3.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket, Key = "left/behind", UploadId = initiated.UploadId, PartNumber = 1, FilePath = source,
        });
        Assert.False(string.IsNullOrEmpty(part.ETag));

        var uploads = await s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket });
        var listed = Assert.Single(uploads.MultipartUploads);
        Assert.Equal(("left/behind", initiated.UploadId), (listed.Key, listed.UploadId));
        var parts = await s3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "left/behind", UploadId = initiated.UploadId });
        Assert.Equal([(1, 5 * MiB)], parts.Parts.Select(p => (p.PartNumber ?? 0, p.Size ?? 0L)));

        await s3.AbortMultipartUploadAsync(bucket, "left/behind", initiated.UploadId);
        Assert.Empty((await s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket })).MultipartUploads ?? []);
        var gone = await Assert.ThrowsAsync<AmazonS3Exception>(() =>
            s3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "left/behind", UploadId = initiated.UploadId }));
        Assert.Equal("NoSuchUpload", gone.ErrorCode);
        // Nothing is left that would keep the bucket from being deleted.
        await s3.DeleteBucketAsync(bucket);
    }
}

/// <summary>On the shared host (zones on disk unless <see cref="ZoneLayouts.Variable"/> says otherwise).</summary>
[Collection(LocalHostCollection.Name)]
public sealed class AwsSdkMultipartTests(LocalHostFixture fixture) : AwsSdkMultipartContract(fixture, zones: null);

/// <summary>The same suite with zone-a on disk, zone-b and zone-c Blob containers.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class AwsSdkMultipartOnMixedZonesTests(LocalHostFixture fixture) : AwsSdkMultipartContract(fixture, ZoneLayout.Mixed);
