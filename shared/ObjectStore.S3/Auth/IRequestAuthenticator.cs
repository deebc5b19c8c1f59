using Microsoft.AspNetCore.Http;
using ObjectStore.Objects.Identity;

namespace ObjectStore.S3.Auth;

/// <summary>
/// Verifies a request's signature (SigV4 or V2; Authorization header or presigned query) and returns
/// who sent it and how to read its body. Throws <see cref="Errors.S3Exception"/> on refusal.
/// </summary>
public interface IRequestAuthenticator
{
    /// <returns>The authenticated caller; <see cref="AuthenticatedRequest.Anonymous"/> when the request carries no credentials.</returns>
    ValueTask<AuthenticatedRequest> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Verifies the signature of a browser upload form (POST policy): the HMAC of the base64 policy with the
    /// SigV4 signing key of the credential's secret. Returns who signed; throws on refusal.
    /// </summary>
    ValueTask<CallerIdentity> AuthenticatePostPolicyAsync(PostPolicySignature form, CancellationToken cancellationToken);

    /// <summary>
    /// The Signature Version 2 form of <see cref="AuthenticatePostPolicyAsync"/>: base64 HMAC-SHA1 of the
    /// base64 policy with the secret of AWSAccessKeyId. Returns who signed; throws on refusal.
    /// </summary>
    ValueTask<CallerIdentity> AuthenticatePostPolicyV2Async(PostPolicyV2Signature form, CancellationToken cancellationToken);
}

/// <param name="Credential">The form's x-amz-credential (<c>key/yyyyMMdd/region/s3/aws4_request</c>).</param>
/// <param name="Policy">The form's policy field, base64 as sent (what was signed).</param>
/// <param name="Signature">The form's x-amz-signature, hex.</param>
public sealed record PostPolicySignature(string Credential, string Policy, string Signature);

/// <param name="AccessKey">The access key id, or null for an anonymous request.</param>
/// <param name="Body">
/// The request body to read instead of <c>HttpRequest.Body</c>: aws-chunked framing removed, chunk
/// signatures, the payload SHA-256 and trailing checksums verified as it is read (a mismatch throws
/// <see cref="Errors.S3Exception"/> when the stream reaches the end).
/// </param>
/// <param name="DecodedContentLength">The payload length (x-amz-decoded-content-length for aws-chunked), if known.</param>
/// <param name="Trailers">Trailing headers of aws-chunked bodies (e.g. x-amz-checksum-crc32), filled once <paramref name="Body"/> is read to its end.</param>
public sealed record AuthenticatedRequest(string? AccessKey, Stream Body, long? DecodedContentLength, IReadOnlyDictionary<string, string> Trailers)
{
    public bool IsAnonymous => AccessKey is null;

    /// <summary>Who signed: set by the authenticator for every signed request (the handler refuses a signed request without it).</summary>
    public CallerIdentity? Caller { get; init; }
}
