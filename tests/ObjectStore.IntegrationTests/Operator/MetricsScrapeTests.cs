using Amazon.S3.Model;
using ObjectStore.IntegrationTests.Infrastructure;
using ObjectStore.IntegrationTests.Notifications;
using ObjectStore.Testing;

namespace ObjectStore.IntegrationTests.Operator;

/// <summary>
/// The issue's "done when": a scripted workload (PUTs, GETs, a degraded read after a zone directory is
/// deleted, a webhook that refuses every event) moves the counters of the local host's Prometheus
/// endpoint by exactly what the workload did.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class MetricsScrapeTests(LocalHostFixture fixture)
{
    private const int Size = 4 * 1024 * 1024 + 5; // a full stripe (every data shard read) and a short one; far above the inline threshold

    [Fact]
    public async Task Scrape_after_puts_gets_a_degraded_read_and_a_refusing_webhook_shows_each_counter_moved_by_the_workload()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Respond = () => 503;
        await using var host = await NotificationHosts.StartAsync(fixture,
            NotificationHosts.Settings(receiver, maxAttempts: 2, backoffBaseSeconds: 0.1, backoffMaxSeconds: 0.2));
        using var s3 = host.CreateS3Client(configure: c => c.MaxErrorRetry = 0);
        using var http = new HttpClient();
        var bucket = UniqueNames.Bucket("metrics");
        await s3.PutBucketAsync(bucket);
        await s3.PutBucketNotificationAsync(new PutBucketNotificationRequest
        {
            BucketName = bucket,
            TopicConfigurations = [new TopicConfiguration { Id = "puts", Topic = NotificationHosts.WebhookArn, Events = [Amazon.S3.EventType.ObjectCreatedPut] }],
        });
        var before = await PrometheusScrape.GetAsync(http, host.Endpoint);

        var data = new byte[Size];
        new Random(21).NextBytes(data);
        for (var i = 0; i < 3; i++)
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = $"k{i}", InputStream = new MemoryStream(data) });
        for (var i = 0; i < 3; i++)
            for (var j = 0; j < 2; j++)
                Assert.Equal(Size, await ReadAsync(s3, bucket, $"k{i}"));
        var badBefore = host.Log.Entries.Count(e => e.EventId.Id == 2001);
        Directory.Delete(host.ZoneDirectory("zone-b"), recursive: true);
        Assert.Equal(Size, await ReadAsync(s3, bucket, "k0"));
        var badShards = host.Log.Entries.Count(e => e.EventId.Id == 2001) - badBefore;
        // An anonymous GET: refused (403), its error document counted with the GetObject bytes sent.
        using var refused = await http.GetAsync(new Uri(host.Endpoint, $"/{bucket}/k0"));
        var refusalBytes = (await refused.Content.ReadAsByteArrayAsync()).Length;
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, refused.StatusCode);

        // Every event (3 PUTs and the configuration's test event) is refused twice, then poisoned.
        var after = await WaitForAsync(http, host, s => s.Sum("objectstore_events_poisoned_total") - before.Sum("objectstore_events_poisoned_total") >= 4
            && s.Sum("objectstore_events_delivery_attempts_total") - before.Sum("objectstore_events_delivery_attempts_total") >= 8);
        await AdminCli.RunJsonAsync(host, "usage", "run");
        await AdminCli.RunJsonAsync(host, "repair", "run");
        var withPasses = await PrometheusScrape.GetAsync(http, host.Endpoint);

        double Moved(string name, params string[] labels) => after.Sum(name, labels) - before.Sum(name, labels);
        Assert.Equal(3, Moved("objectstore_s3_requests_total", "s3_operation=PutObject", "status_class=2xx"));
        Assert.Equal(7, Moved("objectstore_s3_requests_total", "s3_operation=GetObject", "status_class=2xx"));
        Assert.Equal(1, Moved("objectstore_s3_requests_total", "s3_operation=GetObject", "status_class=4xx"));
        Assert.Equal(8, Moved("http_server_request_duration_seconds_count", "s3_operation=GetObject"));
        Assert.Equal(3, Moved("http_server_request_duration_seconds_count", "s3_operation=PutObject", "http_request_method=PUT", "http_response_status_code=200"));
        Assert.Equal(3.0 * Size, Moved("objectstore_s3_received_bytes_total", "s3_operation=PutObject"));
        Assert.Equal(7.0 * Size + refusalBytes, Moved("objectstore_s3_sent_bytes_total", "s3_operation=GetObject"));

        // The degraded read: each shard it found missing counted once, in zone-b; the data rebuilt by the codec.
        Assert.True(badShards > 0, "the read after deleting zone-b met no missing shard");
        Assert.Equal(badShards, Moved("objectstore_read_bad_shards_total", "zone=zone-b", "problem=Missing"));
        Assert.Equal(0, Moved("objectstore_read_bad_shards_total", "zone=zone-a"));
        Assert.True(Moved("objectstore_erasure_bytes_total", "operation=reconstruct") > 0);
        Assert.True(Moved("objectstore_erasure_bytes_total", "operation=encode") >= 3.0 * Size);
        // Shard-store calls by zone: 3 PUTs of 4+2 shards over three zones write two shards per zone each.
        foreach (var zone in new[] { "zone-a", "zone-b", "zone-c" })
            Assert.Equal(6, Moved("objectstore_shard_store_call_duration_seconds_count", "zone=" + zone, "operation=commit", "outcome=ok"));
        Assert.True(Moved("objectstore_shard_store_io_bytes_total", "zone=zone-a", "direction=write") >= 2.0 * 3 * Size / 4);
        Assert.True(Moved("objectstore_index_call_duration_seconds_count", "table=Objects") > 0, "no index call on the Objects table was timed");

        // Delivery: 4 events (3 PUTs and the configuration's test event), each failed twice (MaxAttempts 2), then poisoned once.
        // (An attempt can also fail before it reaches the receiver, on a pooled connection the receiver closed: still an attempt.)
        Assert.InRange(receiver.Requests.Count(r => !r.Accepted), 4, 8);
        // (Read from the later scrape: one scrape reads instruments one after the other, so the one that saw the
        // fourth poisoning may have read the attempts counter just before the last failed attempt was added.)
        double Settled(string name, params string[] labels) => withPasses.Sum(name, labels) - before.Sum(name, labels);
        Assert.Equal(8, Settled("objectstore_events_delivery_attempts_total", $"destination={NotificationHosts.WebhookName}", "outcome=failed"));
        Assert.Equal(0, Settled("objectstore_events_delivery_attempts_total", "outcome=delivered"));
        Assert.Equal(4, Settled("objectstore_events_poisoned_total", $"destination={NotificationHosts.WebhookName}"));

        // After a usage and a repair pass, the gauges read the usage counts; the Grafana dashboard names only metrics the endpoint has.
        Assert.Equal(3.0 * Size, withPasses.Sum("objectstore_usage_bytes", "storage_class=STANDARD", "kind=current"));
        Assert.Equal(3, withPasses.Sum("objectstore_usage_objects", "kind=current"));
        foreach (var name in DashboardMetricNames().Except(OnlyOnTheirEvent))
            Assert.True(withPasses.Has(name) || withPasses.Has(name + "_bucket"), $"docs/grafana/objectstore.json uses {name}, which the endpoint does not expose");
    }

    /// <summary>Counters of events this workload never causes (an index or shard-store error, a lifecycle action, an outbox backlog).</summary>
    private static readonly string[] OnlyOnTheirEvent =
    [
        "objectstore_index_call_errors_total", "objectstore_shard_store_call_errors_total", "objectstore_lifecycle_actions_total",
        "objectstore_outbox_depth", "objectstore_outbox_oldest_age_seconds", "objectstore_repair_shards_repaired_total",
        "objectstore_repair_corrupt_blocks_total", "objectstore_repair_data_unrepaired_total",
    ];

    private static IEnumerable<string> DashboardMetricNames()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(directory!.FullName, "ObjectStore.sln")))
            directory = directory.Parent;
        var json = File.ReadAllText(Path.Combine(directory.FullName, "docs", "grafana", "objectstore.json"));
        return System.Text.RegularExpressions.Regex.Matches(json, @"\b(?:objectstore|http)_[a-z0-9_]+")
            .Select(m => System.Text.RegularExpressions.Regex.Replace(m.Value, "_(bucket|sum|count)$", ""))
            .Distinct().ToList();
    }

    [Fact]
    public async Task Metrics_path_under_a_virtual_hosted_bucket_name_is_that_buckets_object_key()
    {
        var bucket = UniqueNames.Bucket("vhost");
        await using var host = await fixture.StartHostAsync(new LocalHostOptions { Background = false, Settings = new Dictionary<string, string?> { ["OBJECTSTORE_BASE_DOMAIN"] = "s3.test" } });
        using var s3 = host.CreateS3Client();
        await s3.PutBucketAsync(bucket);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "_metrics", ContentBody = "an object, not metrics" });
        using var http = new HttpClient();

        using var pathStyle = await http.GetAsync(new Uri(host.Endpoint, "/_metrics"));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(host.Endpoint, "/_metrics"));
        request.Headers.Host = $"{bucket}.s3.test:{host.Port}";
        using var virtualHosted = await http.SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.OK, pathStyle.StatusCode);
        Assert.Contains("# TYPE", await pathStyle.Content.ReadAsStringAsync());
        // Anonymous GET of a private object: S3's AccessDenied, never the scrape.
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, virtualHosted.StatusCode);
        Assert.Contains("<Code>AccessDenied</Code>", await virtualHosted.Content.ReadAsStringAsync());
    }

    private static async Task<long> ReadAsync(Amazon.S3.AmazonS3Client s3, string bucket, string key)
    {
        using var response = await s3.GetObjectAsync(bucket, key);
        long total = 0;
        var buffer = new byte[81920];
        int n;
        while ((n = await response.ResponseStream.ReadAsync(buffer)) > 0)
            total += n;
        return total;
    }

    private static async Task<PrometheusScrape> WaitForAsync(HttpClient http, LocalHostInstance host, Func<PrometheusScrape, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var scrape = await PrometheusScrape.GetAsync(http, host.Endpoint);
            if (done(scrape) || DateTime.UtcNow > deadline)
                return scrape;
            await Task.Delay(200);
        }
    }
}
