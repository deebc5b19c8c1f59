using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using ObjectStore.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace ObjectStore.IntegrationTests.Clients;

/// <summary>
/// Debian's s3cmd against the local host (path style, SigV4, a config file of its own): <c>put --acl-public</c>,
/// <c>setacl --acl-public/--acl-private</c> and <c>info</c> (which reads GetObjectAcl), each checked with an
/// anonymous GET. The bucket's public access block (on for new buckets) is lifted first, as its owner would.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class S3cmdAclTests(LocalHostFixture host, ITestOutputHelper output) : IDisposable
{
    private readonly ClientTestData _data = new();
    private readonly string _bucket = ClientTestData.BucketName("s3cmd");

    public void Dispose() => _data.Dispose();

    private async Task<ProcessResult> S3cmdAsync(params string[] args)
    {
        var s3cmd = ExternalProcess.Require("s3cmd", "Install Debian's s3cmd: apt-get install -y s3cmd.");
        var config = Path.Combine(_data.Directory, "s3cmd.cfg");
        if (!File.Exists(config))
        {
            var endpoint = $"127.0.0.1:{host.Port}";
            await File.WriteAllTextAsync(config, $"""
                [default]
                access_key = {LocalHostFixture.AccessKey}
                secret_key = {LocalHostFixture.SecretKey}
                host_base = {endpoint}
                host_bucket = {endpoint}
                use_https = False
                signature_v2 = False
                bucket_location = us-east-1

                """);
        }
        var result = await ExternalProcess.RunCheckedAsync(s3cmd, ["--config", config, .. args],
            new Dictionary<string, string?> { ["HTTP_PROXY"] = null, ["http_proxy"] = null, ["HOME"] = _data.Directory });
        output.WriteLine($"s3cmd {string.Join(' ', args)}: {result.Elapsed.TotalSeconds:F1} s\n{result.StdOut}");
        return result;
    }

    private async Task<HttpStatusCode> AnonymousGetAsync(string key)
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri(host.Endpoint, $"{_bucket}/{key}"));
        return response.StatusCode;
    }

    [Fact]
    public async Task Put_with_acl_public_then_setacl_and_info_show_and_change_who_may_read()
    {
        await S3cmdAsync("mb", $"s3://{_bucket}");
        using (var s3 = host.CreateS3Client())
            await s3.DeletePublicAccessBlockAsync(new DeletePublicAccessBlockRequest { BucketName = _bucket });
        var file = Path.Combine(_data.Directory, "labels.csv");
        await File.WriteAllTextAsync(file, "id,label\n1,cat\n");

        await S3cmdAsync("put", "--acl-public", file, $"s3://{_bucket}/public/labels.csv");
        Assert.Equal(HttpStatusCode.OK, await AnonymousGetAsync("public/labels.csv"));

        await S3cmdAsync("put", file, $"s3://{_bucket}/private/labels.csv");
        Assert.Equal(HttpStatusCode.Forbidden, await AnonymousGetAsync("private/labels.csv"));
        var info = await S3cmdAsync("info", $"s3://{_bucket}/private/labels.csv");
        Assert.DoesNotContain("*anon*", info.StdOut);
        Assert.Contains("FULL_CONTROL", info.StdOut);

        await S3cmdAsync("setacl", "--acl-public", $"s3://{_bucket}/private/labels.csv");
        Assert.Equal(HttpStatusCode.OK, await AnonymousGetAsync("private/labels.csv"));
        Assert.Contains("*anon*: READ", (await S3cmdAsync("info", $"s3://{_bucket}/private/labels.csv")).StdOut);

        await S3cmdAsync("setacl", "--acl-private", $"s3://{_bucket}/public/labels.csv");
        Assert.Equal(HttpStatusCode.Forbidden, await AnonymousGetAsync("public/labels.csv"));
    }
}
