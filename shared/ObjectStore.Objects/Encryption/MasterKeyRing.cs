using System.Security.Cryptography;

namespace ObjectStore.Objects.Encryption;

/// <summary>
/// The master keys: one current key that wraps every new secret (users' secret keys, objects' data
/// keys), plus retired keys kept only to unwrap what they wrapped until a re-wrap pass has moved it
/// to the current key. Wrapping is AES-256-GCM with a fresh 96-bit nonce and caller-chosen associated
/// data (what the secret belongs to, so a wrapped value copied elsewhere does not open).
/// Layout: version (1) | master key id (4, from SHA-256 of the key) | nonce (12) | tag (16) | ciphertext.
/// </summary>
public sealed class MasterKeyRing
{
    public const int KeyLength = 32;
    private const byte FormatVersion = 1;
    private const int KeyIdLength = 4;
    private const int NonceLength = 12;
    private const int TagLength = 16;
    private const int HeaderLength = 1 + KeyIdLength + NonceLength + TagLength;

    private readonly (byte[] Id, byte[] Key)[] _keys;

    /// <param name="keys">32 bytes each; the first is the current key, the rest are retired.</param>
    public MasterKeyRing(IReadOnlyList<byte[]> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
            throw new ArgumentException("At least one master key is needed.", nameof(keys));
        _keys = new (byte[], byte[])[keys.Count];
        for (var i = 0; i < keys.Count; i++)
        {
            if (keys[i].Length != KeyLength)
                throw new ArgumentException($"Master key {i + 1} must be {KeyLength} bytes (AES-256).", nameof(keys));
            _keys[i] = (SHA256.HashData(keys[i])[..KeyIdLength], keys[i].ToArray());
        }
    }

    public MasterKeyRing(ReadOnlySpan<byte> currentKey) : this([currentKey.ToArray()])
    {
    }

    /// <summary>Hex id of the current master key (not secret).</summary>
    public string CurrentKeyId => Convert.ToHexString(_keys[0].Id);

    /// <summary>Hex ids of every key, current first.</summary>
    public IReadOnlyList<string> KeyIds => [.. _keys.Select(k => Convert.ToHexString(k.Id))];

    /// <summary>Hex id of the master key that wrapped <paramref name="wrapped"/>; null for a value of unknown format.</summary>
    public static string? KeyIdOf(ReadOnlySpan<byte> wrapped) =>
        wrapped.Length >= HeaderLength && wrapped[0] == FormatVersion ? Convert.ToHexString(wrapped.Slice(1, KeyIdLength)) : null;

    /// <summary>True when <paramref name="wrapped"/> is under the current key (a re-wrap pass skips it).</summary>
    public bool IsCurrent(ReadOnlySpan<byte> wrapped) =>
        wrapped.Length >= HeaderLength && wrapped[0] == FormatVersion && wrapped.Slice(1, KeyIdLength).SequenceEqual(_keys[0].Id);

    /// <summary>Encrypts <paramref name="secret"/> under the current key.</summary>
    public byte[] Wrap(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> associatedData)
    {
        var (id, key) = _keys[0];
        var wrapped = new byte[HeaderLength + secret.Length];
        wrapped[0] = FormatVersion;
        id.CopyTo(wrapped.AsSpan(1));
        var nonce = wrapped.AsSpan(1 + KeyIdLength, NonceLength);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagLength);
        aes.Encrypt(nonce, secret, wrapped.AsSpan(HeaderLength), wrapped.AsSpan(1 + KeyIdLength + NonceLength, TagLength), associatedData);
        return wrapped;
    }

    /// <summary>
    /// Decrypts a wrapped secret with whichever key of the ring wrapped it. Throws
    /// <see cref="CryptographicException"/> for an unknown format, a key not in the ring, other
    /// associated data or damaged bytes.
    /// </summary>
    public byte[] Unwrap(ReadOnlySpan<byte> wrapped, ReadOnlySpan<byte> associatedData)
    {
        if (wrapped.Length < HeaderLength || wrapped[0] != FormatVersion)
            throw new CryptographicException("The wrapped secret has an unknown format.");
        var id = wrapped.Slice(1, KeyIdLength);
        foreach (var (keyId, key) in _keys)
        {
            if (!id.SequenceEqual(keyId))
                continue;
            var plaintext = new byte[wrapped.Length - HeaderLength];
            using var aes = new AesGcm(key, TagLength);
            aes.Decrypt(wrapped.Slice(1 + KeyIdLength, NonceLength), wrapped[HeaderLength..], wrapped.Slice(1 + KeyIdLength + NonceLength, TagLength), plaintext, associatedData);
            return plaintext;
        }
        throw new CryptographicException($"The secret was wrapped with master key {Convert.ToHexString(id)}, which is not among the configured keys ({string.Join(", ", KeyIds)}).");
    }

    /// <summary>Unwraps with any key of the ring and wraps again under the current key.</summary>
    public byte[] Rewrap(ReadOnlySpan<byte> wrapped, ReadOnlySpan<byte> associatedData)
    {
        var secret = Unwrap(wrapped, associatedData);
        try
        {
            return Wrap(secret, associatedData);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }
}
