using Amazon.Runtime;
using Amazon.S3;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ObjectStore.Hosting;
using ObjectStore.LocalHost;
using ObjectStore.Storage;
using ObjectStore.Storage.Blob;
using ObjectStore.Testing;

namespace ObjectStore.IntegrationTests.Infrastructure;

/// <summary>How to start a local host instance; by default everything is its own.</summary>
public sealed record LocalHostOptions
{
    /// <summary>
    /// An existing data directory (zones under <c>zones/</c>) to serve, e.g. another instance's;
    /// the instance then leaves it in place on dispose. Null: a new temporary one, deleted on dispose.
    /// </summary>
    public string? DataDirectory { get; init; }

    /// <summary>An existing table prefix (another instance's index); null: a new unique one.</summary>
    public string? TablePrefix { get; init; }

    /// <summary>Directories, Blob containers or both; null: <see cref="ZoneLayouts.Default"/>.</summary>
    public ZoneLayout? Zones { get; init; }

    /// <summary>An existing container prefix (another instance's Blob zones); null: a new unique one.</summary>
    public string? BlobContainerPrefix { get; init; }

    /// <summary>Run the lifecycle and repair passes and the events-queue pump, as the real host does.</summary>
    public bool Background { get; init; } = true;

    /// <summary>Runs after the host's own registrations (e.g. a fake TimeProvider for lifecycle tests).</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }

    /// <summary>Further settings (OBJECTSTORE_* names); they win over the ones above.</summary>
    public IReadOnlyDictionary<string, string?>? Settings { get; init; }

    /// <summary>Options for a second instance over the same zones and index as <paramref name="other"/>.</summary>
    public static LocalHostOptions SharingStateWith(LocalHostInstance other) =>
        new() { DataDirectory = other.DataDirectory, TablePrefix = other.TablePrefix, Zones = other.Zones, BlobContainerPrefix = other.BlobContainerPrefix };
}

/// <summary>
/// One in-process local host on its own free loopback port, with its own data directory and table
/// prefix unless told to share them, and an in-memory capture of its log. Tests that damage zone
/// directories start one of these instead of using the shared host.
/// </summary>
public sealed class LocalHostInstance : IAsyncDisposable
{
    public const string AccessKey = "e2e-access-key";
    public const string SecretKey = "e2e-secret-key-for-tests";
    private const int StartAttempts = 3;

    private readonly WebApplication _app;
    private readonly bool _ownsDataDirectory;
    private int _disposed;

    private LocalHostInstance(WebApplication app, int port, string dataDirectory, bool ownsDataDirectory, string tablePrefix, LogCapture log,
        ZoneLayout zones, string blobContainerPrefix)
    {
        _app = app;
        Port = port;
        DataDirectory = dataDirectory;
        _ownsDataDirectory = ownsDataDirectory;
        TablePrefix = tablePrefix;
        Log = log;
        Zones = zones;
        BlobContainerPrefix = blobContainerPrefix;
    }

    public ZoneLayout Zones { get; }
    public string BlobContainerPrefix { get; }

    /// <summary>The shard store of each zone, in placement order (the real stores, without the metrics decorator).</summary>
    public IReadOnlyList<IShardStore> ShardStores =>
        ((ErasureObjectDataStore)Services.GetRequiredService<IObjectDataStore>()).Zones.Select(MeteredShardStore.Unwrap).ToArray();

    public int Port { get; }
    public Uri Endpoint => new($"http://127.0.0.1:{Port}");
    public string DataDirectory { get; }
    public string TablePrefix { get; }

