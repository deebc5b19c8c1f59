using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;
using Microsoft.AspNetCore.Builder;
using ObjectStore.Hosting;
using ObjectStore.LocalHost;
using ObjectStore.Testing;

namespace ObjectStore.IntegrationTests.Infrastructure;

/// <summary>
/// One Azurite (in memory, free ports) and one local host (free port, temporary data directory)
/// per test assembly, so the suite runs beside a ./run.sh that is already serving.
/// </summary>
public sealed class LocalHostFixture : IAsyncLifetime
{
    public const string AccessKey = "e2e-access-key";
    public const string SecretKey = "e2e-secret-key-for-tests";

    private readonly AzuriteFixture azurite = new();
    private WebApplication? app;

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "objectstore-e2e-" + Guid.NewGuid().ToString("N")[..12]);
    public int Port { get; private set; }
    public Uri Endpoint => new($"http://127.0.0.1:{Port}");
    public string StorageConnectionString => azurite.ConnectionString;

    public async Task InitializeAsync()
    {
        await azurite.InitializeAsync();
        Port = FreeTcpPort();
        app = LocalHostApp.Build([], new Dictionary<string, string?>
        {
            [LocalHostApp.PortSetting] = Port.ToString(),
            [ObjectStoreSettings.DataSetting] = DataDirectory,
            [ObjectStoreSettings.AccessKeySetting] = AccessKey,
            [ObjectStoreSettings.SecretKeySetting] = SecretKey,
            [ObjectStoreSettings.TablePrefixSetting] = UniqueNames.Table("e2e"),
            ["OBJECTSTORE_STORAGE_CONNECTION_STRING"] = azurite.ConnectionString,
        });
        await app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        await azurite.DisposeAsync();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>AWSSDK.S3 in its default configuration (aws-chunked bodies, CRC32 trailers), path-style.</summary>
    public AmazonS3Client CreateS3Client(string? accessKey = null, string? secretKey = null) =>
        new(new BasicAWSCredentials(accessKey ?? AccessKey, secretKey ?? SecretKey), new AmazonS3Config
        {
            ServiceURL = Endpoint.ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
        });

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class LocalHostCollection : ICollectionFixture<LocalHostFixture>
{
    public const string Name = "LocalHost";
}
