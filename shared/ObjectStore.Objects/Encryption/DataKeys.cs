using System.Security.Cryptography;
using System.Text;

namespace ObjectStore.Objects.Encryption;

/// <summary>
/// Key derivation (HKDF-SHA256). An object version's data key comes from its root key (a random key
/// wrapped by the master key for SSE-S3, the customer's key for SSE-C) and its encryption context id
/// (the id of the data it was created for: a version's data id, or a multipart upload's id), so two
/// pieces of data never share a key even under one customer key. A multipart part's key further
/// derives from the part's own data id, so a part uploaded twice under one number never reuses a
/// key and nonce.
/// </summary>
internal static class DataKeys
{
    public const int KeyLength = 32;

    public static byte[] ObjectKey(ReadOnlySpan<byte> rootKey, string contextId) => Derive(rootKey, "objectstore/sse1/object/" + contextId);

    public static byte[] PartKey(ReadOnlySpan<byte> objectKey, string partDataId) => Derive(objectKey, "objectstore/sse1/part/" + partDataId);

    private static byte[] Derive(ReadOnlySpan<byte> key, string info)
    {
        var derived = new byte[KeyLength];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, key, derived, [], Encoding.UTF8.GetBytes(info));
        return derived;
    }

    /// <summary>Associated data under which the master key wraps a root key: the context id it belongs to.</summary>
    public static byte[] WrapContext(string contextId) => Encoding.UTF8.GetBytes("objectstore/sse1/wrap/" + contextId);
}
