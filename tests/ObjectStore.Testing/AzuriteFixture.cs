using Xunit;

namespace ObjectStore.Testing;

/// <summary>
/// xunit fixture: one in-memory Azurite per test assembly, on free loopback ports.
/// <para>
/// Usage. xunit only discovers collection definitions in the test assembly itself, so each test
/// project declares once:
/// <code>
/// [CollectionDefinition(AzuriteCollection.Name)]
/// public sealed class AzuriteCollectionDefinition : ICollectionFixture&lt;AzuriteFixture&gt; { }
/// </code>
/// and each test class that needs storage is marked <c>[Collection(AzuriteCollection.Name)]</c> and
/// takes <see cref="AzuriteFixture"/> in its constructor. Tests isolate from each other with
/// <see cref="UniqueNames"/> (tables, queues, containers), not with separate Azurite processes.
/// </para>
/// <para>
/// Set <c>OBJECTSTORE_TEST_CONNECTION_STRING</c> to run against an existing storage account
/// (for example a real Azure one) instead of starting Azurite.
/// </para>
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public const string ConnectionStringVariable = "OBJECTSTORE_TEST_CONNECTION_STRING";

    private AzuriteProcess? _azurite;
    private string? _connectionString;

    /// <summary>devstoreaccount1 with explicit BlobEndpoint, QueueEndpoint and TableEndpoint.</summary>
    public string ConnectionString =>
        _connectionString ?? throw new InvalidOperationException("The Azurite fixture is not initialized.");

    /// <summary>The running Azurite, or null when an external account is used.</summary>
    public AzuriteProcess? Process => _azurite;

    public async Task InitializeAsync()
    {
        var external = Environment.GetEnvironmentVariable(ConnectionStringVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            _connectionString = external;
            return;
        }
        _azurite = await AzuriteProcess.StartAsync().ConfigureAwait(false);
        _connectionString = _azurite.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        if (_azurite is not null)
            await _azurite.DisposeAsync().ConfigureAwait(false);
        _azurite = null;
    }
}

/// <summary>The name of the xunit collection that shares one <see cref="AzuriteFixture"/>.</summary>
public static class AzuriteCollection
{
    public const string Name = "Azurite";
}
