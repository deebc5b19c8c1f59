using Microsoft.AspNetCore.Http;
using ObjectStore.Objects.Errors;

namespace ObjectStore.S3.Auth;

/// <summary>What a valid signature must also cover: the server's credential scope and every x-amz-* header sent.</summary>
public sealed partial class SigV4Authenticator
{
    /// <summary>The only service a credential scope may name here.</summary>
    private const string Service = "s3";

    /// <summary>
    /// The scope's region must be the server's (when one is configured) and its service "s3", as S3
    /// checks before the signature: a request signed for another region or service never authenticates.
    /// </summary>
    private void CheckScope(SigV4Credential credential, S3ErrorCode code, string prefix)
    {
        if (_options.Region is { } expected && !string.Equals(credential.Region, expected, StringComparison.Ordinal))
        {
            throw new S3Exception(code, $"{prefix}the region '{credential.Region}' is wrong; expecting '{expected}'")
            {
                Details = new Dictionary<string, string> { ["Region"] = expected },
            };
        }

        if (!string.Equals(credential.Service, Service, StringComparison.Ordinal))
        {
            throw new S3Exception(code, $"{prefix}incorrect service \"{credential.Service}\". This endpoint belongs to \"{Service}\".");
        }
    }

    /// <summary>
    /// S3 refuses a signed request that carries x-amz-* headers the signature does not cover: otherwise
    /// anyone holding a presigned URL could add x-amz-copy-source, x-amz-meta-* or x-amz-tagging and act
    /// with the signer's rights. x-amz-content-sha256 is the documented exception (presigned URLs send it
    /// unsigned); x-amzn-* headers (trace ids) are another prefix and stay unsigned as the SDKs leave them.
    /// </summary>
    private static void RefuseUnsignedAmzHeaders(HttpRequest request, SigV4Claim claim)
    {
        List<string>? unsigned = null;
        foreach (var header in request.Headers)
        {
            string name = header.Key;
            if (!name.StartsWith("x-amz-", StringComparison.OrdinalIgnoreCase)
                || name.Equals("x-amz-content-sha256", StringComparison.OrdinalIgnoreCase)
                || Array.Exists(claim.SignedHeaders, signed => signed.Equals(name, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            (unsigned ??= []).Add(name.ToLowerInvariant());
        }

        if (unsigned is not null)
        {
            unsigned.Sort(StringComparer.Ordinal);
            throw new S3Exception(S3Errors.AccessDenied, "There were headers present in the request which were not signed")
            {
                Details = new Dictionary<string, string> { ["HeadersNotSigned"] = string.Join(", ", unsigned) },
            };
        }
    }
}
