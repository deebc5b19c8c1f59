using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ObjectStore.Objects.Errors;
using ObjectStore.Objects.Identity;

namespace ObjectStore.S3.Auth;

/// <summary>
/// AWS Signature Version 4 for S3: the Authorization header and presigned query strings, with the
/// payload modes of x-amz-content-sha256 (hex SHA-256, UNSIGNED-PAYLOAD, signed and unsigned
/// aws-chunked with trailers), and Signature Version 2 beside it (<c>SigV4Authenticator.SigV2.cs</c>).
/// Requests without credentials come back anonymous; the handler decides.
/// </summary>
public sealed partial class SigV4Authenticator : IRequestAuthenticator
{
    private readonly ICredentialStore _credentials;
    private readonly TimeProvider _time;
    private readonly SigV4AuthenticatorOptions _options;
    private readonly ILogger _logger;
    private readonly SigningKeyCache _keys = new();

    public SigV4Authenticator(ICredentialStore credentials, TimeProvider timeProvider, SigV4AuthenticatorOptions? options = null, ILogger<SigV4Authenticator>? logger = null)
    {
        _credentials = credentials ?? throw new ArgumentNullException(nameof(credentials));
        _time = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _options = options ?? new SigV4AuthenticatorOptions();
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    public async ValueTask<AuthenticatedRequest> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (rawPath, rawQuery) = SigV4Canonical.SplitRawTarget(request);
        var query = SigV4Canonical.ParseQuery(rawQuery);
        bool presigned = query.Exists(p => p.Name is "X-Amz-Algorithm" or "X-Amz-Credential" or "X-Amz-Signature");
        var authorization = request.Headers.Authorization;
        if (authorization.Count > 1)
        {
            throw S3Errors.Error(S3Errors.InvalidArgument, "Only one Authorization header is allowed.");
        }

        string? header = authorization.Count == 1 ? authorization[0] : null;
        if (!string.IsNullOrEmpty(header) && (presigned || IsV2Presigned(query)))
        {
            throw S3Errors.Error(S3Errors.InvalidArgument, "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified");
        }

        if (!string.IsNullOrEmpty(header))
        {
            return await AuthenticateHeaderAsync(request, header, rawPath, rawQuery, cancellationToken).ConfigureAwait(false);
        }

        if (presigned)
        {
            return await AuthenticatePresignedAsync(request, query, rawPath, rawQuery, cancellationToken).ConfigureAwait(false);
        }

        if (IsV2Presigned(query))
        {
            return await AuthenticateV2PresignedAsync(request, query, rawPath, rawQuery, cancellationToken).ConfigureAwait(false);
        }

        return Anonymous(request);
    }

    private async ValueTask<AuthenticatedRequest> AuthenticateHeaderAsync(HttpRequest request, string header, string rawPath, string rawQuery, CancellationToken cancellationToken)
    {
        if (header.StartsWith(V2HeaderPrefix, StringComparison.Ordinal))
        {
            return await AuthenticateV2HeaderAsync(request, header, rawPath, rawQuery, cancellationToken).ConfigureAwait(false);
        }

        if (!header.StartsWith(SigV4Crypto.Algorithm + " ", StringComparison.Ordinal))
        {
            throw header.StartsWith("AWS4-ECDSA", StringComparison.Ordinal)
                ? Unsupported()
                : S3Errors.Error(S3Errors.AuthorizationHeaderMalformed, "The authorization header is malformed; the authorization mechanism is not supported.");
        }

        if (!SigV4AuthorizationParser.TryParseHeader(header, out SigV4Claim? claim, out string? error))
        {
            throw S3Errors.Error(S3Errors.AuthorizationHeaderMalformed, error);
        }

        var credential = claim!.Credential;
        var (amzDate, requestTime) = GetRequestTime(request);
        if (requestTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture) != credential.Date)
        {
            throw S3Errors.Error(S3Errors.AuthorizationHeaderMalformed, $"The authorization header is malformed; Invalid credential date \"{credential.Date}\". This date is not the same as X-Amz-Date: \"{requestTime:yyyyMMdd}\".");
        }

