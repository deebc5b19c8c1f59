using ObjectStore.Index;
using ObjectStore.Objects.Errors;

namespace ObjectStore.Objects.Identity;

/// <summary>What the admin API shows of a user (never a secret).</summary>
public sealed record UserView(string Name, string UserId, string Arn, DateTimeOffset CreatedAt, bool Admin, bool Disabled, IReadOnlyList<string> Policies);

/// <summary>What the admin API shows of an access key; <see cref="SecretAccessKey"/> only in the answer that created it.</summary>
public sealed record AccessKeyView(string AccessKeyId, string UserName, string Status, DateTimeOffset CreatedAt)
{
    public string? SecretAccessKey { get; init; }
}

public sealed partial class IdentityService
{
    public async Task<UserView> CreateUserAsync(string name, bool isAdmin, CancellationToken cancellationToken)
    {
        if (!IsValidUserName(name))
            throw new S3Exception(S3Errors.InvalidArgument, "User names are 1-64 characters of letters, digits and +=,.@_-");
        var user = new UserRecord(name, NewUserId(), _time.GetUtcNow()) { IsAdmin = isAdmin };
        if (!await _store.TryCreateUserAsync(user, cancellationToken))
            throw new S3Exception(S3Errors.EntityAlreadyExists, $"User with name {name} already exists.");
        return View(user);
    }

    public async Task<IReadOnlyList<UserView>> ListUsersAsync(CancellationToken cancellationToken)
    {
        var users = new List<UserView>();
        await foreach (var user in _store.ListUsersAsync(cancellationToken))
            users.Add(View(user));
        return users.OrderBy(u => u.Name, StringComparer.Ordinal).ToList();
    }

    public async Task<UserView> GetUserAsync(string name, CancellationToken cancellationToken) =>
        View(await RequireUserAsync(name, cancellationToken));

    /// <summary>Deletes the user first (its keys stop working at once), then its keys.</summary>
    public async Task DeleteUserAsync(string name, CancellationToken cancellationToken)
    {
        if (await _store.DeleteUserAsync(name, cancellationToken) == IndexWriteResult.NotFound)
            throw NoSuchUser(name);
        await foreach (var key in _store.ListAccessKeysAsync(name, cancellationToken))
            await _store.DeleteAccessKeyAsync(key.AccessKeyId, cancellationToken);
    }

    public Task<UserView> SetUserDisabledAsync(string name, bool disabled, CancellationToken cancellationToken) =>
        UpdateUserAsync(name, u => u with { Disabled = disabled }, cancellationToken);

    public Task<UserView> SetUserAdminAsync(string name, bool isAdmin, CancellationToken cancellationToken) =>
        UpdateUserAsync(name, u => u with { IsAdmin = isAdmin }, cancellationToken);

    /// <summary>Creates a key pair; the answer is the only place the secret ever appears.</summary>
    public async Task<AccessKeyView> CreateAccessKeyAsync(string userName, CancellationToken cancellationToken)
    {
        await RequireUserAsync(userName, cancellationToken);
        var existing = 0;
        await foreach (var _ in _store.ListAccessKeysAsync(userName, cancellationToken))
            existing++;
        if (existing >= MaxKeysPerUser)
            throw new S3Exception(S3Errors.LimitExceeded, $"Cannot exceed quota for AccessKeysPerUser: {MaxKeysPerUser}");
        while (true)
        {
            var id = NewAccessKeyId();
            var secret = NewSecret();
            var record = new AccessKeyRecord(id, userName, _time.GetUtcNow(), Active: true, _protector.Seal(id, secret));
            if (await _store.TryCreateAccessKeyAsync(record, cancellationToken))
                return View(record) with { SecretAccessKey = secret };
        }
    }

    public async Task<IReadOnlyList<AccessKeyView>> ListAccessKeysAsync(string userName, CancellationToken cancellationToken)
    {
        await RequireUserAsync(userName, cancellationToken);
        var keys = new List<AccessKeyView>();
        await foreach (var key in _store.ListAccessKeysAsync(userName, cancellationToken))
            keys.Add(View(key));
        return keys.OrderBy(k => k.CreatedAt).ToList();
    }

