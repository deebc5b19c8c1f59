using System.Security.Cryptography;
using ObjectStore.Objects.Integrity;
using ObjectStore.S3.Auth;

namespace ObjectStore.S3.Integrity;

/// <summary>
/// Pass-through body stream that computes the requested flexible checksum (and the MD5 when a
/// Content-MD5 is to be verified) and checks both when the inner stream ends: a mismatch throws
/// BadDigest instead of reporting the end, so a handler that commits only after reading to the end
/// never stores a corrupt object. Wrap <see cref="AuthenticatedRequest.Body"/> and pass its trailers.
/// </summary>
public sealed class ChecksummingStream : ReadOnlyStream
{
    private readonly Stream _inner;
    private readonly ChecksumRequest? _checksum;
    private readonly ChecksumCalculator? _calculator;
    private readonly byte[]? _expectedMd5;
    private readonly IncrementalHash? _md5;
    private readonly IReadOnlyDictionary<string, string> _trailers;

    /// <param name="inner">The body to read (normally <see cref="AuthenticatedRequest.Body"/>).</param>
    /// <param name="checksum">From <see cref="ChecksumRequest.FromHeaders"/>; null to compute none.</param>
    /// <param name="expectedMd5">From <see cref="ContentMd5.FromHeaders"/>; null to skip the MD5.</param>
    /// <param name="trailers"><see cref="AuthenticatedRequest.Trailers"/>: filled by the time the inner stream ends.</param>
    public ChecksummingStream(Stream inner, ChecksumRequest? checksum, byte[]? expectedMd5, IReadOnlyDictionary<string, string> trailers)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        _checksum = checksum;
        _calculator = checksum?.CreateCalculator();
        _expectedMd5 = expectedMd5;
        _md5 = expectedMd5 is null ? null : IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        _trailers = trailers ?? throw new ArgumentNullException(nameof(trailers));
    }

    /// <summary>True once the end was reached and every check passed.</summary>
    public bool IsVerified { get; private set; }

    /// <summary>The computed checksum (base64) to store, available once <see cref="IsVerified"/>.</summary>
    public string? ChecksumBase64 { get; private set; }

    /// <summary>The algorithm of <see cref="ChecksumBase64"/>, if any.</summary>
    public ChecksumAlgorithm? Algorithm => _checksum?.Algorithm;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (IsVerified)
        {
            return 0;
        }

        int n = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (n > 0)
        {
            _calculator?.Append(buffer.Span[..n]);
            _md5?.AppendData(buffer.Span[..n]);
            return n;
        }

        if (buffer.Length == 0)
        {
            return 0;
        }

        if (_md5 is not null)
        {
            ContentMd5.Verify(_expectedMd5, _md5.GetHashAndReset());
        }

        if (_calculator is not null)
        {
            ChecksumBase64 = _checksum!.Verify(_calculator, _trailers);
        }

        IsVerified = true;
        return 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _calculator?.Dispose();
            _md5?.Dispose();
        }

        base.Dispose(disposing);
    }
}
