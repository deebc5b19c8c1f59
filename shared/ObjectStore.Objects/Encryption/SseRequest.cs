namespace ObjectStore.Objects.Encryption;

/// <summary>A customer-provided key (SSE-C) as a request carried it, already checked against its MD5.</summary>
/// <param name="Key">The 256-bit key.</param>
/// <param name="KeyMd5">Base64 MD5 of the key (what the index keeps and responses echo).</param>
internal sealed record SseCustomerKey(byte[] Key, string KeyMd5);

/// <summary>The encryption a write asked for: SSE-S3, or SSE-C with its key.</summary>
internal sealed record SseRequest(SseKind Kind, SseCustomerKey? CustomerKey)
{
    public static SseRequest S3 { get; } = new(SseKind.S3, null);

    public static SseRequest Customer(SseCustomerKey key) => new(SseKind.Customer, key);
}
