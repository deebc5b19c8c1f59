using System.Security.Cryptography;
using System.Text;

namespace ObjectStore.S3.Access.Identity;

/// <summary>
/// Seals secret access keys with the master key: AES-256-GCM, a fresh 96-bit nonce per secret, the
/// access key id as associated data (a sealed secret copied onto another key's row does not open).
/// Layout: version (1) | master key id (4, from SHA-256 of the key) | nonce (12) | tag (16) | ciphertext.
/// </summary>
public sealed class SecretProtector
{
    private const byte FormatVersion = 1;
    private const int KeyIdLength = 4;
    private const int NonceLength = 12;
    private const int TagLength = 16;
    private const int HeaderLength = 1 + KeyIdLength + NonceLength + TagLength;

    private readonly byte[] _key;
    private readonly byte[] _keyId;

    /// <param name="masterKey">32 bytes.</param>
    public SecretProtector(ReadOnlySpan<byte> masterKey)
    {
        if (masterKey.Length != 32)
            throw new ArgumentException("The master key must be 32 bytes (AES-256).", nameof(masterKey));
        _key = masterKey.ToArray();
        _keyId = SHA256.HashData(masterKey)[..KeyIdLength];
    }

    /// <summary>Hex id of the master key (not secret): shows which key sealed a row.</summary>
    public string KeyId => Convert.ToHexString(_keyId);

    public byte[] Seal(string accessKeyId, string secret)
    {
        var plaintext = Encoding.UTF8.GetBytes(secret);
        var sealedBytes = new byte[HeaderLength + plaintext.Length];
        sealedBytes[0] = FormatVersion;
        _keyId.CopyTo(sealedBytes.AsSpan(1));
        var nonce = sealedBytes.AsSpan(1 + KeyIdLength, NonceLength);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagLength);
        aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(HeaderLength), sealedBytes.AsSpan(1 + KeyIdLength + NonceLength, TagLength), Encoding.UTF8.GetBytes(accessKeyId));
        CryptographicOperations.ZeroMemory(plaintext);
        return sealedBytes;
    }

    /// <summary>Opens a sealed secret; throws <see cref="CryptographicException"/> for another master key or a damaged row.</summary>
    public string Open(string accessKeyId, byte[] sealedBytes)
    {
        if (sealedBytes.Length < HeaderLength || sealedBytes[0] != FormatVersion)
            throw new CryptographicException($"The sealed secret of access key {accessKeyId} has an unknown format.");
        if (!sealedBytes.AsSpan(1, KeyIdLength).SequenceEqual(_keyId))
            throw new CryptographicException($"The secret of access key {accessKeyId} was sealed with master key {Convert.ToHexString(sealedBytes, 1, KeyIdLength)}, not the configured {KeyId}.");
        var plaintext = new byte[sealedBytes.Length - HeaderLength];
        using var aes = new AesGcm(_key, TagLength);
        aes.Decrypt(sealedBytes.AsSpan(1 + KeyIdLength, NonceLength), sealedBytes.AsSpan(HeaderLength), sealedBytes.AsSpan(1 + KeyIdLength + NonceLength, TagLength), plaintext, Encoding.UTF8.GetBytes(accessKeyId));
        return Encoding.UTF8.GetString(plaintext);
    }
}
