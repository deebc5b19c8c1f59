using System.Net;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ObjectStore.Background;
using ObjectStore.Index;
using ObjectStore.Lifecycle;
using ObjectStore.IntegrationTests.Infrastructure;
using ObjectStore.Storage;
using ObjectStore.Storage.Disk;
using ObjectStore.Testing;
using ObjectStore.Tools;

namespace ObjectStore.IntegrationTests.Lifecycle;

/// <summary>
/// A local host of its own for lifecycle tests: background passes off (the test runs each pass),
/// a rule day of ten seconds and a fake clock the test advances, so nothing sleeps. The clock stays
/// within minutes of the real one, which the SDK signs requests with (SigV4 allows 15 minutes).
/// </summary>
internal sealed class LifecycleHost : IAsyncDisposable
{
    public static readonly TimeSpan Day = TimeSpan.FromSeconds(10);

    private readonly S3Signer _signer = new(LocalHostInstance.AccessKey, LocalHostInstance.SecretKey, "us-east-1");
    private readonly HttpClient _http = new();

    private LifecycleHost(LocalHostInstance host, FakeTimeProvider clock)
    {
        Host = host;
        Clock = clock;
        S3 = host.CreateS3Client(configure: c => c.MaxErrorRetry = 0);
    }

    public LocalHostInstance Host { get; }
    public FakeTimeProvider Clock { get; }
    public AmazonS3Client S3 { get; }
    public IObjectIndex Index => Host.Services.GetRequiredService<IObjectIndex>();

    public static async Task<LifecycleHost> StartAsync(LocalHostFixture fixture, int batchSize = 250, DateTimeOffset? start = null,
        IReadOnlyDictionary<string, string?>? settings = null, Action<LifecycleOptions>? options = null)
    {
        var clock = new FakeTimeProvider(start ?? DateTimeOffset.UtcNow);
        var all = new Dictionary<string, string?>
        {
            ["OBJECTSTORE_LIFECYCLE_DAY"] = Day.ToString("c"),
            ["OBJECTSTORE_LIFECYCLE_BATCH"] = batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // Data a lifecycle action unreferences is pending deletion; CollectDeletedDataAsync collects it at once.
            ["OBJECTSTORE_DATA_DELETE_GRACE"] = "0",
            [ShardBackedSetting.Name] = ShardBackedSetting.Off, // these tests follow small objects' shards through transitions
        };
        foreach (var (name, value) in settings ?? new Dictionary<string, string?>())
            all[name] = value;
        var host = await fixture.StartHostAsync(new LocalHostOptions
        {
            Background = false,
            Settings = all,
            ConfigureServices = services =>
            {
                services.AddSingleton<TimeProvider>(clock);
                if (options is not null)
                    services.PostConfigure(options);
            },
        });
        return new LifecycleHost(host, clock);
    }

    public void AdvanceDays(double days) => Clock.Advance(Day * days);

    public Task<LifecyclePassResult> RunPassAsync(CancellationToken cancellationToken = default) =>
        Host.Services.GetRequiredService<LifecycleService>().RunAsync(cancellationToken);

    /// <summary>Runs a repair pass, which deletes the data pending deletion (the host's grace period is zero); returns the pieces deleted.</summary>
    public async Task<long> CollectDeletedDataAsync()
    {
        var outcome = await Host.Services.GetRequiredService<RepairService>().RunPassAsync(CancellationToken.None);
        return (outcome.Report.LastPass ?? outcome.Report.CurrentPass)?.DataDeleted.Objects ?? 0;
    }

