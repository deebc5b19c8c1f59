using System.Net;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using ObjectStore.Hosting;
using ObjectStore.Index.Tables;
using ObjectStore.IntegrationTests.Infrastructure;
using ObjectStore.Testing.Throttling;

namespace ObjectStore.IntegrationTests.Connections;

/// <summary>
/// The local host over an index whose Table partitions are throttled (a proxy in front of Azurite answering
/// 503 ServerBusy past 10 operations/s per partition): bursts of PUT, GET, HEAD and DELETE from AWSSDK.S3 and
/// boto3 see only successes or 503 SlowDown with Retry-After, never a 500; with their own retries on they
/// all succeed; and the host logs no 5xx but 503.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class IndexThrottlingTests(LocalHostFixture fixture) : IAsyncLifetime
{
    private const int Keys = 16;
    private ThrottlingTableProxy? _proxy;
    private LocalHostInstance? _host;
    private readonly ClientTestData _data = new();

    private ThrottlingTableProxy Proxy => _proxy ?? throw new InvalidOperationException("Not initialized.");
    private LocalHostInstance Host => _host ?? throw new InvalidOperationException("Not initialized.");

    public async Task InitializeAsync()
    {
        _proxy = ThrottlingTableProxy.Start(fixture.StorageConnectionString, new PartitionBudget(operationsPerSecond: 10, burst: 5));
        _proxy.Enabled = false;
        _host = await LocalHostInstance.StartAsync(_proxy.Rewrite(fixture.StorageConnectionString), new LocalHostOptions
        {
            Background = false,
            // A short budget, so the burst outlasts it and SlowDown reaches the client. The bucket record and the
            // routing stay cached: a PUT retried alone after the clients' back-off (boto3 waits up to 20 s) must fit
            // in the partition's burst of 5 operations. An overwrite costs 3 (the refused insert, the read, the
            // transaction); with both caches run out it cost 5-6 and could never succeed alone (a CI run's key b7).
            Settings = new Dictionary<string, string?>
            {
                [TableRetrySettings.BudgetSetting] = "100",
                [ObjectStoreSettings.BucketCacheSecondsSetting] = "300",
                [ObjectStoreSettings.IndexRoutingCacheSecondsSetting] = "300",
            },
        });
    }

    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        if (_proxy is not null) await _proxy.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task An_AWS_SDK_burst_sees_only_success_or_SlowDown_and_with_retries_all_succeeds()
    {
        var bucket = ClientTestData.BucketName("thr");
        using var once = Host.CreateS3Client(configure: c => c.MaxErrorRetry = 0);
        await once.PutBucketAsync(bucket);
        Proxy.Enabled = true;

        var outcomes = new List<string>();
        async Task Try(Func<Task> call)
        {
            string outcome;
            try { await call(); outcome = "ok"; }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound) { outcome = "404"; }
            catch (AmazonS3Exception e) { outcome = $"{(int)e.StatusCode} {e.ErrorCode}"; }
            lock (outcomes) outcomes.Add(outcome);
        }
        var keys = Enumerable.Range(0, Keys).Select(i => $"k{i}").ToArray();
        await Task.WhenAll(keys.Select(k => Try(() => once.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = k, ContentBody = k }))));
        await Task.WhenAll(keys.Select(k => Try(() => once.GetObjectAsync(bucket, k))));
        await Task.WhenAll(keys.Select(k => Try(() => once.GetObjectMetadataAsync(bucket, k))));
        await Task.WhenAll(keys.Select(k => Try(() => once.DeleteObjectAsync(bucket, k))));

        // HEAD errors carry no body: the SDK names a bodiless 503 ServiceUnavailable.
        Assert.All(outcomes, o => Assert.Contains(o, new[] { "ok", "404", "503 SlowDown", "503 ServiceUnavailable" }));
        Assert.Contains(outcomes, o => o.StartsWith("503", StringComparison.Ordinal));

        // The SDK's standard mode retries SlowDown with backoff. Its retry quota is off (ThrottleRetries) and adaptive
        // mode is not used: both are client-side limiters that, on a loaded test machine, give up before the server
        // does ("capacity could not be obtained"), which would test the SDK's patience rather than our answers.
        using var retrying = Host.CreateS3Client(configure: c => { c.MaxErrorRetry = 20; c.RetryMode = RequestRetryMode.Standard; c.ThrottleRetries = false; });
        var four = new ParallelOptions { MaxDegreeOfParallelism = 4 };
        await Parallel.ForEachAsync(keys, four, async (k, ct) => await retrying.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = k, ContentBody = k }, ct));
        await Parallel.ForEachAsync(keys, four, async (k, ct) =>
        {
            using var got = await retrying.GetObjectAsync(bucket, k, ct);
            using var reader = new StreamReader(got.ResponseStream);
            Assert.Equal(k, await reader.ReadToEndAsync(ct));
        });
        await Parallel.ForEachAsync(keys, four, async (k, ct) => await retrying.GetObjectMetadataAsync(bucket, k, ct));
        await Parallel.ForEachAsync(keys, four, async (k, ct) => await retrying.DeleteObjectAsync(bucket, k, ct));
        Proxy.Enabled = false;
        Assert.Empty((await retrying.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? []);

        AssertNoServerErrorButSlowDown();
    }

    [Fact]
    public async Task A_boto3_burst_sees_SlowDown_with_Retry_After_and_with_retries_all_succeeds()
    {
        var bucket = ClientTestData.BucketName("thr");
        using (var admin = Host.CreateS3Client())
            await admin.PutBucketAsync(bucket);
        Proxy.Enabled = true;

        var python = ExternalProcess.Require("python3", "boto3 tests need python3 with pip boto3 1.43.");
        var script = Path.Combine(_data.NewDirectory("py"), "burst.py");
        await File.WriteAllTextAsync(script, """
            import json, sys
            from concurrent.futures import ThreadPoolExecutor
            import boto3
            from botocore.config import Config
            from botocore.exceptions import ClientError
            endpoint, key, secret, bucket, n = sys.argv[1:6]
            def client(attempts):
                return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key, aws_secret_access_key=secret,
                                    config=Config(s3={"addressing_style": "path"}, signature_version="s3v4", max_pool_connections=32,
                                                  retries={"max_attempts": attempts, "mode": "standard"}))
            once, retrying = client(1), client(20)
            keys = ["b%d" % i for i in range(int(n))]
            def attempt(call):
                try:
                    call()
                    return ["ok", None]
                except ClientError as e:
                    meta = e.response["ResponseMetadata"]
                    return ["%d %s" % (meta["HTTPStatusCode"], e.response["Error"].get("Code", "")), meta["HTTPHeaders"].get("retry-after")]
            out = {"burst": [], "retried": 0}
            with ThreadPoolExecutor(16) as pool:
                for op in (lambda k: once.put_object(Bucket=bucket, Key=k, Body=k.encode()),
                           lambda k: once.get_object(Bucket=bucket, Key=k)["Body"].read(),
                           lambda k: once.delete_object(Bucket=bucket, Key=k)):
                    out["burst"] += list(pool.map(lambda k: attempt(lambda: op(k)), keys))
                list(pool.map(lambda k: retrying.put_object(Bucket=bucket, Key=k, Body=k.encode()), keys))
                bodies = list(pool.map(lambda k: retrying.get_object(Bucket=bucket, Key=k)["Body"].read().decode(), keys))
                out["retried"] = sum(1 for k, b in zip(keys, bodies) if k == b)
                list(pool.map(lambda k: retrying.delete_object(Bucket=bucket, Key=k), keys))
            print(json.dumps(out))
            """);
        var result = await ExternalProcess.RunCheckedAsync(python,
            [script, Host.Endpoint.ToString().TrimEnd('/'), LocalHostInstance.AccessKey, LocalHostInstance.SecretKey, bucket, Keys.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        var output = JsonDocument.Parse(result.StdOut.TrimEnd().Split('\n')[^1]).RootElement;

        var burst = output.GetProperty("burst").EnumerateArray().Select(e => (Outcome: e[0].GetString()!, RetryAfter: e[1].ValueKind == JsonValueKind.String ? e[1].GetString() : null)).ToList();
        Assert.All(burst, b => Assert.Contains(b.Outcome, new[] { "ok", "404 NoSuchKey", "503 SlowDown" }));
        Assert.Contains(burst, b => b.Outcome == "503 SlowDown");
        Assert.All(burst.Where(b => b.Outcome == "503 SlowDown"), b => Assert.Equal("1", b.RetryAfter));
        Assert.Equal(Keys, output.GetProperty("retried").GetInt32());
        AssertNoServerErrorButSlowDown();
    }

    [Fact]
    public async Task A_PUT_whose_index_write_timed_out_after_applying_is_SlowDown_and_its_object_stays_readable()
    {
        var bucket = ClientTestData.BucketName("thr");
        using var once = Host.CreateS3Client(configure: c => c.MaxErrorRetry = 0);
        await once.PutBucketAsync(bucket);

        // Azure may apply a write and still answer 500 OperationTimedOut: not retried (a retry would meet its own
        // row), the client is told to slow down, and the data the row names is kept, not deleted as after a failure.
        var content = string.Concat(Enumerable.Repeat("applied ", 64 * 1024)); // 512 KiB: shards, not inline in the row
        Proxy.TimeOutAppliedWrites = true;
        var slowDown = await Assert.ThrowsAsync<AmazonS3Exception>(() => once.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = content }));
        Proxy.TimeOutAppliedWrites = false;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, slowDown.StatusCode);
        Assert.Equal("SlowDown", slowDown.ErrorCode);

        using var got = await once.GetObjectAsync(bucket, "k");
        using var reader = new StreamReader(got.ResponseStream);
        Assert.Equal(content, await reader.ReadToEndAsync());
        Assert.Contains(Host.Log.WithEventId(1480), e => Equals(e["OutcomeUnknown"], true));
        AssertNoServerErrorButSlowDown();
    }

    private void AssertNoServerErrorButSlowDown()
    {
        var completed = Host.Log.WithEventId(1000);
        Assert.NotEmpty(completed);
        Assert.All(completed, e => Assert.True(Convert.ToInt32(e["Status"], System.Globalization.CultureInfo.InvariantCulture) is < 500 or 503, e.ToString()));
        Assert.Empty(Host.Log.WithEventId(1001));
    }
}
