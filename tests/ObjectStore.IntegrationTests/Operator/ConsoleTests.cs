using Amazon.S3;
using Amazon.S3.Model;
using ObjectStore.IntegrationTests.Access;
using ObjectStore.IntegrationTests.Infrastructure;
using ObjectStore.Testing;

namespace ObjectStore.IntegrationTests.Operator;

/// <summary>
/// The "done when": headless Chromium signs in to the console (/_console/) with an admin user's
/// key, opens a bucket (usage by class, lifecycle dry run) and the health page (zones, event backlog),
/// and saves screenshots: into a temporary directory, or over the committed docs/images/console-*.png (which the
/// README shows) when OBJECTSTORE_UPDATE_SCREENSHOTS=1, so a test run leaves the working tree as it was.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class ConsoleTests(LocalHostFixture fixture)
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(10);

    private static Uri Page(LocalHostInstance host, AccessTestKit.UserKeys user, string view) =>
        new(host.Endpoint, $"/_console/#key={Uri.EscapeDataString(user.AccessKey)}&secret={Uri.EscapeDataString(user.SecretKey)}&view={Uri.EscapeDataString(view)}");

    [Fact]
    public async Task Chromium_signs_in_with_an_admin_users_key_opens_a_bucket_and_the_health_page_and_saves_screenshots()
    {
        await using var host = await fixture.StartHostAsync(new LocalHostOptions
        {
            Background = false,
            Settings = new Dictionary<string, string?> { ["ObjectStore:Notifications:Webhooks:training:Url"] = "http://127.0.0.1:9/hook" },
        });
        using var s3 = host.CreateS3Client();
        var bucket = UniqueNames.Bucket("console");
        await s3.PutBucketAsync(bucket);
        await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } });
        for (var i = 0; i < 4; i++)
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "checkpoints/model.pt", InputStream = new MemoryStream(new byte[300_000 + i]) });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "archive/old.bin", InputStream = new MemoryStream(new byte[200_000]), StorageClass = S3StorageClass.Glacier });
        await s3.PutLifecycleConfigurationAsync(new PutLifecycleConfigurationRequest
        {
            BucketName = bucket,
            Configuration = new LifecycleConfiguration
            {
                Rules = [new LifecycleRule { Id = "noncurrent", Status = LifecycleRuleStatus.Enabled, Filter = new LifecycleFilter { LifecycleFilterPredicate = new LifecyclePrefixPredicate { Prefix = "" } },
                    NoncurrentVersionExpiration = new LifecycleRuleNoncurrentVersionExpiration { NoncurrentDays = 1 } }],
            },
        });
        var admin = await AccessTestKit.CreateUserAsync(host, AccessTestKit.UniqueName("operator"), policy: null, admin: true);
        await AdminCli.RunJsonAsync(host, "usage", "run");
        await AdminCli.RunJsonAsync(host, "repair", "run");

        var buckets = await HeadlessChromium.DumpDomAsync(Page(host, admin, "/buckets"), Budget);
        var bucketPage = await HeadlessChromium.DumpDomAsync(Page(host, admin, "/bucket/" + bucket + "?after-days=2"), Budget);
        var health = await HeadlessChromium.DumpDomAsync(Page(host, admin, "/health"), Budget);

        Assert.Contains("id=\"bucket-table\"", buckets);
        Assert.Contains($"data-bucket=\"{bucket}\"", buckets);
        Assert.Contains("Stored bytes by storage class", buckets);
        Assert.Contains("id=\"bucket-view\"", bucketPage);
        Assert.Contains("id=\"class-table\"", bucketPage);
        Assert.Contains("<td>GLACIER</td>", bucketPage);
        Assert.Contains("<td>STANDARD</td>", bucketPage);
        Assert.Contains("NoncurrentVersionExpiration", bucketPage); // the dry run's action
        Assert.Contains("id=\"dry-run-cost\"", bucketPage);
        Assert.Contains("id=\"zone-table\"", health);
        foreach (var zone in new[] { "zone-a", "zone-b", "zone-c" })
            Assert.Contains($"data-zone=\"{zone}\"", health);
        Assert.Contains("data-destination=\"arn:objectstore:webhook::training\"", health.Replace("&amp;", "&"));
        Assert.DoesNotContain("id=\"load-error\"", buckets + bucketPage + health);

        var update = Environment.GetEnvironmentVariable("OBJECTSTORE_UPDATE_SCREENSHOTS") == "1";
        var images = update
            ? Path.Combine(RepoRoot(), "docs", "images")
            : Path.Combine(Path.GetTempPath(), "objectstore-console-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(images);
        await HeadlessChromium.ScreenshotAsync(Page(host, admin, "/buckets"), Budget, Path.Combine(images, "console-buckets.png"));
        await HeadlessChromium.ScreenshotAsync(Page(host, admin, "/bucket/" + bucket + "?after-days=2"), Budget, Path.Combine(images, "console-bucket.png"), height: 1400);
        await HeadlessChromium.ScreenshotAsync(Page(host, admin, "/health"), Budget, Path.Combine(images, "console-health.png"));
        foreach (var name in new[] { "console-buckets.png", "console-bucket.png", "console-health.png" })
            Assert.True(new FileInfo(Path.Combine(images, name)) is { Exists: true, Length: > 1000 }, $"{name} was not saved");
        if (!update)
            Directory.Delete(images, recursive: true);
    }

    [Fact]
    public async Task A_key_without_admin_rights_is_sent_back_to_the_sign_in_form_and_the_files_refuse_writes()
    {
        var user = await AccessTestKit.CreateUserAsync(fixture.Shared, AccessTestKit.UniqueName("plain"), policy: null);

        var dom = await HeadlessChromium.DumpDomAsync(Page(fixture.Shared, user, "/buckets"), Budget);
        using var http = new HttpClient();
        using var put = await http.PutAsync(new Uri(fixture.Endpoint, "/_console/index.html"), new StringContent("x"));
        using var page = await http.GetAsync(new Uri(fixture.Endpoint, "/_console/"));

        Assert.Contains("Refused: AccessDenied", dom);
        Assert.DoesNotContain("id=\"bucket-table\"", dom);
        Assert.Equal(System.Net.HttpStatusCode.MethodNotAllowed, put.StatusCode);
        Assert.Equal("text/html; charset=utf-8", page.Content.Headers.ContentType?.ToString());
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single());
    }

    private static string RepoRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ObjectStore.sln")))
            directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("ObjectStore.sln not found above the test output.");
    }
}
