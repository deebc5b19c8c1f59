using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using ObjectStore.IntegrationTests.Infrastructure;
using static ObjectStore.IntegrationTests.Access.AccessTestKit;

namespace ObjectStore.IntegrationTests.Access;

/// <summary>
/// A user whose policy allows s3:GetObject on datasets/* and s3:PutObject on checkpoints/* can do
/// exactly that with AWSSDK.S3, signed headers and presigned URLs alike, and nothing else.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class TrainingJobAccessTests(LocalHostFixture host)
{
    private async Task<(string Bucket, UserKeys User)> SetUpAsync()
    {
        var bucket = ClientTestData.BucketName("train");
        using var root = host.CreateS3Client();
        await root.PutBucketAsync(bucket);
        foreach (var key in new[] { "datasets/a.txt", "checkpoints/old", "other/x" })
            await root.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = "content of " + key });
        var user = await CreateUserAsync(host.Shared, UniqueName("job"), TrainingJobPolicy(bucket));
        return (bucket, user);
    }

    [Fact]
    public async Task The_user_reads_datasets_and_writes_checkpoints_and_is_refused_everything_else()
    {
        var (bucket, user) = await SetUpAsync();
        using var s3 = Client(host.Shared, user);

        using (var read = await s3.GetObjectAsync(bucket, "datasets/a.txt"))
        using (var reader = new StreamReader(read.ResponseStream))
            Assert.Equal("content of datasets/a.txt", await reader.ReadToEndAsync());
        Assert.Equal(HttpStatusCode.OK, (await s3.GetObjectMetadataAsync(bucket, "datasets/a.txt")).HttpStatusCode);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "checkpoints/step-1", ContentBody = "weights" });

        await DeniedAsync(() => s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "datasets/b.txt", ContentBody = "x" }));
        await DeniedAsync(() => s3.GetObjectAsync(bucket, "checkpoints/step-1"));
        await DeniedAsync(() => s3.GetObjectAsync(bucket, "other/x"));
        await DeniedAsync(() => s3.GetObjectMetadataAsync(bucket, "other/x"));
        await DeniedAsync(() => s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket }));
        await DeniedAsync(() => s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = "datasets/" }));
        await DeniedAsync(() => s3.DeleteObjectAsync(bucket, "datasets/a.txt"));
        await DeniedAsync(() => s3.DeleteObjectAsync(bucket, "checkpoints/step-1"));
        await DeniedAsync(() => s3.ListBucketsAsync());
        await DeniedAsync(() => s3.PutBucketAsync(ClientTestData.BucketName("nope")));
        await DeniedAsync(() => s3.GetBucketPolicyAsync(bucket));
        await DeniedAsync(() => s3.PutObjectTaggingAsync(new PutObjectTaggingRequest { BucketName = bucket, Key = "checkpoints/step-1", Tagging = new Tagging { TagSet = [new Tag { Key = "a", Value = "b" }] } }));

        // Another bucket, with the same key layout.
        var other = ClientTestData.BucketName("other");
        using var root = host.CreateS3Client();
        await root.PutBucketAsync(other);
        await root.PutObjectAsync(new PutObjectRequest { BucketName = other, Key = "datasets/a.txt", ContentBody = "x" });
        await DeniedAsync(() => s3.GetObjectAsync(other, "datasets/a.txt"));
        await DeniedAsync(() => s3.PutObjectAsync(new PutObjectRequest { BucketName = other, Key = "checkpoints/a", ContentBody = "x" }));

        // Nothing the user was refused happened.
        await Assert.ThrowsAsync<AmazonS3Exception>(() => root.GetObjectMetadataAsync(bucket, "datasets/b.txt"));
        Assert.Equal(HttpStatusCode.OK, (await root.GetObjectMetadataAsync(bucket, "datasets/a.txt")).HttpStatusCode);
        Assert.Equal(HttpStatusCode.OK, (await root.GetObjectMetadataAsync(bucket, "checkpoints/step-1")).HttpStatusCode);
    }

    [Fact]
    public async Task Copies_need_read_on_the_source_multipart_needs_write_and_DeleteObjects_refuses_per_key()
    {
        var (bucket, user) = await SetUpAsync();
        using var s3 = Client(host.Shared, user);

        await s3.CopyObjectAsync(bucket, "datasets/a.txt", bucket, "checkpoints/copy");
        await DeniedAsync(() => s3.CopyObjectAsync(bucket, "other/x", bucket, "checkpoints/copy2"));
        await DeniedAsync(() => s3.CopyObjectAsync(bucket, "datasets/a.txt", bucket, "datasets/copy"));

        var upload = await s3.InitiateMultipartUploadAsync(bucket, "checkpoints/big");
        var part = await s3.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket, Key = "checkpoints/big", UploadId = upload.UploadId, PartNumber = 1,
            InputStream = new MemoryStream(new byte[1024]),
        });
        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "checkpoints/big", UploadId = upload.UploadId, PartETags = [new PartETag(1, part.ETag)],
        });
        await DeniedAsync(() => s3.InitiateMultipartUploadAsync(bucket, "datasets/big"));
        var rootUpload = await host.CreateS3Client().InitiateMultipartUploadAsync(bucket, "checkpoints/other");
        await DeniedAsync(() => s3.AbortMultipartUploadAsync(bucket, "checkpoints/other", rootUpload.UploadId));
        await DeniedAsync(() => s3.ListPartsAsync(bucket, "checkpoints/other", rootUpload.UploadId));

        var refused = await Assert.ThrowsAsync<DeleteObjectsException>(() => s3.DeleteObjectsAsync(new DeleteObjectsRequest
        {
            BucketName = bucket,
            Objects = [new KeyVersion { Key = "datasets/a.txt" }, new KeyVersion { Key = "checkpoints/copy" }],
        }));
        Assert.Empty(refused.Response.DeletedObjects ?? []);
        Assert.Equal(["checkpoints/copy", "datasets/a.txt"], refused.Response.DeleteErrors.Select(e => e.Key).Order());
        Assert.All(refused.Response.DeleteErrors, e => Assert.Equal("AccessDenied", e.Code));
        Assert.Equal(HttpStatusCode.OK, (await host.CreateS3Client().GetObjectMetadataAsync(bucket, "datasets/a.txt")).HttpStatusCode);
    }

    [Fact]
    public async Task Presigned_urls_the_user_signs_carry_exactly_the_users_permissions()
    {
        var (bucket, user) = await SetUpAsync();
        using var s3 = Client(host.Shared, user);
        using var http = new HttpClient();
        string Presign(string key, HttpVerb verb) => s3.GetPreSignedURL(new GetPreSignedUrlRequest
        {
            BucketName = bucket, Key = key, Verb = verb, Expires = DateTime.UtcNow.AddMinutes(5), Protocol = Protocol.HTTP,
        });

        using (var get = await http.GetAsync(Presign("datasets/a.txt", HttpVerb.GET)))
        {
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal("content of datasets/a.txt", await get.Content.ReadAsStringAsync());
        }
        using (var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, Presign("datasets/a.txt", HttpVerb.HEAD))))
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        using (var put = await http.PutAsync(Presign("checkpoints/presigned", HttpVerb.PUT), new StringContent("w")))
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        using (var get = await http.GetAsync(Presign("other/x", HttpVerb.GET)))
            await PlatformEndToEndTests.AssertS3ErrorAsync(get, HttpStatusCode.Forbidden, "AccessDenied");
        using (var put = await http.PutAsync(Presign("datasets/presigned", HttpVerb.PUT), new StringContent("w")))
            await PlatformEndToEndTests.AssertS3ErrorAsync(put, HttpStatusCode.Forbidden, "AccessDenied");
        using (var delete = await http.DeleteAsync(Presign("datasets/a.txt", HttpVerb.DELETE)))
            await PlatformEndToEndTests.AssertS3ErrorAsync(delete, HttpStatusCode.Forbidden, "AccessDenied");

        // Checked at request time: a URL signed while allowed stops working when the policy goes.
        var url = Presign("datasets/a.txt", HttpVerb.GET);
        await AdminCli.RunJsonAsync(host.Shared, "policies", "delete", user.UserName, "access");
        using (var get = await http.GetAsync(url))
            await PlatformEndToEndTests.AssertS3ErrorAsync(get, HttpStatusCode.Forbidden, "AccessDenied");
    }

    [Fact]
    public async Task The_user_cannot_call_the_admin_api_but_an_admin_user_can()
    {
        var (_, user) = await SetUpAsync();
        var refused = await AdminCli.RunAsAsync(host.Shared, user.AccessKey, user.SecretKey, "users", "list");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("<Code>AccessDenied</Code>", refused.StdErr);

        var admin = await CreateUserAsync(host.Shared, UniqueName("ops"), policy: null, admin: true);
        var listed = await AdminCli.RunAsAsync(host.Shared, admin.AccessKey, admin.SecretKey, "users", "list");
        Assert.True(listed.ExitCode == 0, listed.ToString());
        Assert.Contains(user.UserName, listed.StdOut);

        // Secrets appear once, in the answer that created them: never in listings or the log.
        var keys = await AdminCli.RunAsync(host.Shared, "keys", "list", user.UserName);
        Assert.Contains(user.AccessKey, keys.StdOut);
        Assert.DoesNotContain(user.SecretKey, keys.StdOut);
        Assert.DoesNotContain(host.Shared.Log.Entries, e => e.ToString().Contains(user.SecretKey, StringComparison.Ordinal));
    }
}
