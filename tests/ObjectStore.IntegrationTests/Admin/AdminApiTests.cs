using System.Net;
using ObjectStore.IntegrationTests.Infrastructure;

namespace ObjectStore.IntegrationTests.Admin;

/// <summary>The admin API's envelope: who may call it, how unknown routes answer, and the command line over it.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class AdminApiTests(LocalHostFixture host)
{
    [Fact]
    public async Task The_command_line_signed_with_the_root_key_lists_the_routes()
    {
        var routes = await AdminCli.RunJsonAsync(host.Shared, "routes", "list");
        Assert.Contains("GET routes", routes.GetProperty("routes").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task A_wrong_secret_is_refused_with_SignatureDoesNotMatch_and_a_failing_exit_code()
    {
        var result = await AdminCli.RunAsAsync(host.Shared, LocalHostInstance.AccessKey, "not-the-secret", "routes", "list");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("<Code>SignatureDoesNotMatch</Code>", result.StdErr);
    }

    [Fact]
    public async Task Unsigned_admin_requests_get_AccessDenied()
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri(host.Endpoint, "/_admin/v1/routes"));
        await PlatformEndToEndTests.AssertS3ErrorAsync(response, HttpStatusCode.Forbidden, "AccessDenied");
    }

    [Fact]
    public async Task Unknown_routes_answer_NoSuchAdminOperation_and_wrong_methods_MethodNotAllowed()
    {
        var unknown = await AdminCli.RunAsync(host.Shared, "call", "GET", "no/such/thing");
        Assert.True(unknown.ExitCode == 1, unknown.ToString());
        Assert.Contains("<Code>NoSuchAdminOperation</Code>", unknown.StdErr);
        Assert.Contains("404", unknown.StdErr);

        var wrongMethod = await AdminCli.RunAsync(host.Shared, "call", "DELETE", "routes");
        Assert.Equal(1, wrongMethod.ExitCode);
        Assert.Contains("<Code>MethodNotAllowed</Code>", wrongMethod.StdErr);
    }

    [Fact]
    public async Task An_admin_path_is_never_taken_for_a_bucket()
    {
        using var s3 = host.CreateS3Client();
        var create = await Assert.ThrowsAsync<Amazon.S3.AmazonS3Exception>(() => s3.PutBucketAsync("_admin"));
        Assert.Equal("InvalidBucketName", create.ErrorCode);
        var list = await Assert.ThrowsAnyAsync<Amazon.S3.AmazonS3Exception>(() => s3.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = "_admin" }));
        Assert.Equal(HttpStatusCode.NotFound, list.StatusCode);
    }
}
