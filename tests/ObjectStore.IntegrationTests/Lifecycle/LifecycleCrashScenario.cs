using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using ObjectStore.IntegrationTests.Infrastructure;
using ObjectStore.Tools;

namespace ObjectStore.IntegrationTests.Lifecycle;

/// <summary>
/// The store the lifecycle crash tests build twice, once for an uninterrupted pass and once for a
/// pass cut off (cancelled or its process killed), and the state they compare afterwards. Every rule
/// is due two rule days after the writes, so the end state does not depend on when the passes run.
/// </summary>
internal static class LifecycleCrashScenario
{
    public const string Rules = """
        <LifecycleConfiguration>
          <Rule><ID>expire</ID><Filter><Prefix>exp/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>2</Days></Expiration></Rule>
          <Rule><ID>to-ia</ID><Filter><Prefix>ia/</Prefix></Filter><Status>Enabled</Status><Transition><Days>1</Days><StorageClass>STANDARD_IA</StorageClass></Transition></Rule>
          <Rule><ID>to-glacier</ID><Filter><Prefix>gl/</Prefix></Filter><Status>Enabled</Status>
            <Transition><Days>1</Days><StorageClass>STANDARD_IA</StorageClass></Transition><Transition><Days>2</Days><StorageClass>GLACIER</StorageClass></Transition></Rule>
          <Rule><ID>noncurrent</ID><Filter><Prefix>nc/</Prefix></Filter><Status>Enabled</Status>
            <NoncurrentVersionTransition><NoncurrentDays>1</NoncurrentDays><StorageClass>GLACIER_IR</StorageClass></NoncurrentVersionTransition>
            <NoncurrentVersionExpiration><NoncurrentDays>2</NoncurrentDays><NewerNoncurrentVersions>1</NewerNoncurrentVersions></NoncurrentVersionExpiration></Rule>
          <Rule><ID>markers</ID><Filter><Prefix>dm/</Prefix></Filter><Status>Enabled</Status><Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>
            <NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays></NoncurrentVersionExpiration></Rule>
          <Rule><ID>uploads</ID><Filter><Prefix></Prefix></Filter><Status>Enabled</Status><AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>
        </LifecycleConfiguration>
        """;

    /// <summary>
    /// A versioned bucket with <see cref="Rules"/> and the same objects, versions, markers and
    /// uploads in every store; <paramref name="betweenVersions"/> runs after each round of
    /// noncurrent versions (a fake clock's step, so versions get distinct instants).
    /// </summary>
    public static async Task PopulateAsync(AmazonS3Client s3, Uri endpoint, string bucket, Action? betweenVersions = null)
    {
        await s3.PutBucketAsync(bucket);
        await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } });
        // Raw and signed: the document goes as written.
        var signer = new S3Signer(LocalHostInstance.AccessKey, LocalHostInstance.SecretKey, "us-east-1");
        using var http = new HttpClient();
        using var put = new HttpRequestMessage(HttpMethod.Put, new Uri(endpoint, $"/{bucket}?lifecycle")) { Content = new StringContent(Rules) };
        signer.Sign(put);
        using (var response = await http.SendAsync(put))
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());

        for (var i = 0; i < 5; i++)
        {
            await PutAsync(s3, bucket, $"exp/{i}", 2000 + i);
            await PutAsync(s3, bucket, $"ia/{i}", 150_000 + i);
            await PutAsync(s3, bucket, $"gl/{i}", 60_000 + i);
            await PutAsync(s3, bucket, $"keep/{i}", 100 + i);
        }
        for (var v = 0; v < 4; v++)
        {
            for (var i = 0; i < 3; i++)
                await PutAsync(s3, bucket, $"nc/{i}", 40_000 + 10 * v + i);
            betweenVersions?.Invoke();
        }
        for (var i = 0; i < 3; i++)
        {
            await PutAsync(s3, bucket, $"dm/{i}", 500 + i);
            await s3.DeleteObjectAsync(bucket, $"dm/{i}");
        }
        for (var i = 0; i < 3; i++)
        {
            var upload = await s3.InitiateMultipartUploadAsync(bucket, $"up/{i}");
            await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = $"up/{i}", UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream(Payload(70_000, i)) });
        }
    }

    /// <summary>
    /// Every version in listing order with what identifies it across two stores (version ids differ),
    /// and the bytes of each current object that is not archived (GLACIER answers GET with InvalidObjectState).
    /// </summary>
    public static async Task<List<string>> StateAsync(AmazonS3Client s3, string bucket)
    {
        var state = new List<string>();
        var request = new ListVersionsRequest { BucketName = bucket };
        while (true)
        {
            var page = await s3.ListVersionsAsync(request);
            foreach (var v in page.Versions ?? [])
            {
                var line = $"{v.Key} latest={v.IsLatest} marker={v.IsDeleteMarker} class={v.StorageClass?.Value} size={v.Size} etag={v.ETag}";
                if (v.IsLatest == true && v.IsDeleteMarker != true && v.StorageClass?.Value != "GLACIER")
                {
                    using var response = await s3.GetObjectAsync(bucket, v.Key);
                    using var body = new MemoryStream();
                    await response.ResponseStream.CopyToAsync(body);
                    line += " sha256=" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(body.ToArray()));
                }
                state.Add(line);
            }
            if (page.IsTruncated != true)
                return state;
            (request.KeyMarker, request.VersionIdMarker) = (page.NextKeyMarker, page.NextVersionIdMarker);
        }
    }

    private static Task PutAsync(AmazonS3Client s3, string bucket, string key, int size) =>
        s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(Payload(size, size)) });

    private static byte[] Payload(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
