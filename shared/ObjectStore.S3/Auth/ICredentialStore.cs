namespace ObjectStore.S3.Auth;

/// <summary>Looks up the secret access key of an access key id.</summary>
public interface ICredentialStore
{
    /// <returns>The secret, or null when the access key is unknown.</returns>
    ValueTask<string?> GetSecretAsync(string accessKey, CancellationToken cancellationToken);
}

/// <summary>A fixed set of access keys, e.g. the single root key of a local deployment.</summary>
public sealed class StaticCredentialStore : ICredentialStore
{
    private readonly Dictionary<string, string> _secrets;

    public StaticCredentialStore(string accessKey, string secretKey)
        : this(new Dictionary<string, string> { [accessKey] = secretKey })
    {
    }

    public StaticCredentialStore(IReadOnlyDictionary<string, string> secretsByAccessKey)
    {
        ArgumentNullException.ThrowIfNull(secretsByAccessKey);
        _secrets = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, secret) in secretsByAccessKey)
        {
            ArgumentException.ThrowIfNullOrEmpty(key);
            ArgumentException.ThrowIfNullOrEmpty(secret);
            _secrets[key] = secret;
        }
    }

    public ValueTask<string?> GetSecretAsync(string accessKey, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_secrets.TryGetValue(accessKey, out string? secret) ? secret : null);
}
