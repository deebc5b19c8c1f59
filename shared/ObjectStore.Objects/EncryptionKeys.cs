using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using ObjectStore.Index;
using ObjectStore.Objects.Encryption;
using ObjectStore.Objects.Errors;

namespace ObjectStore.Objects;

/// <summary>
/// Encryption at rest, above the data plane: which encryption a write gets (its request, else the
/// bucket's default, else the server's), the keys of new data, and the keys that open stored data.
/// The erasure coder, the shards, repair and lifecycle transitions only ever see ciphertext.
/// </summary>
internal sealed class EncryptionKeys(IOptions<S3Options> options)
{
    private readonly S3Options _options = options.Value;

    /// <summary>Bucket configuration name of the default encryption document.</summary>
    public const string EncryptionConfigurationName = "encryption";

    /// <summary>The master key ring that wraps SSE-S3 root keys; null where the host configured none (SSE-S3 is then refused).</summary>
    internal MasterKeyRing? MasterKeys { get; init; }

    /// <summary>What a new object (or upload) in <paramref name="bucket"/> is encrypted with: the request's choice, the bucket default, the server default, or nothing.</summary>
    /// <remarks>
    /// A bucket's stored default-encryption document always names AES256: PutBucketEncryption refuses
    /// every other algorithm before storing (the protocol layer parses and renders the document), so its
    /// presence is the bucket default.
    /// </remarks>
    internal SseRequest? EffectiveEncryption(SseRequest? requested, BucketRecord bucket)
    {
        if (requested is not null)
            return requested;
        if (bucket.Configuration.ContainsKey(EncryptionConfigurationName))
            return SseRequest.S3;
        return _options.DefaultEncryption ? SseRequest.S3 : null;
    }

    /// <summary>
    /// A new encryption record for the data identified by <paramref name="contextId"/> and its object
    /// key (the caller zeroes it after use).
    /// </summary>
    internal (ObjectEncryption Record, byte[] ObjectKey) NewEncryption(SseRequest request, string contextId)
    {
        if (request.Kind == SseKind.Customer)
        {
            var customer = request.CustomerKey!;
            return (new ObjectEncryption(SseKind.Customer, contextId, customer.KeyMd5), DataKeys.ObjectKey(customer.Key, contextId));
        }
        var ring = MasterKeys ?? throw new S3Exception(S3Errors.NotImplemented, "Server-side encryption is not configured on this server (no master key).");
        var root = RandomNumberGenerator.GetBytes(DataKeys.KeyLength);
        try
        {
            var wrapped = ring.Wrap(root, DataKeys.WrapContext(contextId));
            return (new ObjectEncryption(SseKind.S3, contextId, Convert.ToBase64String(wrapped)), DataKeys.ObjectKey(root, contextId));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(root);
        }
    }

    /// <summary>
    /// The object key that opens data under <paramref name="encryption"/> (null: not encrypted). SSE-C
    /// needs the customer's key: InvalidRequest without one, AccessDenied for another key. A customer
    /// key sent for data not under SSE-C is InvalidRequest, as S3 answers.
    /// </summary>
    internal byte[]? OpenObjectKey(string? encryption, SseCustomerKey? customerKey, string resource)
    {
        var parsed = ObjectEncryption.Parse(encryption);
        if (parsed is not { Kind: SseKind.Customer } && customerKey is not null)
            throw new S3Exception(S3Errors.InvalidRequest, "The encryption parameters are not applicable to this object.", resource);
        switch (parsed?.Kind)
        {
            case null:
                return null;
            case SseKind.Customer:
                if (customerKey is null)
                    throw new S3Exception(S3Errors.InvalidRequest, "The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.", resource);
                if (!CryptographicOperations.FixedTimeEquals(Convert.FromBase64String(customerKey.KeyMd5), Convert.FromBase64String(parsed.Secret)))
                    throw new S3Exception(S3Errors.AccessDenied, resource: resource);
                return DataKeys.ObjectKey(customerKey.Key, parsed.ContextId);
            default:
                var ring = MasterKeys ?? throw new InvalidOperationException("The object is encrypted (SSE-S3) but no master key is configured.");
                var root = ring.Unwrap(parsed.WrappedKey, DataKeys.WrapContext(parsed.ContextId));
                try
                {
                    return DataKeys.ObjectKey(root, parsed.ContextId);
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(root);
                }
        }
    }

    /// <summary>The key of one multipart part's data, from the object (upload) key and the part's data id.</summary>
    internal static byte[]? PartKeyOf(byte[]? objectKey, Storage.DataLayout partLayout) =>
        objectKey is null ? null : DataKeys.PartKey(objectKey, partLayout.DataId);

    internal static void Zero(byte[]? key)
    {
        if (key is not null)
            CryptographicOperations.ZeroMemory(key);
    }
}
