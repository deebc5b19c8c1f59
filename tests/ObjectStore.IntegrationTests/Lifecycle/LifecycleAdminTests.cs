using System.Text.Json;
using ObjectStore.IntegrationTests.Infrastructure;

namespace ObjectStore.IntegrationTests.Lifecycle;

/// <summary>The operator's commands: a dry run of proposed rules (counts, bytes, cost in a configured currency) and running a pass now.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class LifecycleAdminTests(LocalHostFixture fixture)
{
    [Fact]
    public async Task Dry_run_of_proposed_rules_reports_counts_bytes_and_cost_without_acting_then_lifecycle_run_acts()
    {
        await using var lc = await LifecycleHost.StartAsync(fixture, settings: new Dictionary<string, string?>
        {
            ["OBJECTSTORE_COST_CURRENCY"] = "INR",
            ["OBJECTSTORE_COST_USD_RATE"] = "84",
        });
        var bucket = await lc.CreateBucketAsync("lc-dryrun", versioned: false, null);
        long sizes = 0;
        for (var i = 0; i < 3; i++)
        {
            var size = 200_000 * (i + 1);
            sizes += size;
            await lc.PutAsync(bucket, $"datasets/train-{i}.tar", new byte[size]);
        }
        await lc.PutAsync(bucket, "models/keep.bin", new byte[1000]);
        var upload = await lc.S3.InitiateMultipartUploadAsync(bucket, "tmp/partial");
        await lc.S3.UploadPartAsync(new Amazon.S3.Model.UploadPartRequest { BucketName = bucket, Key = "tmp/partial", UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream(new byte[50_000]) });

        var rules = Path.GetTempFileName();
        await File.WriteAllTextAsync(rules, """
            <LifecycleConfiguration>
              <Rule><ID>datasets</ID><Filter><Prefix>datasets/</Prefix></Filter><Status>Enabled</Status><Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition></Rule>
              <Rule><ID>uploads</ID><Filter><Prefix></Prefix></Filter><Status>Enabled</Status><AbortIncompleteMultipartUpload><DaysAfterInitiation>7</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>
            </LifecycleConfiguration>
            """);
        try
        {
            var report = await AdminCli.RunJsonAsync(lc.Host, "lifecycle", "dry-run", bucket, "--rules", rules, "--after-days", "31");
            Assert.Equal("proposed", report.GetProperty("source").GetString());
            Assert.Equal("INR", report.GetProperty("currency").GetString());
            var datasets = Action(report, "datasets");
            Assert.Equal(("Transition to STANDARD_IA", 3, sizes), (datasets.GetProperty("action").GetString(), datasets.GetProperty("objects").GetInt64(), datasets.GetProperty("bytes").GetInt64()));
            var aborted = Action(report, "uploads");
            Assert.Equal((1, 50_000L), (aborted.GetProperty("uploads").GetInt64(), aborted.GetProperty("bytes").GetInt64()));

            var before = Classes(report, "before");
            var after = Classes(report, "after");
            Assert.Equal((long)Math.Ceiling((sizes + 1000 + 50_000) * 1.5), before["STANDARD"].GetProperty("storedBytes").GetInt64());
            Assert.Equal("8+4", after["STANDARD_IA"].GetProperty("profile").GetString());
            Assert.Equal((long)Math.Ceiling(sizes * 1.5), after["STANDARD_IA"].GetProperty("storedBytes").GetInt64());
            Assert.Equal(1500, after["STANDARD"].GetProperty("storedBytes").GetInt64());
            Assert.True(report.GetProperty("monthlyCostAfter").GetDecimal() < report.GetProperty("monthlyCostBefore").GetDecimal());
            Assert.Contains(report.GetProperty("report").EnumerateArray(), line => line.GetString()!.StartsWith("Monthly cost:", StringComparison.Ordinal));

            // Nothing was done, and the bucket has no rules of its own.
            Assert.Equal("STANDARD", (await lc.RecordAsync(bucket, "datasets/train-0.tar")).StorageClass);
            var own = await AdminCli.RunJsonAsync(lc.Host, "lifecycle", "dry-run", bucket);
            Assert.Equal("bucket", own.GetProperty("source").GetString());
            Assert.All(own.GetProperty("rules").EnumerateArray(), _ => Assert.Fail("no rules expected"));

            using (var put = await lc.SendAsync(HttpMethod.Put, $"/{bucket}?lifecycle", await File.ReadAllTextAsync(rules)))
                Assert.Equal(System.Net.HttpStatusCode.OK, put.StatusCode);
            lc.AdvanceDays(31);
            var pass = await AdminCli.RunJsonAsync(lc.Host, "lifecycle", "run");
            var totals = pass.GetProperty("totals");
            Assert.Equal((3, 1), (totals.GetProperty("transitioned").GetInt64(), totals.GetProperty("uploadsAborted").GetInt64()));
            Assert.Equal("STANDARD_IA", (await lc.RecordAsync(bucket, "datasets/train-2.tar")).StorageClass);

            var missing = await AdminCli.RunAsync(lc.Host, "lifecycle", "dry-run", "no-such-bucket-here");
            Assert.Equal(1, missing.ExitCode);
            Assert.Contains("<Code>NoSuchBucket</Code>", missing.StdErr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(rules);
        }
    }

    private static JsonElement Action(JsonElement report, string ruleId) =>
        report.GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("id").GetString() == ruleId).GetProperty("actions").EnumerateArray().Single();

    private static Dictionary<string, JsonElement> Classes(JsonElement report, string which) =>
        report.GetProperty(which).EnumerateArray().ToDictionary(c => c.GetProperty("storageClass").GetString()!, c => c);
}
