using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;

namespace ObjectStore.Hosting;

/// <summary>
/// How to reach the storage account of the index and queues (and of Blob zones by default): a
/// connection string locally (Azurite), or, in Azure, the Functions identity-based connection
/// convention under the same setting name: <c>{name}__tableServiceUri</c>,
/// <c>__queueServiceUri</c>, <c>__blobServiceUri</c> (or <c>__accountName</c> for all three in the
/// public cloud) and an optional <c>__clientId</c> of a user-assigned identity, authenticated with
/// <see cref="DefaultAzureCredential"/> (the app's managed identity): no account key in any setting.
/// </summary>
public sealed record StorageConnection
{
    public const string TableServiceUriKey = "tableServiceUri";
    public const string QueueServiceUriKey = "queueServiceUri";
    public const string BlobServiceUriKey = "blobServiceUri";
    public const string AccountNameKey = "accountName";
    public const string ClientIdKey = "clientId";

    private readonly Lazy<TokenCredential> _credential;

    private StorageConnection(string? connectionString, Uri? tables, Uri? queues, Uri? blobs, string? clientId)
    {
        ConnectionString = connectionString;
        TableServiceUri = tables;
        QueueServiceUri = queues;
        BlobServiceUri = blobs;
        ClientId = clientId;
        _credential = new(() => new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId }));
    }

    /// <summary>A connection string (account key or SAS, or Azurite's); null when identity-based.</summary>
    public string? ConnectionString { get; }
    public Uri? TableServiceUri { get; }
    public Uri? QueueServiceUri { get; }
    public Uri? BlobServiceUri { get; }
    /// <summary>Client id of a user-assigned managed identity; null for the system-assigned one.</summary>
    public string? ClientId { get; }

    /// <summary>The managed identity (or developer sign-in) used for identity-based connections.</summary>
    public TokenCredential Credential => _credential.Value;

    /// <summary>Reads the connection named <paramref name="name"/>; throws when neither form is set.</summary>
    public static StorageConnection FromConfiguration(IConfiguration configuration, string name)
    {
        if (configuration[name] is { Length: > 0 } connectionString)
            return new StorageConnection(connectionString, null, null, null, null);
        var section = configuration.GetSection(name);
        var account = section[AccountNameKey] is { Length: > 0 } a ? a : null;
        Uri? Endpoint(string key, string service) =>
            section[key] is { Length: > 0 } uri ? new Uri(uri, UriKind.Absolute)
            : account is not null ? new Uri($"https://{account}.{service}.core.windows.net/") : null;
        var connection = new StorageConnection(null, Endpoint(TableServiceUriKey, "table"), Endpoint(QueueServiceUriKey, "queue"),
            Endpoint(BlobServiceUriKey, "blob"), section[ClientIdKey] is { Length: > 0 } id ? id : null);
        if (connection.TableServiceUri is null || connection.QueueServiceUri is null)
            throw new InvalidOperationException(
                $"{name} is not set: ObjectStore needs an Azure Storage account (or Azurite) for its index. Set a connection string, " +
                $"or {name}__{TableServiceUriKey} and {name}__{QueueServiceUriKey} (or {name}__{AccountNameKey}) for the managed identity.");
        return connection;
    }

    public TableServiceClient CreateTableServiceClient(TableClientOptions? options = null) =>
        ConnectionString is not null ? new TableServiceClient(ConnectionString, options) : new TableServiceClient(TableServiceUri, Credential, options);

    public QueueServiceClient CreateQueueServiceClient(QueueClientOptions options) =>
        ConnectionString is not null ? new QueueServiceClient(ConnectionString, options) : new QueueServiceClient(QueueServiceUri, Credential, options);

    /// <summary>The account's Blob service; throws for an identity-based connection without a blob endpoint.</summary>
    public BlobServiceClient CreateBlobServiceClient() =>
        ConnectionString is not null ? new BlobServiceClient(ConnectionString)
        : BlobServiceUri is not null ? new BlobServiceClient(BlobServiceUri, Credential)
        : throw new InvalidOperationException($"Blob zones need a blob endpoint: set __{BlobServiceUriKey} (or __{AccountNameKey}) or a connection string.");
}
