namespace ObjectStore.Objects.Identity;

/// <summary>Who signs a request: the root key, a user, or nobody.</summary>
public enum PrincipalKind { Root, User, Anonymous }

/// <summary>Looks up the secret access key of an access key id, and who it belongs to.</summary>
public interface ICredentialStore
{
    /// <returns>The secret and its owner, or null when the access key is unknown or disabled.</returns>
    ValueTask<StoredCredential?> FindAsync(string accessKey, CancellationToken cancellationToken);
}

/// <param name="SecretKey">The secret the request must be signed with.</param>
/// <param name="Caller">Who signs with it.</param>
public sealed record StoredCredential(string SecretKey, CallerIdentity Caller);

/// <summary>
/// The authenticated caller of a request: the root key (allowed everything), a user (identity
/// policies, read with the key at request time), or nobody (anonymous).
/// </summary>
/// <param name="AccessKey">The signing access key id; null for anonymous.</param>
public sealed record CallerIdentity(PrincipalKind Kind, string? AccessKey)
{
    public static CallerIdentity Anonymous { get; } = new(PrincipalKind.Anonymous, null);

    public static CallerIdentity Root(string accessKey) => new(PrincipalKind.Root, accessKey);

    public string? UserName { get; init; }
    public string? UserId { get; init; }
    /// <summary>The user may call the admin API.</summary>
    public bool IsAdmin { get; init; }
    /// <summary>The user's inline identity policies (validated IAM JSON), by name.</summary>
    public IReadOnlyDictionary<string, string> Policies { get; init; } = new Dictionary<string, string>();
}

/// <summary>A fixed set of access keys, all root, e.g. the single root key of a local deployment.</summary>
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

    public bool Contains(string accessKey) => _secrets.ContainsKey(accessKey);

    public ValueTask<StoredCredential?> FindAsync(string accessKey, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_secrets.TryGetValue(accessKey, out string? secret) ? new StoredCredential(secret, CallerIdentity.Root(accessKey)) : null);
}
