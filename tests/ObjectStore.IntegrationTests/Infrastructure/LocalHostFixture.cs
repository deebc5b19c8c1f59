using Amazon.S3;
using ObjectStore.Testing;

namespace ObjectStore.IntegrationTests.Infrastructure;

/// <summary>
/// One Azurite (in memory, free ports) per test assembly, and one shared local host on it (free
/// port, temporary data directory), so the suite runs beside a ./run.sh that is already serving.
/// Tests that damage zones, or need a fresh store or several hosts, start their own instances on
/// the same Azurite with <see cref="StartHostAsync"/>.
/// </summary>
public sealed class LocalHostFixture : IAsyncLifetime
{
    public const string AccessKey = LocalHostInstance.AccessKey;
    public const string SecretKey = LocalHostInstance.SecretKey;

    private readonly AzuriteFixture azurite = new();
    private readonly List<LocalHostInstance> started = [];
    private LocalHostInstance? shared;
    private readonly Dictionary<ZoneLayout, Task<LocalHostInstance>> sharedOn = [];

    /// <summary>The host the ordinary end-to-end tests share.</summary>
    public LocalHostInstance Shared => shared ?? throw new InvalidOperationException("The local host fixture is not initialized.");

    public string DataDirectory => Shared.DataDirectory;
    public int Port => Shared.Port;
    public Uri Endpoint => Shared.Endpoint;
    public string StorageConnectionString => azurite.ConnectionString;

    public async Task InitializeAsync()
    {
        await azurite.InitializeAsync();
        shared = await StartHostAsync();
    }

    /// <summary>
    /// A host on <paramref name="layout"/> shared by the test classes that run a suite on that layout
    /// (the shared host itself when it already has it); started on first use.
    /// </summary>
    public Task<LocalHostInstance> SharedOnAsync(ZoneLayout layout)
    {
        if (Shared.Zones == layout)
            return Task.FromResult(Shared);
        lock (sharedOn)
        {
            if (!sharedOn.TryGetValue(layout, out var host))
                sharedOn[layout] = host = StartHostAsync(new LocalHostOptions { Zones = layout });
            return host;
        }
    }

    /// <summary>
    /// Starts another local host on this fixture's Azurite: its own port, and (unless
    /// <paramref name="options"/> say otherwise) its own data directory and table prefix. Dispose it
    /// when done; any left running are stopped with the fixture.
    /// </summary>
    public async Task<LocalHostInstance> StartHostAsync(LocalHostOptions? options = null)
    {
        var instance = await LocalHostInstance.StartAsync(azurite.ConnectionString, options);
        lock (started) started.Add(instance);
        return instance;
    }

    public async Task DisposeAsync()
    {
        LocalHostInstance[] instances;
        lock (started) instances = [.. started];
        foreach (var instance in instances)
            await instance.DisposeAsync();
        await azurite.DisposeAsync();
    }

    /// <summary>A client of the shared host; see <see cref="LocalHostInstance.CreateS3Client"/>.</summary>
    public AmazonS3Client CreateS3Client(string? accessKey = null, string? secretKey = null) =>
        Shared.CreateS3Client(accessKey, secretKey);
}

[CollectionDefinition(Name)]
public sealed class LocalHostCollection : ICollectionFixture<LocalHostFixture>
{
    public const string Name = "LocalHost";
}
