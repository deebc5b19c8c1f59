using System.Globalization;
using Microsoft.AspNetCore.Http;
using ObjectStore.Objects.Errors;

namespace ObjectStore.S3.Auth;

/// <summary>Chooses the body stream of an authenticated request from its payload mode.</summary>
public sealed partial class SigV4Authenticator
{
    private static readonly IReadOnlyDictionary<string, string> NoTrailers = new Dictionary<string, string>();

    private static PayloadMode ParsePayloadMode(string value, out byte[]? sha256)
    {
        if (PayloadModes.TryParse(value, out PayloadMode mode, out sha256))
        {
            return mode;
        }

        if (value.StartsWith(PayloadModes.StreamingEcdsaPrefix, StringComparison.Ordinal))
        {
            throw S3Errors.Error(S3Errors.NotImplemented, "SigV4a (ECDSA) streaming signatures are not supported.");
        }

        throw S3Errors.Error(S3Errors.InvalidArgument, "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, or a valid sha256 value.");
    }

    /// <summary>
    /// A request without credentials. Its body is still decoded when it announces a mode that needs no key
    /// (a hex SHA-256 or STREAMING-UNSIGNED-PAYLOAD-TRAILER), so the handler sees the same bytes either way.
    /// </summary>
    private static AuthenticatedRequest Anonymous(HttpRequest request)
    {
        string? payloadHash = request.Headers["x-amz-content-sha256"];
        if (!string.IsNullOrEmpty(payloadHash) && PayloadModes.TryParse(payloadHash, out PayloadMode mode, out byte[]? sha256)
            && mode is PayloadMode.Sha256 or PayloadMode.StreamingUnsignedTrailer)
        {
            return CreateRequest(request, accessKey: null, mode, sha256, chain: null);
        }

        return new AuthenticatedRequest(null, request.Body, request.ContentLength, NoTrailers);
    }

    private static AuthenticatedRequest CreateRequest(HttpRequest request, string? accessKey, PayloadMode mode, byte[]? sha256, ChunkSignatureChain? chain)
    {
        switch (mode)
        {
            case PayloadMode.Sha256:
                return new AuthenticatedRequest(accessKey, new Sha256VerifyingStream(request.Body, sha256!), request.ContentLength, NoTrailers);
            case PayloadMode.Unsigned:
                return new AuthenticatedRequest(accessKey, request.Body, request.ContentLength, NoTrailers);
        }

        long? decodedLength = GetDecodedContentLength(request);
        var trailers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var body = new AwsChunkedDecodingStream(
            request.Body,
            chain,
            trailerAllowed: mode is PayloadMode.StreamingSignedTrailer or PayloadMode.StreamingUnsignedTrailer,
            decodedLength,
            trailers);
        return new AuthenticatedRequest(accessKey, body, decodedLength, trailers);
    }

    private static long? GetDecodedContentLength(HttpRequest request)
    {
        string? value = request.Headers["x-amz-decoded-content-length"];
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long length))
        {
            throw S3Errors.Error(S3Errors.InvalidArgument, "x-amz-decoded-content-length is not a valid length.");
        }

        return length;
    }

    /// <summary>
    /// The Content-Encoding to store with the object: the header's tokens without <c>aws-chunked</c>
    /// (which only describes the transfer); null when nothing is left.
    /// </summary>
    public static string? StoredContentEncoding(IHeaderDictionary headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var kept = new List<string>();
        foreach (string? value in headers.ContentEncoding)
        {
            foreach (string token in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (!token.Equals("aws-chunked", StringComparison.OrdinalIgnoreCase))
                {
                    kept.Add(token);
                }
            }
        }

        return kept.Count == 0 ? null : string.Join(", ", kept);
    }
}
