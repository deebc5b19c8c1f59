using System.Net;
using System.Text;
using System.Xml.Linq;
using Amazon.S3;
using Amazon.S3.Model;
using ObjectStore.IntegrationTests.Infrastructure;
using static ObjectStore.IntegrationTests.Access.AccessTestKit;

namespace ObjectStore.IntegrationTests.Browser;

/// <summary>
/// Browser form uploads (PostObject) through the local host, with forms built and signed as boto3's
/// generate_presigned_post does and posted by a real HTTP client; results read back with the AWS SDK.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class PostObjectTests(LocalHostFixture host) : IDisposable
{
    private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(60) };

    public void Dispose() => _http.Dispose();

    private async Task<string> BucketAsync(AmazonS3Client s3)
    {
        var bucket = ClientTestData.BucketName("post");
        await s3.PutBucketAsync(bucket);
        return bucket;
    }

    private Uri BucketUrl(string bucket) => new(host.Endpoint, "/" + bucket);

    private async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> PostAsync(string bucket, IReadOnlyDictionary<string, string> fields, byte[] file,
        string fileName = "upload.bin")
    {
        using var content = PresignedPost.Content(fields, file, fileName);
        var response = await _http.PostAsync(BucketUrl(bucket), content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    private static string Code(string body) => XElement.Parse(body).Element("Code")!.Value;

    private static async Task AbsentAsync(AmazonS3Client s3, string bucket, string key)
    {
        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(bucket, key));
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task A_signed_form_uploads_the_file_with_its_content_type_metadata_and_tags_and_it_reads_back()
    {
        using var s3 = host.CreateS3Client();
        var bucket = await BucketAsync(s3);
        var file = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("label,box\n", 50_000)));
        var fields = PresignedPost.Create(LocalHostFixture.AccessKey, LocalHostFixture.SecretKey, bucket, "uploads/${filename}",
            ["""["starts-with", "$Content-Type", "text/"]""", """["starts-with", "$x-amz-meta-", ""]""", """["content-length-range", 1, 1048576]""",
             """{"tagging": "<Tagging><TagSet><Tag><Key>source</Key><Value>browser</Value></Tag></TagSet></Tagging>"}""", """["starts-with", "$x-amz-meta-labeler", ""]"""],
            new Dictionary<string, string>
            {
                ["Content-Type"] = "text/csv",
                ["x-amz-meta-labeler"] = "ada",
                ["tagging"] = "<Tagging><TagSet><Tag><Key>source</Key><Value>browser</Value></Tag></TagSet></Tagging>",
            });

        var (status, body, response) = await PostAsync(bucket, fields, file, "labels.csv");

        Assert.True(status == HttpStatusCode.NoContent, body);
        Assert.NotNull(response.Headers.ETag);
        Assert.Equal($"{host.Endpoint.ToString().TrimEnd('/')}/{bucket}/uploads/labels.csv", response.Headers.Location?.ToString());
        using var get = await s3.GetObjectAsync(bucket, "uploads/labels.csv");
        using var reader = new StreamReader(get.ResponseStream);
        Assert.Equal(Encoding.UTF8.GetString(file), await reader.ReadToEndAsync());
        Assert.Equal("text/csv", get.Headers.ContentType);
        Assert.Equal("ada", get.Metadata["x-amz-meta-labeler"]);
        Assert.Equal(response.Headers.ETag!.Tag, get.ETag);
        var tags = await s3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "uploads/labels.csv" });
        Assert.Equal("browser", Assert.Single(tags.Tagging).Value);
    }

    [Fact]
    public async Task A_form_asking_for_SSE_S3_stores_the_file_encrypted_and_a_KMS_one_is_refused()
    {
        using var s3 = host.CreateS3Client();
        var bucket = await BucketAsync(s3);
        var file = Encoding.UTF8.GetBytes("sealed labels");
        var fields = PresignedPost.Create(LocalHostFixture.AccessKey, LocalHostFixture.SecretKey, bucket, "sealed/${filename}",
            ["""{"x-amz-server-side-encryption": "AES256"}"""],
            new Dictionary<string, string> { ["x-amz-server-side-encryption"] = "AES256" });

        var (status, body, response) = await PostAsync(bucket, fields, file, "labels.csv");

        Assert.True(status == HttpStatusCode.NoContent, body);
        Assert.Equal("AES256", response.Headers.GetValues("x-amz-server-side-encryption").Single());
        var head = await s3.GetObjectMetadataAsync(bucket, "sealed/labels.csv");
        Assert.Equal(ServerSideEncryptionMethod.AES256, head.ServerSideEncryptionMethod);
        using var get = await s3.GetObjectAsync(bucket, "sealed/labels.csv");
        using var reader = new StreamReader(get.ResponseStream);
        Assert.Equal("sealed labels", await reader.ReadToEndAsync());

        var kms = PresignedPost.Create(LocalHostFixture.AccessKey, LocalHostFixture.SecretKey, bucket, "sealed/${filename}",
            ["""{"x-amz-server-side-encryption": "aws:kms"}"""],
            new Dictionary<string, string> { ["x-amz-server-side-encryption"] = "aws:kms" });
        var (kmsStatus, kmsBody, _) = await PostAsync(bucket, kms, file, "kms.csv");
        Assert.Equal((HttpStatusCode.NotImplemented, "NotImplemented"), (kmsStatus, Code(kmsBody)));
        await AbsentAsync(s3, bucket, "sealed/kms.csv");
    }

    [Fact]
    public async Task A_file_over_the_content_length_range_is_EntityTooLarge_and_stores_nothing()
    {
        using var s3 = host.CreateS3Client();
        var bucket = await BucketAsync(s3);
        var fields = PresignedPost.Create(LocalHostFixture.AccessKey, LocalHostFixture.SecretKey, bucket, "uploads/big.bin", ["""["content-length-range", 1, 1000]"""]);
        var (status, body, _) = await PostAsync(bucket, fields, new byte[3 * 1024 * 1024]);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("EntityTooLarge", Code(body));
        await AbsentAsync(s3, bucket, "uploads/big.bin");
        Assert.Empty((await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? []);

        var small = await PostAsync(bucket, PresignedPost.Create(LocalHostFixture.AccessKey, LocalHostFixture.SecretKey, bucket, "uploads/small.bin",
            ["""["content-length-range", 100, 1000]"""]), new byte[99]);
        Assert.Equal("EntityTooSmall", Code(small.Body));
        await AbsentAsync(s3, bucket, "uploads/small.bin");

        var exact = await PostAsync(bucket, PresignedPost.Create(LocalHostFixture.AccessKey, LocalHostFixture.SecretKey, bucket, "uploads/exact.bin",
            ["""["content-length-range", 100, 1000]"""]), new byte[1000]);
        Assert.Equal(HttpStatusCode.NoContent, exact.Status);
        Assert.Equal(1000, (await s3.GetObjectMetadataAsync(bucket, "uploads/exact.bin")).ContentLength);
    }

    [Fact]
    public async Task Expired_policies_keys_outside_the_prefix_extra_fields_and_bad_signatures_are_refused()
    {
        using var s3 = host.CreateS3Client();
        var bucket = await BucketAsync(s3);
        var expired = PresignedPost.Create(LocalHostFixture.AccessKey, LocalHostFixture.SecretKey, bucket, "uploads/a.bin", expiresIn: TimeSpan.FromSeconds(-1));
        var result = await PostAsync(bucket, expired, [1]);
        Assert.Equal(HttpStatusCode.Forbidden, result.Status);
        Assert.Equal("AccessDenied", Code(result.Body));
        Assert.Contains("Policy expired", result.Body);

        var outside = PresignedPost.Create(LocalHostFixture.AccessKey, LocalHostFixture.SecretKey, bucket, "uploads/${filename}");
        outside["key"] = "private/${filename}";
        result = await PostAsync(bucket, outside, [1]);
        Assert.Equal("AccessDenied", Code(result.Body));
        Assert.Contains("""Policy Condition failed: ["starts-with", "$key", "uploads/"]""", result.Body);

        var extra = PresignedPost.Create(LocalHostFixture.AccessKey, LocalHostFixture.SecretKey, bucket, "uploads/x.bin");
        extra["x-amz-meta-sneaky"] = "1";
        result = await PostAsync(bucket, extra, [1]);
        Assert.Equal("AccessDenied", Code(result.Body));
        Assert.Contains("Extra input fields: x-amz-meta-sneaky", result.Body);

        var forged = PresignedPost.Create(LocalHostFixture.AccessKey, "not-the-secret", bucket, "uploads/y.bin");
        result = await PostAsync(bucket, forged, [1]);
        Assert.Equal(HttpStatusCode.Forbidden, result.Status);
        Assert.Equal("SignatureDoesNotMatch", Code(result.Body));

        var unknown = PresignedPost.Create("AKNOSUCHKEY", "whatever", bucket, "uploads/z.bin");
        Assert.Equal("InvalidAccessKeyId", Code((await PostAsync(bucket, unknown, [1])).Body));

        var tampered = PresignedPost.Create(LocalHostFixture.AccessKey, LocalHostFixture.SecretKey, bucket, "uploads/t.bin");
        tampered["policy"] = PresignedPost.Create(LocalHostFixture.AccessKey, LocalHostFixture.SecretKey, bucket, "private/t.bin")["policy"];
        Assert.Equal("SignatureDoesNotMatch", Code((await PostAsync(bucket, tampered, [1])).Body));

        foreach (var key in new[] { "uploads/a.bin", "private/upload.bin", "uploads/x.bin", "uploads/y.bin", "uploads/z.bin", "uploads/t.bin" })
            await AbsentAsync(s3, bucket, key);
    }

    [Fact]
    public async Task A_user_whose_policy_denies_the_prefix_is_refused_even_with_a_valid_signature()
    {
        using var s3 = host.CreateS3Client();
        var bucket = await BucketAsync(s3);
        var user = await CreateUserAsync(host.Shared, UniqueName("labeler"), $$"""
            {"Version": "2012-10-17", "Statement": [
              {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::{{bucket}}/*"},
              {"Effect": "Deny", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::{{bucket}}/locked/*"}]}
            """);

        var allowed = await PostAsync(bucket, PresignedPost.Create(user.AccessKey, user.SecretKey, bucket, "open/${filename}"), [1, 2, 3], "a.bin");
        Assert.True(allowed.Status == HttpStatusCode.NoContent, allowed.Body);
        Assert.Equal(3, (await s3.GetObjectMetadataAsync(bucket, "open/a.bin")).ContentLength);

        var denied = await PostAsync(bucket, PresignedPost.Create(user.AccessKey, user.SecretKey, bucket, "locked/${filename}"), [1, 2, 3], "a.bin");
        Assert.Equal(HttpStatusCode.Forbidden, denied.Status);
        Assert.Equal("AccessDenied", Code(denied.Body));
        await AbsentAsync(s3, bucket, "locked/a.bin");

        // The key is disabled after signing: the same form stops working at once.
        var form = PresignedPost.Create(user.AccessKey, user.SecretKey, bucket, "open/later.bin");
        await AdminCli.RunJsonAsync(host.Shared, "keys", "disable", user.AccessKey);
        var later = await PostAsync(bucket, form, [1]);
        Assert.Equal(HttpStatusCode.Forbidden, later.Status);
        Assert.Equal("InvalidAccessKeyId", Code(later.Body));
    }

    [Fact]
    public async Task Success_action_status_201_returns_the_PostResponse_and_a_redirect_answers_303_with_bucket_key_and_etag()
    {
        using var s3 = host.CreateS3Client();
        var bucket = await BucketAsync(s3);
        var created = await PostAsync(bucket, PresignedPost.Create(LocalHostFixture.AccessKey, LocalHostFixture.SecretKey, bucket, "docs/${filename}",
            ["""{"success_action_status": "201"}"""], new Dictionary<string, string> { ["success_action_status"] = "201" }), [7, 7], "report one.pdf");
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var xml = XElement.Parse(created.Body);
        Assert.Equal("PostResponse", xml.Name.LocalName);
        Assert.Equal(bucket, xml.Element("Bucket")!.Value);
        Assert.Equal("docs/report one.pdf", xml.Element("Key")!.Value);
        Assert.Equal($"{host.Endpoint.ToString().TrimEnd('/')}/{bucket}/docs/report%20one.pdf", xml.Element("Location")!.Value);
        Assert.Equal((await s3.GetObjectMetadataAsync(bucket, "docs/report one.pdf")).ETag, xml.Element("ETag")!.Value);

        var ok = await PostAsync(bucket, PresignedPost.Create(LocalHostFixture.AccessKey, LocalHostFixture.SecretKey, bucket, "docs/ok.bin",
            ["""{"success_action_status": "200"}"""], new Dictionary<string, string> { ["success_action_status"] = "200" }), [1]);
        Assert.Equal(HttpStatusCode.OK, ok.Status);
        Assert.Equal("", ok.Body);

        const string Redirect = "http://127.0.0.1:9/done?from=form";
        var redirected = await PostAsync(bucket, PresignedPost.Create(LocalHostFixture.AccessKey, LocalHostFixture.SecretKey, bucket, "docs/r.bin",
            ["""{"success_action_redirect": "http://127.0.0.1:9/done?from=form"}"""], new Dictionary<string, string> { ["success_action_redirect"] = Redirect }), [1]);
        Assert.Equal(HttpStatusCode.SeeOther, redirected.Status);
        var etag = (await s3.GetObjectMetadataAsync(bucket, "docs/r.bin")).ETag;
        Assert.Equal($"{Redirect}&bucket={bucket}&key=docs%2Fr.bin&etag={Uri.EscapeDataString(etag)}", redirected.Response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Malformed_forms_get_S3_errors_never_a_500()
    {
        using var s3 = host.CreateS3Client();
        var bucket = await BucketAsync(s3);

        var notMultipart = await _http.PostAsync(BucketUrl(bucket), new StringContent("key=a", Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.PreconditionFailed, notMultipart.StatusCode);
        Assert.Contains("multipart/form-data", await notMultipart.Content.ReadAsStringAsync());

        var noFile = new MultipartFormDataContent();
        foreach (var (name, value) in PresignedPost.Create(LocalHostFixture.AccessKey, LocalHostFixture.SecretKey, bucket, "a"))
            noFile.Add(new StringContent(value), name);
        var response = await _http.PostAsync(BucketUrl(bucket), noFile);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("InvalidArgument", Code(await response.Content.ReadAsStringAsync()));

        var broken = new ByteArrayContent(Encoding.UTF8.GetBytes("--xyz\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nno closing boundary"));
        broken.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=xyz");
        response = await _http.PostAsync(BucketUrl(bucket), broken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("MalformedPOSTRequest", Code(await response.Content.ReadAsStringAsync()));

        var noKey = PresignedPost.Create(LocalHostFixture.AccessKey, LocalHostFixture.SecretKey, bucket, "a");
        noKey.Remove("key");
        var missing = await PostAsync(bucket, noKey, [1]);
        Assert.Equal(HttpStatusCode.BadRequest, missing.Status);
        Assert.Equal("InvalidArgument", Code(missing.Body));

        var badPolicy = PresignedPost.Create(LocalHostFixture.AccessKey, LocalHostFixture.SecretKey, bucket, "a");
        badPolicy["policy"] = Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"expiration\": \"soon\", \"conditions\": []}"));
        // Signed correctly, so the document itself is judged.
        badPolicy["x-amz-signature"] = PresignedPost.SignPolicy(LocalHostFixture.SecretKey, badPolicy["x-amz-date"][..8], badPolicy["policy"]);
        var invalid = await PostAsync(bucket, badPolicy, [1]);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.Status);
        Assert.Equal("InvalidPolicyDocument", Code(invalid.Body));
    }

    [Fact]
    public async Task Without_a_policy_the_upload_is_anonymous_and_needs_a_bucket_policy_that_grants_it()
    {
        using var s3 = host.CreateS3Client();
        var bucket = await BucketAsync(s3);
        var fields = new Dictionary<string, string> { ["key"] = "drop/${filename}" };
        var refused = await PostAsync(bucket, fields, [1], "a.txt");
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Equal("AccessDenied", Code(refused.Body));

        await s3.DeletePublicAccessBlockAsync(new DeletePublicAccessBlockRequest { BucketName = bucket });
        await s3.PutBucketPolicyAsync(bucket, $$"""
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::{{bucket}}/drop/*"}]}
            """);
        var accepted = await PostAsync(bucket, fields, [1, 2], "a.txt");
        Assert.True(accepted.Status == HttpStatusCode.NoContent, accepted.Body);
        Assert.Equal(2, (await s3.GetObjectMetadataAsync(bucket, "drop/a.txt")).ContentLength);
        Assert.Equal("AccessDenied", Code((await PostAsync(bucket, new Dictionary<string, string> { ["key"] = "elsewhere/a.txt" }, [1])).Body));
    }

    [Fact]
    public async Task A_form_upload_emits_ObjectCreated_Post_to_the_bucket_notifications()
    {
        await using var receiver = await Notifications.WebhookReceiver.StartAsync();
        await using var instance = await Notifications.NotificationHosts.StartAsync(host, Notifications.NotificationHosts.Settings(receiver));
        using var s3 = instance.CreateS3Client();
        var bucket = await BucketAsync(s3);
        await s3.PutBucketNotificationAsync(new PutBucketNotificationRequest
        {
            BucketName = bucket,
            TopicConfigurations =
            [
                new TopicConfiguration { Id = "posts", Topic = Notifications.NotificationHosts.WebhookArn, Events = [EventType.ObjectCreatedPost] },
            ],
        });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "put.bin", ContentBody = "not a post" });

        using var content = PresignedPost.Content(PresignedPost.Create(LocalHostFixture.AccessKey, LocalHostFixture.SecretKey, bucket, "inbox/${filename}"),
            Encoding.UTF8.GetBytes("posted bytes"), "form.txt");
        var response = await _http.PostAsync(new Uri(instance.Endpoint, "/" + bucket), content);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);

        var events = await receiver.WaitForAsync(d => d.Count >= 1, TimeSpan.FromSeconds(60));
        var posted = Assert.Single(events.GroupBy(e => e.EventId).Select(g => g.First()));
        Assert.Equal("ObjectCreated:Post", posted.EventName);
        Assert.Equal("inbox/form.txt", posted.Key);
        Assert.Equal(12, posted.Object.GetProperty("size").GetInt64());
        Assert.Equal(response.Headers.ETag!.Tag.Trim('"'), posted.Object.GetProperty("eTag").GetString());
    }
}
