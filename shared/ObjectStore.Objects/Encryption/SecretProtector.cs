using System.Security.Cryptography;
using System.Text;
using ObjectStore.Objects.Encryption;

namespace ObjectStore.Objects.Encryption;

/// <summary>
/// Seals secret access keys with the master key ring, the access key id as associated data (a sealed
/// secret copied onto another key's row does not open). The sealed layout is the ring's.
/// </summary>
public sealed class SecretProtector(MasterKeyRing keys)
{
    /// <summary>Hex id of the current master key (not secret): shows which key seals new rows.</summary>
    public string KeyId => keys.CurrentKeyId;

    public byte[] Seal(string accessKeyId, string secret)
    {
        var plaintext = Encoding.UTF8.GetBytes(secret);
        try
        {
            return keys.Wrap(plaintext, Encoding.UTF8.GetBytes(accessKeyId));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>Opens a sealed secret; throws <see cref="CryptographicException"/> for a key not in the ring or a damaged row.</summary>
    public string Open(string accessKeyId, byte[] sealedBytes)
    {
        byte[] plaintext;
        try
        {
            plaintext = keys.Unwrap(sealedBytes, Encoding.UTF8.GetBytes(accessKeyId));
        }
        catch (CryptographicException e)
        {
            throw new CryptographicException($"The secret of access key {accessKeyId} does not open: {e.Message}", e);
        }
        return Encoding.UTF8.GetString(plaintext);
    }

    /// <summary>True when the row is sealed under the current master key.</summary>
    public bool IsCurrent(byte[] sealedBytes) => keys.IsCurrent(sealedBytes);

    /// <summary>The same secret sealed again under the current master key.</summary>
    public byte[] Reseal(string accessKeyId, byte[] sealedBytes) => keys.Rewrap(sealedBytes, Encoding.UTF8.GetBytes(accessKeyId));
}
