using System.Security.Cryptography;
using ObjectStore.Index;
using ObjectStore.Objects.Encryption;

namespace ObjectStore.Objects.Identity;

/// <summary>
/// The credential store of the gateway (the root keys from settings, then users' keys from the
/// identity table) and the operations of the admin API on users, keys and policies.
/// Nothing is cached: every signed request reads its key row and its user's row, so a disabled key,
/// a disabled user or a changed policy takes effect on the next request on every instance.
/// </summary>
public sealed partial class IdentityService : ICredentialStore
{
    private const int MaxPolicyBytes = 10 * 1024;
    private const int MaxKeysPerUser = 2;

    private readonly IIdentityStore _store;
    private readonly SecretProtector _protector;
    private readonly StaticCredentialStore _root;
    private readonly TimeProvider _time;

    public IdentityService(IIdentityStore store, SecretProtector protector, StaticCredentialStore rootKeys, string accountId, TimeProvider time)
    {
        _store = store;
        _protector = protector;
        _root = rootKeys;
        AccountId = accountId;
        _time = time;
    }

    /// <summary>The account id in principal ARNs: arn:aws:iam::{AccountId}:user/{name}.</summary>
    public string AccountId { get; }

    /// <summary>
    /// Checks an inline identity policy document (IAM JSON) before it is stored: null when valid, else
    /// the reason. The policy language belongs to the protocol layer, which the host wires in here.
    /// </summary>
    public required Func<string, string?> CheckPolicy { get; init; }

    /// <summary>The ARN of a user: arn:aws:iam::{accountId}:user/{name}.</summary>
    public static string UserArn(string accountId, string userName) => $"arn:aws:iam::{accountId}:user/{userName}";

    public async ValueTask<StoredCredential?> FindAsync(string accessKey, CancellationToken cancellationToken)
    {
        if (await _root.FindAsync(accessKey, cancellationToken) is { } root)
            return root;
        var key = await _store.GetAccessKeyAsync(accessKey, cancellationToken);
        if (key is not { Active: true })
            return null;
        var user = await _store.GetUserAsync(key.UserName, cancellationToken);
        if (user is null || user.Disabled)
            return null;
        var secret = _protector.Open(key.AccessKeyId, key.EncryptedSecret);
        return new StoredCredential(secret, new CallerIdentity(PrincipalKind.User, accessKey)
        {
            UserName = user.Name,
            UserId = user.UserId,
            IsAdmin = user.IsAdmin,
            Policies = user.Policies,
        });
    }

    /// <summary>IAM's user name rule: 1-64 of letters, digits and <c>+=,.@_-</c>.</summary>
    public static bool IsValidUserName(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || "+=,.@_-".Contains(c, StringComparison.Ordinal));

    /// <summary>Policy names: 1-128 of letters, digits and <c>+=,.@_-</c>.</summary>
    public static bool IsValidPolicyName(string name) =>
        name.Length is > 0 and <= 128 && name.All(c => char.IsAsciiLetterOrDigit(c) || "+=,.@_-".Contains(c, StringComparison.Ordinal));

    /// <summary>20 characters of A-Z and 2-7, starting "OS" (AWS key ids look alike: 20 upper-case characters).</summary>
    internal static string NewAccessKeyId()
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        return "OS" + RandomNumberGenerator.GetString(alphabet, 18);
    }

    /// <summary>40 characters of letters and digits (about 238 bits).</summary>
    internal static string NewSecret() =>
        RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 40);

    internal static string NewUserId() =>
        "OSU" + RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 18);
}
