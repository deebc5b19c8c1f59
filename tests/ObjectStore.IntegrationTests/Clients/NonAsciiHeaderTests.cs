using System.Net;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using ObjectStore.IntegrationTests.Browser;
using ObjectStore.IntegrationTests.Infrastructure;

namespace ObjectStore.IntegrationTests.Clients;

/// <summary>
/// Stored headers and response overrides holding non-ASCII text or control characters, through Kestrel
/// (which refuses to send such bytes in a response header): GET and HEAD answer, RFC 2047-encoding them as S3 does.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class NonAsciiHeaderTests(LocalHostFixture host)
{
    private const string Japan = "日本";
    private static readonly string JapanWord = "=?UTF-8?B?" + Convert.ToBase64String(Encoding.UTF8.GetBytes(Japan)) + "?=";

    [Fact]
    public async Task Post_form_metadata_in_utf8_reads_back_rfc2047_encoded_on_get_and_head()
    {
        using var s3 = host.CreateS3Client();
        var bucket = ClientTestData.BucketName("utf8post");
        await s3.PutBucketAsync(bucket);
        var fields = PresignedPost.Create(LocalHostFixture.AccessKey, LocalHostFixture.SecretKey, bucket, "labels.csv",
            conditions: [PresignedPost.Json(new[] { "starts-with", "$x-amz-meta-a", "" }), PresignedPost.Json(new[] { "starts-with", "$Content-Disposition", "" })],
            fields: new Dictionary<string, string> { ["x-amz-meta-a"] = Japan, ["Content-Disposition"] = "attachment; filename=\"ラベル.csv\"" });
        using var http = new HttpClient();
        using (var posted = await http.PostAsync(new Uri(host.Endpoint, bucket), PresignedPost.Content(fields, "a,b\n"u8.ToArray())))
            Assert.Equal(HttpStatusCode.NoContent, posted.StatusCode);

        using var get = await s3.GetObjectAsync(bucket, "labels.csv");
        Assert.Equal(JapanWord, get.Metadata["x-amz-meta-a"]);
        Assert.StartsWith("=?UTF-8?B?", get.Headers.ContentDisposition, StringComparison.Ordinal);
        var head = await s3.GetObjectMetadataAsync(bucket, "labels.csv");
        Assert.Equal(JapanWord, head.Metadata["x-amz-meta-a"]);
    }

    [Fact]
    public async Task Rfc2047_metadata_is_stored_decoded_and_served_encoded_and_response_overrides_with_utf8_are_encoded()
    {
        using var s3 = host.CreateS3Client();
        var bucket = ClientTestData.BucketName("utf8meta");
        await s3.PutBucketAsync(bucket);
        var put = new PutObjectRequest { BucketName = bucket, Key = "model.pt", ContentBody = "weights" };
        put.Metadata.Add("x-amz-meta-origin", JapanWord);
        await s3.PutObjectAsync(put);

        var url = await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = bucket, Key = "model.pt", Verb = HttpVerb.GET, Expires = DateTime.UtcNow.AddMinutes(5), Protocol = Protocol.HTTP,
            ResponseHeaderOverrides = { ContentDisposition = $"attachment; filename=\"{Japan}.pt\"", ContentType = "text/plain; x=\u0001" },
        });
        using var http = new HttpClient();
        using var response = await http.GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("weights", await response.Content.ReadAsStringAsync());
        Assert.Equal(JapanWord, response.Headers.GetValues("x-amz-meta-origin").Single());
        var disposition = response.Content.Headers.GetValues("Content-Disposition").Single();
        Assert.Equal($"attachment; filename=\"{Japan}.pt\"", Encoding.UTF8.GetString(Convert.FromBase64String(disposition["=?UTF-8?B?".Length..^2])));
    }
}
