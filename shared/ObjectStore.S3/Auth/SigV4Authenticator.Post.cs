using System.Security.Cryptography;
using ObjectStore.Objects.Errors;
using ObjectStore.Objects.Identity;

namespace ObjectStore.S3.Auth;

public sealed partial class SigV4Authenticator
{
    /// <summary>
    /// A POST form's signature: x-amz-signature = hex HMAC-SHA256(signing key of the credential, policy).
    /// An unknown or disabled key is InvalidAccessKeyId, a wrong signature SignatureDoesNotMatch.
    /// </summary>
    public async ValueTask<CallerIdentity> AuthenticatePostPolicyAsync(PostPolicySignature form, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        if (!SigV4Credential.TryParse(form.Credential, out SigV4Credential? credential))
        {
            throw new S3Exception(S3Errors.InvalidArgument, "Invalid argument.")
            {
                Details = new Dictionary<string, string> { ["ArgumentName"] = "x-amz-credential", ["ArgumentValue"] = form.Credential },
            };
        }

        CheckScope(credential!, S3Errors.InvalidArgument, "Error parsing the X-Amz-Credential parameter; ");
        var (signingKey, caller) = await GetSigningKeyAsync(credential!, cancellationToken).ConfigureAwait(false);
        Span<byte> provided = stackalloc byte[32];
        Span<byte> expected = stackalloc byte[32];
        if (!SigV4Crypto.TryParseSignature(form.Signature.AsSpan(), provided))
        {
            throw S3Errors.Error(S3Errors.SignatureDoesNotMatch);
        }

        SigV4Crypto.Hmac(signingKey, form.Policy, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, provided))
        {
            throw S3Errors.Error(S3Errors.SignatureDoesNotMatch);
        }

        return caller;
    }
}