    /// <summary>Makes the copies of the restores queued so far, as the Lifecycle app's Restore trigger would; returns how many jobs it handled.</summary>
    public async Task<int> RunRestoresAsync()
    {
        var queues = Host.Services.GetRequiredService<ObjectStore.Queues.IMessageQueues>();
        var name = Host.Services.GetRequiredService<ObjectStore.Hosting.ObjectStoreSettings>().RestoreQueue;
        var pump = new QueuePump(name, Host.Services.GetRequiredService<ObjectStore.Background.Restore.RestoreWorker>().HandleAsync, queues, Clock,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<QueuePump>.Instance);
        await queues.Get(name).CreateIfNotExistsAsync(CancellationToken.None);
        var handled = 0;
        for (int seen; (seen = await pump.PumpOnceAsync(CancellationToken.None)) > 0;)
            handled += seen;
        return handled;
    }

    public async Task<string> CreateBucketAsync(string prefix, bool versioned, string? lifecycleXml, string? exactName = null)
    {
        var bucket = exactName ?? UniqueNames.Bucket(prefix);
        await S3.PutBucketAsync(bucket);
        if (versioned)
            await S3.PutBucketVersioningAsync(new PutBucketVersioningRequest { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } });
        if (lifecycleXml is not null)
        {
            using var response = await SendAsync(HttpMethod.Put, $"/{bucket}?lifecycle", lifecycleXml);
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        }
        return bucket;
    }

    /// <summary>A raw SigV4-signed request with an XML body (for documents the SDK would not send as given).</summary>
    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathAndQuery, string? body = null)
    {
        var request = new HttpRequestMessage(method, new Uri(Host.Endpoint, pathAndQuery));
        if (body is not null)
            request.Content = new StringContent(body, Encoding.UTF8, "application/xml");
        _signer.Sign(request);
        return _http.SendAsync(request);
    }

    public async Task<PutObjectResponse> PutAsync(string bucket, string key, byte[] data, string? storageClass = null) =>
        await S3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = key,
            InputStream = new MemoryStream(data),
            StorageClass = storageClass is null ? null : new S3StorageClass(storageClass),
        });

    public async Task<byte[]> GetAsync(string bucket, string key, string? versionId = null)
    {
        using var response = await S3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key, VersionId = versionId });
        using var body = new MemoryStream();
        await response.ResponseStream.CopyToAsync(body);
        return body.ToArray();
    }

    /// <summary>Every version and delete marker, in listing order.</summary>
    public async Task<List<S3ObjectVersion>> VersionsAsync(string bucket)
    {
        var versions = new List<S3ObjectVersion>();
        var request = new ListVersionsRequest { BucketName = bucket };
        while (true)
        {
            var page = await S3.ListVersionsAsync(request);
            versions.AddRange(page.Versions ?? []);
            if (page.IsTruncated != true)
                return versions;
            request.KeyMarker = page.NextKeyMarker;
            request.VersionIdMarker = page.NextVersionIdMarker;
        }
    }

    public async Task<ObjectRecord> RecordAsync(string bucket, string key, string? versionId = null) =>
        await Index.GetObjectAsync(bucket, key, versionId, CancellationToken.None) ?? throw new InvalidOperationException($"No /{bucket}/{key}.");

    /// <summary>The shard file paths of a single-data layout, whether or not they exist.</summary>
    public IReadOnlyList<string> ShardFiles(DataLayout layout)
    {
        var store = (ErasureObjectDataStore)Host.Services.GetRequiredService<IObjectDataStore>();
        return Enumerable.Range(0, layout.ShardZones.Count)
            .Select(i => ((DiskShardStore)MeteredShardStore.Unwrap(store.Zones.Single(z => z.Zone == layout.ShardZones[i]))).ShardPath(new ShardId(layout.DataId, i)))
            .ToList();
    }

    /// <summary>Every shard file under the zone directories.</summary>
    public IReadOnlyList<string> AllShardFiles() =>
        Directory.EnumerateFiles(Path.Combine(Host.DataDirectory, "zones"), "*", SearchOption.AllDirectories).ToList();

    public async ValueTask DisposeAsync()
    {
        S3.Dispose();
        _http.Dispose();
        await Host.DisposeAsync();
    }
}