    public async Task<AccessKeyView> SetAccessKeyActiveAsync(string accessKeyId, bool active, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var key = await _store.GetAccessKeyAsync(accessKeyId, cancellationToken) ?? throw NoSuchKey(accessKeyId);
            var changed = key with { Active = active };
            var result = await _store.UpdateAccessKeyAsync(changed, cancellationToken);
            if (result == IndexWriteResult.Success) return View(changed);
            if (result == IndexWriteResult.NotFound) throw NoSuchKey(accessKeyId);
            if (attempt >= 5) throw new S3Exception(S3Errors.ServiceUnavailable, "The access key is being changed concurrently; please retry.");
        }
    }

    public async Task DeleteAccessKeyAsync(string accessKeyId, CancellationToken cancellationToken)
    {
        if (await _store.DeleteAccessKeyAsync(accessKeyId, cancellationToken) == IndexWriteResult.NotFound)
            throw NoSuchKey(accessKeyId);
    }

    /// <summary>Validates and stores an inline identity policy (MalformedPolicyDocument when invalid).</summary>
    public Task<UserView> PutUserPolicyAsync(string userName, string policyName, string document, CancellationToken cancellationToken)
    {
        if (!IsValidPolicyName(policyName))
            throw new S3Exception(S3Errors.InvalidArgument, "Policy names are 1-128 characters of letters, digits and +=,.@_-");
        if (CheckPolicy(document) is { } error)
            throw new S3Exception(S3Errors.MalformedPolicyDocument, error);
        return UpdateUserAsync(userName, u =>
        {
            var policies = new Dictionary<string, string>(u.Policies, StringComparer.Ordinal) { [policyName] = document };
            if (policies.Values.Sum(p => p.Length) > MaxPolicyBytes)
                throw new S3Exception(S3Errors.LimitExceeded, $"The user's inline policies together must not exceed {MaxPolicyBytes} characters.");
            return u with { Policies = policies };
        }, cancellationToken);
    }

    public async Task<string> GetUserPolicyAsync(string userName, string policyName, CancellationToken cancellationToken)
    {
        var user = await RequireUserAsync(userName, cancellationToken);
        return user.Policies.TryGetValue(policyName, out var document)
            ? document
            : throw new S3Exception(S3Errors.NoSuchEntity, $"The user policy with name {policyName} cannot be found.");
    }

    public Task<UserView> DeleteUserPolicyAsync(string userName, string policyName, CancellationToken cancellationToken) =>
        UpdateUserAsync(userName, u =>
        {
            if (!u.Policies.ContainsKey(policyName))
                throw new S3Exception(S3Errors.NoSuchEntity, $"The user policy with name {policyName} cannot be found.");
            return u with { Policies = u.Policies.Where(p => p.Key != policyName).ToDictionary(StringComparer.Ordinal) };
        }, cancellationToken);

    private async Task<UserView> UpdateUserAsync(string name, Func<UserRecord, UserRecord> change, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var changed = change(await RequireUserAsync(name, cancellationToken));
            var result = await _store.UpdateUserAsync(changed, cancellationToken);
            if (result == IndexWriteResult.Success) return View(changed);
            if (result == IndexWriteResult.NotFound) throw NoSuchUser(name);
            if (attempt >= 5) throw new S3Exception(S3Errors.ServiceUnavailable, "The user is being changed concurrently; please retry.");
        }
    }

    private async Task<UserRecord> RequireUserAsync(string name, CancellationToken cancellationToken) =>
        (IsValidUserName(name) ? await _store.GetUserAsync(name, cancellationToken) : null) ?? throw NoSuchUser(name);

    private UserView View(UserRecord u) =>
        new(u.Name, u.UserId, UserArn(AccountId, u.Name), u.CreatedAt, u.IsAdmin, u.Disabled, u.Policies.Keys.Order(StringComparer.Ordinal).ToList());

    private static AccessKeyView View(AccessKeyRecord k) => new(k.AccessKeyId, k.UserName, k.Active ? "Active" : "Inactive", k.CreatedAt);

    private static S3Exception NoSuchUser(string name) => new(S3Errors.NoSuchEntity, $"The user with name {name} cannot be found.");

    private static S3Exception NoSuchKey(string id) => new(S3Errors.NoSuchEntity, $"The Access Key with id {id} cannot be found.");
}