        CheckScope(credential, S3Errors.AuthorizationHeaderMalformed, "The authorization header is malformed; ");
        if ((_time.GetUtcNow() - requestTime).Duration() > _options.MaxClockSkew)
        {
            throw S3Errors.Error(S3Errors.RequestTimeTooSkewed);
        }

        string? payloadHash = request.Headers["x-amz-content-sha256"];
        if (string.IsNullOrEmpty(payloadHash))
        {
            throw S3Errors.Error(S3Errors.InvalidRequest, "Missing required header for this request: x-amz-content-sha256");
        }

        var mode = ParsePayloadMode(payloadHash, out byte[]? sha256);
        var (signingKey, caller) = await GetSigningKeyAsync(credential, cancellationToken).ConfigureAwait(false);
        byte[] signature = VerifySignature(request, claim, signingKey, amzDate, rawPath, SigV4Canonical.CanonicalQuery(rawQuery, excludeSignature: false), payloadHash);
        RefuseUnsignedAmzHeaders(request, claim);
        var chain = mode is PayloadMode.StreamingSigned or PayloadMode.StreamingSignedTrailer
            ? new ChunkSignatureChain(signingKey, amzDate, credential.Scope, signature)
            : null;
        return CreateRequest(request, credential.AccessKey, mode, sha256, chain) with { Caller = caller };
    }

    private async ValueTask<AuthenticatedRequest> AuthenticatePresignedAsync(HttpRequest request, List<(string Name, string Value)> query, string rawPath, string rawQuery, CancellationToken cancellationToken)
    {
        if (!SigV4AuthorizationParser.TryParseQuery(query, out SigV4Claim? claim, out string amzDate, out long expires, out string? error))
        {
            throw S3Errors.Error(S3Errors.AuthorizationQueryParametersError, error);
        }

        if (expires < 0)
        {
            throw S3Errors.Error(S3Errors.ExpiredToken); // S3: a negative lifetime has already ended
        }

        if (expires > (long)_options.MaxPresignedExpiry.TotalSeconds)
        {
            long max = (long)_options.MaxPresignedExpiry.TotalSeconds;
            throw S3Errors.Error(S3Errors.AuthorizationQueryParametersError, $"X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than {max} seconds");
        }

        var credential = claim!.Credential;
        SigV4AuthorizationParser.TryParseAmzDate(amzDate, out DateTimeOffset signedAt);
        if (signedAt.ToString("yyyyMMdd", CultureInfo.InvariantCulture) != credential.Date)
        {
            throw S3Errors.Error(S3Errors.AuthorizationQueryParametersError, $"Invalid credential date \"{credential.Date}\". This date is not the same as X-Amz-Date: \"{signedAt:yyyyMMdd}\".");
        }

        CheckScope(credential, S3Errors.AuthorizationQueryParametersError, "Error parsing the X-Amz-Credential parameter; ");
        DateTimeOffset now = _time.GetUtcNow();
        if (signedAt - now > _options.MaxClockSkew)
        {
            throw S3Errors.Error(S3Errors.AccessDenied, "Request is not valid yet");
        }

        if (now > signedAt.AddSeconds(expires))
        {
            throw S3Errors.Error(S3Errors.ExpiredToken);
        }

        // Presigned URLs sign UNSIGNED-PAYLOAD unless the client also sent (and signed) a payload hash header.
        string? payloadHash = request.Headers["x-amz-content-sha256"];
        if (string.IsNullOrEmpty(payloadHash) || !claim.SignedHeaders.Contains("x-amz-content-sha256"))
        {
            payloadHash = PayloadModes.UnsignedPayload;
        }

        var mode = ParsePayloadMode(payloadHash, out byte[]? sha256);
        if (mode is PayloadMode.StreamingSigned or PayloadMode.StreamingSignedTrailer)
        {
            throw S3Errors.Error(S3Errors.InvalidRequest, "Signed aws-chunked payloads cannot be sent with a presigned URL.");
        }

        var (signingKey, caller) = await GetSigningKeyAsync(credential, cancellationToken).ConfigureAwait(false);
        VerifySignature(request, claim, signingKey, amzDate, rawPath, SigV4Canonical.CanonicalQuery(rawQuery, excludeSignature: true), payloadHash);
        RefuseUnsignedAmzHeaders(request, claim);
        return CreateRequest(request, credential.AccessKey, mode, sha256, chain: null) with { Caller = caller };
    }

    /// <summary>x-amz-date if present, else Date; returns the ISO 8601 basic form used in the string to sign.</summary>
    private static (string AmzDate, DateTimeOffset Time) GetRequestTime(HttpRequest request)
    {
        string? amzDate = request.Headers["x-amz-date"];
        if (!string.IsNullOrEmpty(amzDate))
        {
            if (SigV4AuthorizationParser.TryParseAmzDate(amzDate, out DateTimeOffset time))
            {
                return (amzDate, time);
            }
        }
        else if (request.Headers.Date is { Count: > 0 } date && SigV4AuthorizationParser.TryParseHttpDate(date.ToString(), out DateTimeOffset time))
        {
            return (time.ToString(SigV4AuthorizationParser.AmzDateFormat, CultureInfo.InvariantCulture), time);
        }

        throw S3Errors.Error(S3Errors.AccessDenied, "AWS authentication requires a valid Date or x-amz-date header");
    }

    private async ValueTask<(byte[] Key, CallerIdentity Caller)> GetSigningKeyAsync(SigV4Credential credential, CancellationToken cancellationToken)
    {
        var stored = await _credentials.FindAsync(credential.AccessKey, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            throw new S3Exception(S3Errors.InvalidAccessKeyId)
            {
                Details = new Dictionary<string, string> { ["AWSAccessKeyId"] = credential.AccessKey },
            };
        }

        return (_keys.GetSigningKey(stored.SecretKey, credential.Date, credential.Region, credential.Service), stored.Caller);
    }

    /// <summary>
    /// Compares the claimed signature (constant time) against the canonical request over the raw path;
    /// if that fails and the path re-encoded the AWS way differs, over that too. Returns the signature bytes.
    /// </summary>
    private static byte[] VerifySignature(HttpRequest request, SigV4Claim claim, byte[] signingKey, string amzDate, string rawPath, string canonicalQuery, string payloadHash)
    {
        byte[] provided = new byte[32];
        if (!SigV4Crypto.TryParseSignature(claim.Signature.AsSpan(), provided))
        {
            throw S3Errors.Error(S3Errors.SignatureDoesNotMatch);
        }

        string path = rawPath.Length == 0 ? "/" : rawPath;
        if (Matches(path))
        {
            return provided;
        }

        string normalized = SigV4Canonical.NormalizePath(path);
        if (normalized != path && Matches(normalized))
        {
            return provided;
        }

        throw S3Errors.Error(S3Errors.SignatureDoesNotMatch);

        bool Matches(string canonicalUri)
        {
            string canonicalRequest = SigV4Canonical.Build(request.Method, canonicalUri, canonicalQuery, request.Headers, claim.SignedHeaders, claim.SignedHeadersText, payloadHash);
            string stringToSign = new StringBuilder(256)
                .Append(SigV4Crypto.Algorithm).Append('\n')
                .Append(amzDate).Append('\n')
                .Append(claim.Credential.Scope).Append('\n')
                .Append(SigV4Crypto.Sha256Hex(canonicalRequest))
                .ToString();
            Span<byte> expected = stackalloc byte[32];
            SigV4Crypto.Hmac(signingKey, stringToSign, expected);
            return CryptographicOperations.FixedTimeEquals(expected, provided);
        }
    }

    private static S3Exception Unsupported() =>
        S3Errors.Error(S3Errors.InvalidRequest, "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.");
}
