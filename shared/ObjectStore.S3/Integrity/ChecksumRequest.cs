using Microsoft.AspNetCore.Http;
using ObjectStore.Objects.Errors;
using ObjectStore.Objects.Integrity;

namespace ObjectStore.S3.Integrity;

/// <summary>
/// The flexible checksum a request asks for: its algorithm and where the expected value is (an
/// x-amz-checksum-* header, or the aws-chunked trailer named by x-amz-trailer). With neither, only
/// x-amz-sdk-checksum-algorithm was sent: the checksum is computed and stored, not verified.
/// </summary>
public sealed record ChecksumRequest(ChecksumAlgorithm Algorithm, string? ExpectedBase64, bool FromTrailer)
{
    private static readonly HashSet<string> NotChecksums = new(StringComparer.OrdinalIgnoreCase)
    {
        "x-amz-checksum-mode", "x-amz-checksum-type", "x-amz-checksum-algorithm",
    };

    /// <summary>Compute <paramref name="algorithm"/> without a value to verify (e.g. a default the store always keeps).</summary>
    public static ChecksumRequest ComputeOnly(ChecksumAlgorithm algorithm) => new(algorithm, null, false);

    /// <summary>Reads the checksum headers; null when the request asks for no checksum. Throws InvalidRequest when they are invalid.</summary>
    public static ChecksumRequest? FromHeaders(IHeaderDictionary headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ChecksumAlgorithm? fromHeader = null;
        string? value = null;
        foreach (var (name, values) in headers)
        {
            if (!name.StartsWith("x-amz-checksum-", StringComparison.OrdinalIgnoreCase) || NotChecksums.Contains(name))
            {
                continue;
            }

            if (!ChecksumAlgorithms.TryParseHeaderName(name, out ChecksumAlgorithm algorithm))
            {
                throw S3Errors.Error(S3Errors.InvalidRequest, "The algorithm type you specified in x-amz-checksum- header is invalid.");
            }

            if (fromHeader is not null || values.Count != 1)
            {
                throw MultipleChecksums();
            }

            fromHeader = algorithm;
            value = values[0];
        }

        ChecksumAlgorithm? fromTrailer = null;
        foreach (string? declared in headers["x-amz-trailer"])
        {
            foreach (string name in (declared ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (!name.StartsWith("x-amz-checksum-", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (!ChecksumAlgorithms.TryParseHeaderName(name, out ChecksumAlgorithm algorithm))
                {
                    throw S3Errors.Error(S3Errors.InvalidRequest, "The value specified in the x-amz-trailer header is not supported");
                }

                if (fromTrailer is not null || fromHeader is not null)
                {
                    throw MultipleChecksums();
                }

                fromTrailer = algorithm;
            }
        }

        ChecksumAlgorithm? sdk = null;
        string? sdkName = headers["x-amz-sdk-checksum-algorithm"];
        if (!string.IsNullOrEmpty(sdkName))
        {
            if (!ChecksumAlgorithms.TryParse(sdkName, out ChecksumAlgorithm parsed) || (fromHeader ?? fromTrailer ?? parsed) != parsed)
            {
                throw S3Errors.Error(S3Errors.InvalidRequest, "Value for x-amz-sdk-checksum-algorithm header is invalid.");
            }

            sdk = parsed;
        }

        if (fromHeader is ChecksumAlgorithm h)
        {
            if (!TryDecode(h, value, out _))
            {
                throw S3Errors.Error(S3Errors.InvalidRequest, $"Value for {h.HeaderName()} header is invalid.");
            }

            return new ChecksumRequest(h, value!.Trim(), false);
        }

        if (fromTrailer is ChecksumAlgorithm t)
        {
            return new ChecksumRequest(t, null, true);
        }

        return sdk is ChecksumAlgorithm s ? ComputeOnly(s) : null;
    }

    public ChecksumCalculator CreateCalculator() => new(Algorithm);

    /// <summary>
    /// Checks the computed checksum against the expected one (from the header, or from
    /// <paramref name="trailers"/> once the body has been read to its end) and returns the computed
    /// base64 value to store. Throws BadDigest on a mismatch.
    /// </summary>
    public string Verify(ChecksumCalculator calculator, IReadOnlyDictionary<string, string> trailers)
    {
        ArgumentNullException.ThrowIfNull(calculator);
        Span<byte> actual = stackalloc byte[32];
        int length = calculator.GetDigest(actual);
        string computed = Convert.ToBase64String(actual[..length]);
        string? expected = ExpectedBase64;
        if (FromTrailer && (trailers is null || !trailers.TryGetValue(Algorithm.HeaderName(), out expected)))
        {
            throw S3Errors.Error(S3Errors.MalformedTrailerError, $"The {Algorithm.HeaderName()} trailer declared in x-amz-trailer was not sent.");
        }

        if (expected is null)
        {
            return computed;
        }

        if (!TryDecode(Algorithm, expected, out byte[]? expectedDigest))
        {
            throw S3Errors.Error(S3Errors.InvalidRequest, $"Value for {Algorithm.HeaderName()} trailing header is invalid.");
        }

        if (!expectedDigest.AsSpan().SequenceEqual(actual[..length]))
        {
            throw S3Errors.Error(S3Errors.BadDigest, $"The {Algorithm.Name()} you specified did not match the calculated checksum.");
        }

        return computed;
    }

    private static bool TryDecode(ChecksumAlgorithm algorithm, string? base64, out byte[]? digest)
    {
        digest = null;
        if (string.IsNullOrWhiteSpace(base64))
        {
            return false;
        }

        byte[] bytes = new byte[algorithm.DigestLength() + 3];
        if (!Convert.TryFromBase64String(base64.Trim(), bytes, out int written) || written != algorithm.DigestLength())
        {
            return false;
        }

        digest = bytes[..written];
        return true;
    }

    private static S3Exception MultipleChecksums() =>
        S3Errors.Error(S3Errors.InvalidRequest, "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
}
