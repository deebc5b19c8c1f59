namespace ObjectStore.Index;

/// <summary>
/// Users and their access keys. Secrets are stored only as the ciphertext the caller hands in;
/// this store never sees a plaintext secret. Every update of a read record is conditional.
/// </summary>
public interface IIdentityStore
{
    /// <summary>Creates the table (idempotent).</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    Task<UserRecord?> GetUserAsync(string name, CancellationToken cancellationToken);

    /// <summary>Every user, in name order.</summary>
    IAsyncEnumerable<UserRecord> ListUsersAsync(CancellationToken cancellationToken);

    /// <summary>False when a user of that name exists already.</summary>
    Task<bool> TryCreateUserAsync(UserRecord user, CancellationToken cancellationToken);

    /// <summary>Replaces the user if its <see cref="UserRecord.ConcurrencyToken"/> still matches.</summary>
    Task<IndexWriteResult> UpdateUserAsync(UserRecord user, CancellationToken cancellationToken);

    Task<IndexWriteResult> DeleteUserAsync(string name, CancellationToken cancellationToken);

    Task<AccessKeyRecord?> GetAccessKeyAsync(string accessKeyId, CancellationToken cancellationToken);

    /// <summary>The access keys of one user, in id order.</summary>
    IAsyncEnumerable<AccessKeyRecord> ListAccessKeysAsync(string userName, CancellationToken cancellationToken);

    /// <summary>False when the id is taken.</summary>
    Task<bool> TryCreateAccessKeyAsync(AccessKeyRecord key, CancellationToken cancellationToken);

    /// <summary>Replaces the key if its <see cref="AccessKeyRecord.ConcurrencyToken"/> still matches.</summary>
    Task<IndexWriteResult> UpdateAccessKeyAsync(AccessKeyRecord key, CancellationToken cancellationToken);

    Task<IndexWriteResult> DeleteAccessKeyAsync(string accessKeyId, CancellationToken cancellationToken);
}

/// <param name="Name">IAM user name: letters, digits and <c>+=,.@_-</c>, 1-64 characters.</param>
/// <param name="UserId">Stable unique id (aws:userid), never reused.</param>
public sealed record UserRecord(string Name, string UserId, DateTimeOffset CreatedAt)
{
    /// <summary>May call the admin API.</summary>
    public bool IsAdmin { get; init; }
    /// <summary>A disabled user's keys are all refused.</summary>
    public bool Disabled { get; init; }
    /// <summary>Inline identity policies (IAM JSON, validated before storing), by policy name.</summary>
    public IReadOnlyDictionary<string, string> Policies { get; init; } = new Dictionary<string, string>();
    public string? ConcurrencyToken { get; init; }
}

/// <param name="EncryptedSecret">The secret access key sealed by the master key (see the access layer).</param>
public sealed record AccessKeyRecord(string AccessKeyId, string UserName, DateTimeOffset CreatedAt, bool Active, byte[] EncryptedSecret)
{
    public string? ConcurrencyToken { get; init; }
}
