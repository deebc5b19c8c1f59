using System.Buffers.Binary;
using System.IO.Hashing;
using System.Security.Cryptography;

namespace ObjectStore.Objects.Integrity;

/// <summary>
/// Computes one flexible checksum incrementally. CRCs are rendered big-endian (as S3 does), every
/// value as base64 of the digest bytes.
/// </summary>
public sealed class ChecksumCalculator : IDisposable
{
    private readonly Crc32? _crc32;
    private readonly Crc64? _crc64;
    private readonly IncrementalHash? _hash;

    public ChecksumCalculator(ChecksumAlgorithm algorithm)
    {
        Algorithm = algorithm;
        switch (algorithm)
        {
            case ChecksumAlgorithm.Crc32:
                _crc32 = new Crc32();
                break;
            case ChecksumAlgorithm.Crc32C:
                _crc32 = new Crc32(Crc32ParameterSet.Crc32C);
                break;
            case ChecksumAlgorithm.Crc64Nvme:
                _crc64 = new Crc64(Crc64ParameterSet.Nvme);
                break;
            case ChecksumAlgorithm.Sha1:
                _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
                break;
            case ChecksumAlgorithm.Sha256:
                _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(algorithm));
        }
    }

    public ChecksumAlgorithm Algorithm { get; }

    public void Append(ReadOnlySpan<byte> data)
    {
        if (_crc32 is not null)
        {
            _crc32.Append(data);
        }
        else if (_crc64 is not null)
        {
            _crc64.Append(data);
        }
        else
        {
            _hash!.AppendData(data);
        }
    }

    /// <summary>Writes the digest of everything appended so far (without resetting); returns its length.</summary>
    public int GetDigest(Span<byte> destination)
    {
        if (_crc32 is not null)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination, _crc32.GetCurrentHashAsUInt32());
            return 4;
        }

        if (_crc64 is not null)
        {
            BinaryPrimitives.WriteUInt64BigEndian(destination, _crc64.GetCurrentHashAsUInt64());
            return 8;
        }

        return _hash!.GetCurrentHash(destination);
    }

    /// <summary>The digest of everything appended so far, base64 (the x-amz-checksum-* form).</summary>
    public string GetBase64()
    {
        Span<byte> digest = stackalloc byte[32];
        int n = GetDigest(digest);
        return Convert.ToBase64String(digest[..n]);
    }

    /// <summary>One-shot helper: the base64 checksum of <paramref name="data"/>.</summary>
    public static string Compute(ChecksumAlgorithm algorithm, ReadOnlySpan<byte> data)
    {
        using var calculator = new ChecksumCalculator(algorithm);
        calculator.Append(data);
        return calculator.GetBase64();
    }

    public void Dispose() => _hash?.Dispose();
}
