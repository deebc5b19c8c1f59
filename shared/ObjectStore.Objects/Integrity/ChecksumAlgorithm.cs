namespace ObjectStore.Objects.Integrity;

/// <summary>The flexible checksums S3 accepts (x-amz-checksum-*).</summary>
public enum ChecksumAlgorithm
{
    Crc32,
    Crc32C,
    Crc64Nvme,
    Sha1,
    Sha256,
}

/// <summary>Names of each algorithm on the wire.</summary>
public static class ChecksumAlgorithms
{
    public static IReadOnlyList<ChecksumAlgorithm> All { get; } =
        [ChecksumAlgorithm.Crc32, ChecksumAlgorithm.Crc32C, ChecksumAlgorithm.Crc64Nvme, ChecksumAlgorithm.Sha1, ChecksumAlgorithm.Sha256];

    /// <summary>The name S3 uses in x-amz-sdk-checksum-algorithm, XML and messages: CRC32, CRC32C, CRC64NVME, SHA1, SHA256.</summary>
    public static string Name(this ChecksumAlgorithm algorithm) => algorithm switch
    {
        ChecksumAlgorithm.Crc32 => "CRC32",
        ChecksumAlgorithm.Crc32C => "CRC32C",
        ChecksumAlgorithm.Crc64Nvme => "CRC64NVME",
        ChecksumAlgorithm.Sha1 => "SHA1",
        ChecksumAlgorithm.Sha256 => "SHA256",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };

    /// <summary>The header (and trailer) carrying the value, e.g. x-amz-checksum-crc32c.</summary>
    public static string HeaderName(this ChecksumAlgorithm algorithm) => "x-amz-checksum-" + algorithm.Name().ToLowerInvariant();

    /// <summary>Bytes of the raw digest: 4, 4, 8, 20, 32.</summary>
    public static int DigestLength(this ChecksumAlgorithm algorithm) => algorithm switch
    {
        ChecksumAlgorithm.Crc32 or ChecksumAlgorithm.Crc32C => 4,
        ChecksumAlgorithm.Crc64Nvme => 8,
        ChecksumAlgorithm.Sha1 => 20,
        _ => 32,
    };

    /// <summary>Parses an algorithm name, case-insensitively (CRC32, crc64nvme...).</summary>
    public static bool TryParse(string? name, out ChecksumAlgorithm algorithm)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.Name(), name?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                algorithm = candidate;
                return true;
            }
        }

        algorithm = default;
        return false;
    }

    /// <summary>Parses a header name such as x-amz-checksum-sha256 (case-insensitive).</summary>
    public static bool TryParseHeaderName(string? headerName, out ChecksumAlgorithm algorithm)
    {
        const string Prefix = "x-amz-checksum-";
        algorithm = default;
        string? name = headerName?.Trim();
        return name is not null && name.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) && TryParse(name[Prefix.Length..], out algorithm);
    }
}
