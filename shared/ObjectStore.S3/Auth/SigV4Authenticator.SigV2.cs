using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ObjectStore.Objects.Errors;
using ObjectStore.Objects.Identity;
using ObjectStore.S3.Protocol;

namespace ObjectStore.S3.Auth;

/// <summary>
/// Signature Version 2, which older tools and boto3's default presigned URLs (region us-east-1, no
/// signature version) still send: the <c>Authorization: AWS key:signature</c> header, presigned query
/// strings (AWSAccessKeyId, Expires, Signature) and POST forms (AWSAccessKeyId, policy, signature).
/// The caller is resolved from the same credential store as SigV4 and authorized the same way.
/// </summary>
public sealed partial class SigV4Authenticator
{
    private const string V2HeaderPrefix = "AWS ";

    private static bool IsV2Presigned(List<(string Name, string Value)> query) =>
        query.Exists(p => p.Name is "AWSAccessKeyId" or "Signature");

    private async ValueTask<AuthenticatedRequest> AuthenticateV2HeaderAsync(HttpRequest request, string header, string rawPath, string rawQuery, CancellationToken cancellationToken)
    {
        RequireV2();
        string credentials = header[V2HeaderPrefix.Length..].Trim();
        int colon = credentials.LastIndexOf(':');
        if (colon <= 0 || colon == credentials.Length - 1)
        {
            throw S3Errors.Error(S3Errors.InvalidArgument, "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature");
        }

        string accessKey = credentials[..colon];
        string signature = credentials[(colon + 1)..];
        string? amzDate = SigV2Canonical.HeaderValue(request.Headers, "x-amz-date");
        string? date = SigV2Canonical.HeaderValue(request.Headers, "Date");
        if (!SigV2Canonical.TryParseDate(amzDate ?? date, out DateTimeOffset requestTime))
        {
            throw S3Errors.Error(S3Errors.AccessDenied, "AWS authentication requires a valid Date or x-amz-date header");
        }

        if ((_time.GetUtcNow() - requestTime).Duration() > _options.MaxClockSkew)
        {
            throw S3Errors.Error(S3Errors.RequestTimeTooSkewed);
        }

        var stored = await FindV2CredentialAsync(accessKey, cancellationToken).ConfigureAwait(false);
        var amzHeaders = request.Headers.Keys.Where(IsAmzHeader);
        // With x-amz-date the Date line of the string to sign is empty (S3's rule; s3cmd signs that way).
        VerifyV2(request, accessKey, stored.SecretKey, signature, name => SigV2Canonical.HeaderValue(request.Headers, name), amzHeaders,
            amzDate is null ? date ?? "" : "", rawPath, rawQuery);
        return CreateRequest(request, accessKey, PayloadMode.Unsigned, sha256: null, chain: null) with { Caller = stored.Caller };
    }

    private async ValueTask<AuthenticatedRequest> AuthenticateV2PresignedAsync(HttpRequest request, List<(string Name, string Value)> query, string rawPath, string rawQuery, CancellationToken cancellationToken)
    {
        RequireV2();
        string? accessKey = FindQuery(query, "AWSAccessKeyId"), signature = FindQuery(query, "Signature"), expires = FindQuery(query, "Expires");
        if (string.IsNullOrEmpty(accessKey) || string.IsNullOrEmpty(signature) || expires is null)
        {
            throw S3Errors.Error(S3Errors.AccessDenied, "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters");
        }

        if (!SigV2Canonical.TryParseExpires(expires, out DateTimeOffset expiresAt))
        {
            throw S3Errors.Error(S3Errors.AccessDenied, $"Invalid date (should be seconds since epoch): {expires}");
        }

        if (_time.GetUtcNow() > expiresAt)
        {
            throw S3Errors.Error(S3Errors.ExpiredToken);
        }

        var stored = await FindV2CredentialAsync(accessKey, cancellationToken).ConfigureAwait(false);
        // Signers may carry Content-Type, Content-MD5 and x-amz-* as query parameters (botocore does); they count as headers.
        string? Field(string name) =>
            query.FindLast(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) is { Name: not null } p ? p.Value : SigV2Canonical.HeaderValue(request.Headers, name);
        var amzHeaders = request.Headers.Keys.Where(IsAmzHeader).Concat(query.Select(p => p.Name).Where(IsAmzHeader));
        VerifyV2(request, accessKey, stored.SecretKey, signature, Field, amzHeaders, expires, rawPath, rawQuery);
        return CreateRequest(request, accessKey, PayloadMode.Unsigned, sha256: null, chain: null) with { Caller = stored.Caller };
    }

