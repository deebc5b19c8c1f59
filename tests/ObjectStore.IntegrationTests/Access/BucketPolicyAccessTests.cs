using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using ObjectStore.IntegrationTests.Infrastructure;
using static ObjectStore.IntegrationTests.Access.AccessTestKit;

namespace ObjectStore.IntegrationTests.Access;

/// <summary>Bucket policies and the public access block through AWSSDK.S3, anonymous HTTP and users' keys.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class BucketPolicyAccessTests(LocalHostFixture host)
{
    private static string PublicRead(string bucket) => $$"""
        {"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::{{bucket}}/public/*"}]}
        """;

    /// <summary>A new bucket of <paramref name="root"/>'s holding the given objects.</summary>
    private static async Task<string> BucketWithAsync(AmazonS3Client root, string prefix, params (string Key, string Body)[] objects)
    {
        var bucket = ClientTestData.BucketName(prefix);
        await root.PutBucketAsync(bucket);
        foreach (var (key, body) in objects)
            await root.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = body });
        return bucket;
    }

    /// <summary>An unsigned request answers 403 AccessDenied as S3 error XML.</summary>
    private static async Task AnonymousDeniedAsync(Task<HttpResponseMessage> request)
    {
        using var response = await request;
        await PlatformEndToEndTests.AssertS3ErrorAsync(response, HttpStatusCode.Forbidden, "AccessDenied");
    }

    [Fact]
    public async Task Anonymous_get_works_only_after_a_bucket_policy_allows_it_and_stops_when_the_public_access_block_is_on()
    {
        using var root = host.CreateS3Client();
        var bucket = await BucketWithAsync(root, "public", ("public/model.bin", "weights"), ("private/key.bin", "secret"));
        using var http = new HttpClient();
        var url = new Uri(host.Endpoint, $"/{bucket}/public/model.bin");

        await AnonymousDeniedAsync(http.GetAsync(url));

        // New buckets block public policies (the server default), as S3 does.
        var blocked = await Assert.ThrowsAsync<AmazonS3Exception>(() => root.PutBucketPolicyAsync(bucket, PublicRead(bucket)));
        Assert.Equal("AccessDenied", blocked.ErrorCode);
        var block = await root.GetPublicAccessBlockAsync(new GetPublicAccessBlockRequest { BucketName = bucket });
        Assert.True(block.PublicAccessBlockConfiguration.BlockPublicPolicy);

        await root.DeletePublicAccessBlockAsync(new DeletePublicAccessBlockRequest { BucketName = bucket });
        await root.PutBucketPolicyAsync(bucket, PublicRead(bucket));
        Assert.Contains("PublicRead", (await root.GetBucketPolicyAsync(bucket)).Policy);
        Assert.True((await root.GetBucketPolicyStatusAsync(new GetBucketPolicyStatusRequest { BucketName = bucket })).PolicyStatus.IsPublic);

        using (var allowed = await http.GetAsync(url))
        {
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
            Assert.Equal("weights", await allowed.Content.ReadAsStringAsync());
        }
        await AnonymousDeniedAsync(http.GetAsync(new Uri(host.Endpoint, $"/{bucket}/private/key.bin")));
        await AnonymousDeniedAsync(http.GetAsync(new Uri(host.Endpoint, $"/{bucket}?list-type=2")));
        await AnonymousDeniedAsync(http.PutAsync(new Uri(host.Endpoint, $"/{bucket}/public/new"), new StringContent("x")));
        await AnonymousDeniedAsync(http.GetAsync(new Uri(host.Endpoint, "/_admin/v1/users")));

        await root.PutPublicAccessBlockAsync(new PutPublicAccessBlockRequest
        {
            BucketName = bucket,
            PublicAccessBlockConfiguration = new PublicAccessBlockConfiguration { RestrictPublicBuckets = true },
        });
        await AnonymousDeniedAsync(http.GetAsync(url));
    }

    [Fact]
    public async Task Invalid_policies_are_MalformedPolicy_and_a_missing_one_NoSuchBucketPolicy()
    {
        using var root = host.CreateS3Client();
        var bucket = await BucketWithAsync(root, "malformed");
        // AWSSDK.S3 does not throw here: it hands back the 404 and the error document as the policy text.
        var none = await root.GetBucketPolicyAsync(bucket);
        Assert.Equal(HttpStatusCode.NotFound, none.HttpStatusCode);
        Assert.Contains("<Code>NoSuchBucketPolicy</Code>", none.Policy);
        var bad = await Assert.ThrowsAsync<AmazonS3Exception>(() => root.PutBucketPolicyAsync(bucket,
            """{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::another-bucket/*"}]}"""));
        Assert.Equal("MalformedPolicy", bad.ErrorCode);
        Assert.Equal("Policy has invalid resource", bad.Message);
    }

    [Fact]
    public async Task A_bucket_policy_grants_a_user_access_and_its_Deny_overrides_the_users_own_Allow()
    {
        using var root = host.CreateS3Client();
        var bucket = await BucketWithAsync(root, "deny", ("shared/a", "a"), ("frozen/b", "b"));
        var user = await CreateUserAsync(host.Shared, UniqueName("dev"), $$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:DeleteObject"],"Resource":"arn:aws:s3:::{{bucket}}/*"}]}
            """);
        using var s3 = Client(host.Shared, user);
        await DeniedAsync(() => s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "shared/new", ContentBody = "x" }));

        await root.PutBucketPolicyAsync(bucket, $$"""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:user/{{user.UserName}}"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::{{bucket}}/shared/*"},
              {"Effect":"Deny","Principal":"*","Action":["s3:DeleteObject","s3:PutObject"],"Resource":"arn:aws:s3:::{{bucket}}/frozen/*"}]}
            """);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "shared/new", ContentBody = "x" });
        await s3.DeleteObjectAsync(bucket, "shared/new");
        await DeniedAsync(() => s3.DeleteObjectAsync(bucket, "frozen/b"));
        using (var read = await s3.GetObjectAsync(bucket, "frozen/b"))
            Assert.Equal(HttpStatusCode.OK, read.HttpStatusCode);
        Assert.Equal(HttpStatusCode.OK, (await root.GetObjectMetadataAsync(bucket, "frozen/b")).HttpStatusCode);
    }

    [Fact]
    public async Task Conditions_on_the_source_address_and_the_listing_prefix_are_enforced()
    {
        using var root = host.CreateS3Client();
        var bucket = await BucketWithAsync(root, "cond", ("datasets/a", "a"), ("secret/b", "b"));
        string Policy(string cidr) => $$$"""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::{{{bucket}}}","Condition":{"StringLike":{"s3:prefix":"datasets/*"} } },
              {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::{{{bucket}}}/*","Condition":{"IpAddress":{"aws:SourceIp":"{{{cidr}}}"} } }]}
            """;
        var user = await CreateUserAsync(host.Shared, UniqueName("cond"), Policy("10.0.0.0/8"));
        using var s3 = Client(host.Shared, user);

        var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = "datasets/" });
        Assert.Equal(["datasets/a"], listed.S3Objects.Select(o => o.Key));
        await DeniedAsync(() => s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket }));
        await DeniedAsync(() => s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = "secret/" }));

        await DeniedAsync(() => s3.GetObjectAsync(bucket, "datasets/a")); // the test connects from 127.0.0.1
        await PutPolicyAsync(host.Shared, user.UserName, "access", Policy("127.0.0.0/8"));
        using (var read = await s3.GetObjectAsync(bucket, "datasets/a"))
            Assert.Equal(HttpStatusCode.OK, read.HttpStatusCode);
    }
}
