using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using ObjectStore.Objects.Errors;

namespace ObjectStore.S3.Auth;

/// <summary>
/// Passes the body through while hashing it; at the end compares the SHA-256 with the signed
/// x-amz-content-sha256 value and throws XAmzContentSHA256Mismatch instead of reporting the end.
/// </summary>
internal sealed class Sha256VerifyingStream(Stream inner, byte[] expectedSha256) : ReadOnlyStream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private bool _verified;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_verified)
        {
            return 0;
        }

        int n;
        try
        {
            n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (BadHttpRequestException)
        {
            throw S3Errors.Error(S3Errors.IncompleteBody);
        }

        if (n > 0)
        {
            _hash.AppendData(buffer.Span[..n]);
            return n;
        }

        if (buffer.Length == 0)
        {
            return 0;
        }

        Span<byte> actual = stackalloc byte[32];
        _hash.GetHashAndReset(actual);
        if (!CryptographicOperations.FixedTimeEquals(actual, expectedSha256))
        {
            throw S3Errors.Error(S3Errors.XAmzContentSHA256Mismatch);
        }

        _verified = true;
        return 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }
}