    /// <summary>Everything this instance logged so far.</summary>
    public LogCapture Log { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>The directory of a zone (the default zones are zone-a, zone-b, zone-c).</summary>
    public string ZoneDirectory(string zone) => Path.Combine(DataDirectory, "zones", zone);

    /// <summary>
    /// AWSSDK.S3 in its default configuration (aws-chunked bodies, CRC32 trailers), path-style;
    /// <paramref name="configure"/> may change it (e.g. no retries, to see each error once).
    /// </summary>
    public AmazonS3Client CreateS3Client(string? accessKey = null, string? secretKey = null, Action<AmazonS3Config>? configure = null)
    {
        var config = new AmazonS3Config
        {
            ServiceURL = Endpoint.ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
        };
        configure?.Invoke(config);
        return new AmazonS3Client(new BasicAWSCredentials(accessKey ?? AccessKey, secretKey ?? SecretKey), config);
    }

    /// <summary>Starts an instance against the storage account; retries on a new port if the one picked was taken meanwhile.</summary>
    public static async Task<LocalHostInstance> StartAsync(string storageConnectionString, LocalHostOptions? options = null)
    {
        options ??= new LocalHostOptions();
        var ownsDataDirectory = options.DataDirectory is null;
        var dataDirectory = options.DataDirectory ?? Path.Combine(Path.GetTempPath(), "objectstore-e2e-" + Guid.NewGuid().ToString("N")[..12]);
        var tablePrefix = options.TablePrefix ?? UniqueNames.Table("e2e");
        var zones = options.Zones ?? ZoneLayouts.Default;
        var containerPrefix = options.BlobContainerPrefix ?? UniqueNames.Container("e2e") + "-";
        for (var attempt = 1; ; attempt++)
        {
            var port = LoopbackPort.Free();
            var settings = new Dictionary<string, string?>
            {
                [LocalHostApp.PortSetting] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                [LocalHostApp.BackgroundSetting] = options.Background ? "on" : "off",
                [ObjectStoreSettings.DataSetting] = dataDirectory,
                [ObjectStoreSettings.AccessKeySetting] = AccessKey,
                [ObjectStoreSettings.SecretKeySetting] = SecretKey,
                [ObjectStoreSettings.TablePrefixSetting] = tablePrefix,
                // Each index has its own events queue, so hosts on one Azurite never take each other's events.
                [ObjectStore.Background.BackgroundSchedules.EventsQueueSetting] = EventsQueueOf(tablePrefix),
                ["OBJECTSTORE_STORAGE_CONNECTION_STRING"] = storageConnectionString,
            };
            foreach (var (name, value) in ZoneLayouts.Settings(zones, containerPrefix))
                settings[name] = value;
            foreach (var (name, value) in options.Settings ?? new Dictionary<string, string?>())
                settings[name] = value;

            var log = new LogCapture();
            var app = LocalHostApp.Build([], settings, services =>
            {
                services.AddSingleton<ILoggerProvider>(log);
                options.ConfigureServices?.Invoke(services);
            });
            try
            {
                await app.StartAsync();
                return new LocalHostInstance(app, port, dataDirectory, ownsDataDirectory, tablePrefix, log, zones, containerPrefix);
            }
            catch (IOException) when (attempt < StartAttempts)
            {
                await app.DisposeAsync(); // the port was taken between picking and binding it
            }
            catch
            {
                await app.DisposeAsync();
                if (ownsDataDirectory) DeleteDirectory(dataDirectory);
                throw;
            }
        }
    }

    /// <summary>The events queue of the instances serving the index with this table prefix.</summary>
    public static string EventsQueueOf(string tablePrefix) => tablePrefix.ToLowerInvariant() + "-events";

    /// <summary>This instance's events queue (its poison queue is "&lt;name&gt;-poison").</summary>
    public string EventsQueue => EventsQueueOf(TablePrefix);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        var containers = ShardStores.OfType<BlobShardStore>().Select(z => z.Container).ToArray();
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (_ownsDataDirectory)
        {
            DeleteDirectory(DataDirectory);
            // Azurite keeps blobs in memory: give it back what this instance stored.
            foreach (var container in containers)
                await container.DeleteIfExistsAsync();
        }
    }

    private static void DeleteDirectory(string path)
    {
        try { Directory.Delete(path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
