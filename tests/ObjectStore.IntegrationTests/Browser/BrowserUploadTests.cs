using System.Net;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using ObjectStore.IntegrationTests.Infrastructure;

namespace ObjectStore.IntegrationTests.Browser;

/// <summary>
/// The "done when": a real browser (Debian's Chromium, headless) on a page served from another
/// localhost port uploads straight into the store with a presigned POST, is refused over the size limit,
/// and PUTs to a presigned URL only when the bucket's CORS rules let the page's origin do it.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class BrowserUploadTests(LocalHostFixture host)
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(20);

    private static string Js<T>(T value) => JsonSerializer.Serialize(value);

    private async Task<string> BucketAsync(AmazonS3Client s3, string? corsOrigin)
    {
        var bucket = ClientTestData.BucketName("browser");
        await s3.PutBucketAsync(bucket);
        if (corsOrigin is not null)
            await s3.PutCORSConfigurationAsync(new PutCORSConfigurationRequest
            {
                BucketName = bucket,
                Configuration = new CORSConfiguration
                {
                    Rules = [new CORSRule { AllowedOrigins = [corsOrigin], AllowedMethods = ["POST", "PUT", "GET"], AllowedHeaders = ["*"], ExposeHeaders = ["ETag"], MaxAgeSeconds = 60 }],
                },
            });
        return bucket;
    }

    private string BucketUrl(string bucket) => $"{host.Endpoint.ToString().TrimEnd('/')}/{bucket}";

    /// <summary>A page that builds a File of <paramref name="size"/> bytes in script and POSTs the form with fetch(FormData).</summary>
    private string FetchPostPage(string bucket, IReadOnlyDictionary<string, string> fields, int size, string fileName) => $$"""
        <!doctype html><html><body><pre id="result">pending</pre><script>
        (async () => {
          const out = document.getElementById("result");
          try {
            const form = new FormData();
            for (const [name, value] of Object.entries({{Js(fields)}})) form.append(name, value);
            const unit = "browser-bytes;";
            const text = unit.repeat(Math.ceil({{size}} / unit.length)).slice(0, {{size}});
            form.append("file", new File([text], {{Js(fileName)}}, { type: "text/plain" }));
            const response = await fetch({{Js(BucketUrl(bucket))}}, { method: "POST", body: form });
            out.textContent = "status=" + response.status + " etag=" + response.headers.get("ETag") + " body=" + await response.text();
          } catch (e) {
            out.textContent = "error " + e;
          }
        })();
        </script></body></html>
        """;

    [Fact]
    public async Task A_page_on_another_origin_uploads_a_file_with_fetch_and_FormData_and_it_reads_back()
    {
        await using var site = await PageServer.StartAsync();
        using var s3 = host.CreateS3Client();
        var bucket = await BucketAsync(s3, site.Origin);
        var fields = PresignedPost.Create(LocalHostFixture.AccessKey, LocalHostFixture.SecretKey, bucket, "labels/${filename}",
            ["""["content-length-range", 1, 65536]""", """["starts-with", "$Content-Type", "text/"]"""], new Dictionary<string, string> { ["Content-Type"] = "text/plain" });

        var dom = await HeadlessChromium.DumpDomAsync(site.Add("/upload", FetchPostPage(bucket, fields, 5000, "frame-0001.txt")), Budget);
        var result = PageServer.Result(dom);

        Assert.StartsWith("status=204", result);
        using var get = await s3.GetObjectAsync(bucket, "labels/frame-0001.txt");
        using var reader = new StreamReader(get.ResponseStream);
        var text = await reader.ReadToEndAsync();
        Assert.Equal(5000, text.Length);
        Assert.StartsWith("browser-bytes;browser-bytes;", text);
        Assert.Equal("text/plain", get.Headers.ContentType);
        Assert.Contains("etag=" + get.ETag, result); // ETag is exposed by the bucket's CORS rule
    }

    [Fact]
    public async Task A_plain_html_form_submit_uploads_and_is_redirected_back_to_the_page_origin()
    {
        await using var site = await PageServer.StartAsync();
        using var s3 = host.CreateS3Client();
        var bucket = await BucketAsync(s3, corsOrigin: null); // a form navigation needs no CORS
        var redirect = site.Origin + "/done";
        var fields = PresignedPost.Create(LocalHostFixture.AccessKey, LocalHostFixture.SecretKey, bucket, "forms/${filename}",
            [Js(new Dictionary<string, string> { ["success_action_redirect"] = redirect })], new Dictionary<string, string> { ["success_action_redirect"] = redirect });
        var inputs = string.Concat(fields.Select(f => $"<input type=\"hidden\" name=\"{WebUtility.HtmlEncode(f.Key)}\" value=\"{WebUtility.HtmlEncode(f.Value)}\">"));
        var page = $$"""
            <!doctype html><html><body><pre id="result">not submitted</pre>
            <form id="upload" method="post" action="{{BucketUrl(bucket)}}" enctype="multipart/form-data">{{inputs}}<input type="file" name="file" id="file"></form>
            <script>
              const files = new DataTransfer();
              files.items.add(new File(["uploaded by a plain form"], "note.txt", { type: "text/plain" }));
              document.getElementById("file").files = files.files;
              document.getElementById("upload").submit();
            </script></body></html>
            """;

        var result = PageServer.Result(await HeadlessChromium.DumpDomAsync(site.Add("/form", page), Budget));

        var etag = (await s3.GetObjectMetadataAsync(bucket, "forms/note.txt")).ETag;
        Assert.Equal($"redirected ?bucket={bucket}&key=forms%2Fnote.txt&etag={Uri.EscapeDataString(etag)}", result);
        using var get = await s3.GetObjectAsync(bucket, "forms/note.txt");
        using var reader = new StreamReader(get.ResponseStream);
        Assert.Equal("uploaded by a plain form", await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task A_file_over_the_size_limit_is_refused_with_EntityTooLarge_and_nothing_is_stored()
    {
        await using var site = await PageServer.StartAsync();
        using var s3 = host.CreateS3Client();
        var bucket = await BucketAsync(s3, site.Origin);
        var fields = PresignedPost.Create(LocalHostFixture.AccessKey, LocalHostFixture.SecretKey, bucket, "labels/${filename}",
            ["""["content-length-range", 1, 10240]"""]);

        var result = PageServer.Result(await HeadlessChromium.DumpDomAsync(site.Add("/too-big", FetchPostPage(bucket, fields, 2 * 1024 * 1024, "huge.txt")), Budget));

        Assert.StartsWith("status=400", result);
        Assert.Contains("<Code>EntityTooLarge</Code>", result);
        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(bucket, "labels/huge.txt"));
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Empty((await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? []);
    }

    [Fact]
    public async Task A_fetch_PUT_to_a_presigned_URL_works_only_when_the_bucket_CORS_allows_the_page_origin()
    {
        await using var site = await PageServer.StartAsync();
        using var s3 = host.CreateS3Client();
        var allowed = await BucketAsync(s3, site.Origin);
        var otherOrigin = await BucketAsync(s3, "http://elsewhere.example");
        var noCors = await BucketAsync(s3, corsOrigin: null);

        string Page(string bucket)
        {
            var url = s3.GetPreSignedURL(new GetPreSignedUrlRequest
            {
                BucketName = bucket, Key = "put/from-page.txt", Verb = HttpVerb.PUT, Protocol = Protocol.HTTP, Expires = DateTime.UtcNow.AddMinutes(10),
            });
            return $$"""
                <!doctype html><html><body><pre id="result">pending</pre><script>
                fetch({{Js(url)}}, { method: "PUT", body: "put by the page", headers: { "Content-Type": "text/plain" } })
                  .then(r => { document.getElementById("result").textContent = "status=" + r.status; })
                  .catch(e => { document.getElementById("result").textContent = "error " + e; });
                </script></body></html>
                """;
        }

        Assert.Equal("status=200", PageServer.Result(await HeadlessChromium.DumpDomAsync(site.Add("/put-allowed", Page(allowed)), Budget)));
        using (var get = await s3.GetObjectAsync(allowed, "put/from-page.txt"))
        using (var reader = new StreamReader(get.ResponseStream))
            Assert.Equal("put by the page", await reader.ReadToEndAsync());

        foreach (var bucket in new[] { otherOrigin, noCors })
        {
            var result = PageServer.Result(await HeadlessChromium.DumpDomAsync(site.Add("/put-" + bucket, Page(bucket)), Budget));
            Assert.Equal("error TypeError: Failed to fetch", result); // the preflight was refused
            var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(bucket, "put/from-page.txt"));
            Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        }
    }
}
