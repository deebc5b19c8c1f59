using System.Diagnostics.CodeAnalysis;

namespace ObjectStore.Objects.Encryption;

internal enum SseKind
{
    /// <summary>SSE-S3: a random root key, wrapped by the master key, in the index.</summary>
    S3,
    /// <summary>SSE-C: the customer's key is the root key; only its MD5 is kept.</summary>
    Customer,
}

/// <summary>
/// The encryption of one object version (or multipart upload) as the index keeps it, serialized as
/// <c>sse1;AES256;contextId;wrappedRootKeyBase64</c> (SSE-S3) or <c>sse1;SSE-C;contextId;keyMd5Base64</c>.
/// <c>sse1</c> is the format version: 64 KiB AES-256-GCM blocks, keys derived as <see cref="DataKeys"/> says.
/// The context id is the id of the data the key was made for (a data id, or an upload id), kept
/// explicitly so stored bytes moved verbatim to a new data id (a lifecycle transition) still open.
/// </summary>
/// <param name="Secret">The wrapped root key (SSE-S3) or the customer key's base64 MD5 (SSE-C).</param>
internal sealed record ObjectEncryption(SseKind Kind, string ContextId, string Secret)
{
    private const string Format = "sse1";
    private const string S3Name = "AES256";
    private const string CustomerName = "SSE-C";

    public string Serialize() => string.Join(';', Format, Kind == SseKind.S3 ? S3Name : CustomerName, ContextId, Secret);

    /// <summary>Null for null (not encrypted); FormatException for an unknown format.</summary>
    [return: NotNullIfNotNull(nameof(text))]
    public static ObjectEncryption? Parse(string? text)
    {
        if (text is null)
            return null;
        var f = text.Split(';');
        if (f.Length != 4 || f[0] != Format || f[1] is not (S3Name or CustomerName) || f[2].Length == 0 || f[3].Length == 0)
            throw new FormatException($"Unknown encryption record format: '{text}'.");
        return new ObjectEncryption(f[1] == S3Name ? SseKind.S3 : SseKind.Customer, f[2], f[3]);
    }

    /// <summary>The wrapped root key of an SSE-S3 record.</summary>
    public byte[] WrappedKey => Kind == SseKind.S3 ? Convert.FromBase64String(Secret) : throw new InvalidOperationException("An SSE-C record has no wrapped key.");
}
