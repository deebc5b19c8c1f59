using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using Amazon.S3;
using Amazon.S3.Model;
using ObjectStore.IntegrationTests.Infrastructure;

namespace ObjectStore.IntegrationTests.Signatures;

/// <summary>
/// A hostile caller holding a valid presigned URL, and clients signing for the wrong region or service,
/// with the real AWS SDK and boto3 against the local host: a signature covers only what it signed.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class SignatureScopeTests(LocalHostFixture host) : IDisposable
{
    private readonly ClientTestData _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Presigned_put_with_an_added_copy_source_header_is_refused_and_copies_nothing()
    {
        using var s3 = host.CreateS3Client();
        var bucket = ClientTestData.BucketName("presign");
        var secrets = ClientTestData.BucketName("secrets");
        await s3.PutBucketAsync(bucket);
        await s3.PutBucketAsync(secrets);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = secrets, Key = "secret.txt", ContentBody = "the secret" });
        var url = await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = bucket, Key = "upload.bin", Verb = HttpVerb.PUT, Expires = DateTime.UtcNow.AddMinutes(5), Protocol = Protocol.HTTP,
        });

        using var http = new HttpClient();
        var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent([]) };
        request.Headers.TryAddWithoutValidation("x-amz-copy-source", $"{secrets}/secret.txt");
        request.Headers.TryAddWithoutValidation("x-amz-meta-added", "by-the-caller");
        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var error = XElement.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("AccessDenied", error.Element("Code")?.Value);
        Assert.Equal("x-amz-copy-source, x-amz-meta-added", error.Element("HeadersNotSigned")?.Value);
        var missing = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(bucket, "upload.bin"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        // The same URL used as signed still works.
        using var plain = await http.PutAsync(url, new ByteArrayContent("payload"u8.ToArray()));
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
    }

    [Theory]
    [InlineData("eu-west-1")]
    [InlineData("mars-1")]
    public async Task Sdk_client_signing_for_another_region_gets_AuthorizationHeaderMalformed_naming_ours(string region)
    {
        using var s3 = host.Shared.CreateS3Client(configure: c => { c.AuthenticationRegion = region; c.MaxErrorRetry = 0; });

        var ex = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.ListBucketsAsync());

        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Equal("AuthorizationHeaderMalformed", ex.ErrorCode);
        Assert.Contains("expecting 'us-east-1'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Boto3_requests_signed_for_another_service_or_region_are_refused_and_creating_a_bucket_elsewhere_is_illegal()
    {
        const string script = """
            import requests
            from botocore.auth import SigV4Auth
            from botocore.awsrequest import AWSRequest
            from botocore.credentials import Credentials

            def signed_status(service, region):
                request = AWSRequest(method="GET", url=args["endpoint"] + "/", headers={"x-amz-content-sha256": "UNSIGNED-PAYLOAD"})
                SigV4Auth(Credentials(args["key"], args["secret"]), service, region).add_auth(request)
                response = requests.get(request.url, headers=dict(request.headers))
                return [response.status_code, response.text]

            out["iam"] = signed_status("iam", "us-east-1")
            out["s3"] = signed_status("s3", "us-east-1")
            try:
                s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
                out["create_elsewhere"] = "ok"
            except ClientError as e:
                out["create_elsewhere"] = e.response["Error"]["Code"]
            out["exists"] = bucket in [b["Name"] for b in s3.list_buckets()["Buckets"]]
            """;

        var (outcome, _) = await Boto3Script.RunAsync(host, _data, script, new Dictionary<string, object?> { ["bucket"] = ClientTestData.BucketName("elsewhere") });

        var iam = outcome.GetProperty("iam");
        Assert.Equal(400, iam[0].GetInt32());
        Assert.Contains("<Code>AuthorizationHeaderMalformed</Code>", iam[1].GetString(), StringComparison.Ordinal);
        Assert.Equal(200, outcome.GetProperty("s3")[0].GetInt32());
        Assert.Equal("IllegalLocationConstraintException", outcome.GetProperty("create_elsewhere").GetString());
        Assert.False(outcome.GetProperty("exists").GetBoolean());
    }
}
