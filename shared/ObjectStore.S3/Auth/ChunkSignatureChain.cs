using System.Security.Cryptography;
using System.Text;

namespace ObjectStore.S3.Auth;

/// <summary>
/// The signature chain of a signed aws-chunked body: each chunk's signature signs the previous
/// signature (the request's seed signature for the first chunk) and the chunk's SHA-256; the
/// trailer signature signs the last chunk signature and the SHA-256 of the canonical trailer.
/// </summary>
internal sealed class ChunkSignatureChain(byte[] signingKey, string amzDate, string scope, ReadOnlySpan<byte> seedSignature)
{
    private readonly byte[] _previous = seedSignature.ToArray();

    /// <summary>Checks a chunk signature; on success it becomes the previous signature of the next chunk.</summary>
    public bool VerifyChunk(ReadOnlySpan<byte> chunkSha256, ReadOnlySpan<byte> providedSignature)
    {
        string stringToSign = new StringBuilder(256)
            .Append("AWS4-HMAC-SHA256-PAYLOAD\n")
            .Append(amzDate).Append('\n')
            .Append(scope).Append('\n')
            .Append(Convert.ToHexStringLower(_previous)).Append('\n')
            .Append(SigV4Crypto.EmptySha256Hex).Append('\n')
            .Append(Convert.ToHexStringLower(chunkSha256))
            .ToString();
        return VerifyAndAdvance(stringToSign, providedSignature);
    }

    /// <summary>Checks the x-amz-trailer-signature over the canonical trailer ("name:value\n" per trailer).</summary>
    public bool VerifyTrailer(ReadOnlySpan<byte> canonicalTrailerSha256, ReadOnlySpan<byte> providedSignature)
    {
        string stringToSign = new StringBuilder(256)
            .Append("AWS4-HMAC-SHA256-TRAILER\n")
            .Append(amzDate).Append('\n')
            .Append(scope).Append('\n')
            .Append(Convert.ToHexStringLower(_previous)).Append('\n')
            .Append(Convert.ToHexStringLower(canonicalTrailerSha256))
            .ToString();
        return VerifyAndAdvance(stringToSign, providedSignature);
    }

    private bool VerifyAndAdvance(string stringToSign, ReadOnlySpan<byte> providedSignature)
    {
        Span<byte> expected = stackalloc byte[32];
        SigV4Crypto.Hmac(signingKey, stringToSign, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, providedSignature))
        {
            return false;
        }

        providedSignature.CopyTo(_previous);
        return true;
    }
}