    /// <summary>
    /// A V2 POST form's signature: base64 HMAC-SHA1 of the base64 policy with the secret key. An unknown or
    /// disabled key is InvalidAccessKeyId, a wrong signature SignatureDoesNotMatch, V2 turned off InvalidRequest.
    /// </summary>
    public async ValueTask<CallerIdentity> AuthenticatePostPolicyV2Async(PostPolicyV2Signature form, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        RequireV2();
        var stored = await FindV2CredentialAsync(form.AccessKeyId, cancellationToken).ConfigureAwait(false);
        Span<byte> provided = stackalloc byte[20];
        if (!SigV2Canonical.TryParseSignature(form.Signature, provided)
            || !CryptographicOperations.FixedTimeEquals(SigV2Canonical.Sign(stored.SecretKey, form.Policy), provided))
        {
            throw S3Errors.Error(S3Errors.SignatureDoesNotMatch);
        }

        return stored.Caller;
    }

    private void RequireV2()
    {
        if (!_options.SignatureV2)
        {
            Log.SignatureV2Refused(_logger);
            throw Unsupported();
        }
    }

    private async ValueTask<StoredCredential> FindV2CredentialAsync(string accessKey, CancellationToken cancellationToken) =>
        await _credentials.FindAsync(accessKey, cancellationToken).ConfigureAwait(false)
        ?? throw new S3Exception(S3Errors.InvalidAccessKeyId) { Details = new Dictionary<string, string> { ["AWSAccessKeyId"] = accessKey } };

    /// <summary>
    /// Compares the signature (constant time) with each way clients build the canonical resource: the
    /// path as sent or re-encoded, and each client family's list of sub-resources.
    /// </summary>
    private void VerifyV2(HttpRequest request, string accessKey, string secret, string signature, Func<string, string?> field,
        IEnumerable<string> amzHeaders, string dateLine, string rawPath, string rawQuery)
    {
        Span<byte> provided = stackalloc byte[20];
        string? first = null;
        if (SigV2Canonical.TryParseSignature(signature, provided))
        {
            var query = SigV2Canonical.ParseQuery(rawQuery);
            string? bucket = S3Addressing.BucketFromHost(request.Host.Value, _options.BaseDomain);
            var headers = amzHeaders.ToList();
            string path = rawPath.Length == 0 ? "/" : rawPath;
            string normalized = SigV4Canonical.NormalizePath(path);
            var tried = new HashSet<string>(StringComparer.Ordinal);
            foreach (string candidatePath in normalized == path ? [path] : new[] { path, normalized })
            {
                for (int list = 0; list < SigV2Canonical.SubResourceLists.Count; list++)
                {
                    string resource = SigV2Canonical.Resource(bucket, candidatePath, query, SigV2Canonical.SubResourceLists[list], keepEmptyEquals: list == 0);
                    string stringToSign = SigV2Canonical.StringToSign(request.Method, field, headers, dateLine, resource);
                    first ??= stringToSign;
                    if (tried.Add(stringToSign) && CryptographicOperations.FixedTimeEquals(SigV2Canonical.Sign(secret, stringToSign), provided))
                    {
                        return;
                    }
                }
            }
        }

        Log.SignatureV2Mismatch(_logger, accessKey, first ?? "");
        throw new S3Exception(S3Errors.SignatureDoesNotMatch)
        {
            Details = new Dictionary<string, string> { ["AWSAccessKeyId"] = accessKey, ["SignatureProvided"] = signature, ["StringToSign"] = first ?? "" },
        };
    }

    private static bool IsAmzHeader(string name) => name.StartsWith("x-amz-", StringComparison.OrdinalIgnoreCase);

    private static string? FindQuery(List<(string Name, string Value)> query, string name) =>
        query.FindLast(p => p.Name == name) is { Name: not null } p ? p.Value : null;

    private static partial class Log
    {
        [LoggerMessage(EventId = 1300, Level = LogLevel.Debug, Message = "Signature V2 of access key {AccessKey} does not match; the server's string to sign: {StringToSign}")]
        public static partial void SignatureV2Mismatch(ILogger logger, string accessKey, string stringToSign);

        [LoggerMessage(EventId = 1301, Level = LogLevel.Debug, Message = "A Signature V2 request was refused: Signature V2 is turned off (OBJECTSTORE_SIGV2=off)")]
        public static partial void SignatureV2Refused(ILogger logger);
    }
}

/// <param name="AccessKeyId">The form's AWSAccessKeyId.</param>
/// <param name="Policy">The form's policy field, base64 as sent (what was signed).</param>
/// <param name="Signature">The form's signature field, base64 HMAC-SHA1.</param>
public sealed record PostPolicyV2Signature(string AccessKeyId, string Policy, string Signature);
