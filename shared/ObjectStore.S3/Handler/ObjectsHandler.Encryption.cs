using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using ObjectStore.Objects.Encryption;
using ObjectStore.Objects.Errors;
using ObjectStore.Objects;
using ObjectStore.S3.Xml;
using static ObjectStore.S3.S3Answers;

namespace ObjectStore.S3;

/// <summary>
/// Encryption headers (x-amz-server-side-encryption, the SSE-C x-amz-server-side-encryption-customer-*
/// and x-amz-copy-source-server-side-encryption-customer-* headers) and the bucket default encryption
/// operations. SSE-C is accepted over plain HTTP too (the local host has no TLS); see docs/encryption.md.
/// </summary>
internal sealed partial class ObjectsHandler
{
    internal const string SseHeader = "x-amz-server-side-encryption";
    internal const string CustomerPrefix = "x-amz-server-side-encryption-customer-";
    internal const string CopySourceCustomerPrefix = "x-amz-copy-source-server-side-encryption-customer-";

    /// <summary>The encryption a write asks for (null: none named, the bucket's default applies).</summary>
    internal static SseRequest? RequestedEncryption(S3Call call) => RequestedEncryption(call.Header, call.ResourceName);

    /// <summary>
    /// The encryption named by request headers, or by a browser POST form's fields of the same names;
    /// <paramref name="value"/> looks one of them up.
    /// </summary>
    internal static SseRequest? RequestedEncryption(Func<string, string?> value, string resource)
    {
        var customer = CustomerKey(value, CustomerPrefix, resource);
        var sse = value(SseHeader)?.Trim();
        if (sse is null)
            return customer is null ? null : SseRequest.Customer(customer);
        if (customer is not null)
            throw new S3Exception(S3Errors.InvalidArgument, "Server Side Encryption with Customer provided key is incompatible with the encryption method specified", resource)
            {
                Details = new Dictionary<string, string> { ["ArgumentName"] = SseHeader, ["ArgumentValue"] = sse },
            };
        return sse switch
        {
            "AES256" => SseRequest.S3,
            "aws:kms" or "aws:kms:dsse" => throw new S3Exception(S3Errors.NotImplemented, "SSE-KMS is not available on this server; use AES256 (SSE-S3) or SSE-C.", resource),
            _ => throw new S3Exception(S3Errors.InvalidArgument, "The encryption method specified is not supported", resource)
            {
                Details = new Dictionary<string, string> { ["ArgumentName"] = SseHeader, ["ArgumentValue"] = sse },
            },
        };
    }

    /// <summary>
    /// The SSE-C key of a request (<paramref name="prefix"/>: the object's headers or the copy source's),
    /// checked as S3 checks it; null when none of the headers is present.
    /// </summary>
    internal static SseCustomerKey? CustomerKey(S3Call call, string prefix) => CustomerKey(call.Header, prefix, call.ResourceName);

    internal static SseCustomerKey? CustomerKey(Func<string, string?> value, string prefix, string resource)
    {
        var algorithm = value(prefix + "algorithm")?.Trim();
        var keyText = value(prefix + "key")?.Trim();
        var md5Text = value(prefix + "key-MD5")?.Trim();
        if (algorithm is null && keyText is null && md5Text is null)
            return null;
        S3Exception Invalid(string message, string header, string? value) =>
            new(S3Errors.InvalidArgument, message, resource)
            {
                Details = new Dictionary<string, string> { ["ArgumentName"] = header, ["ArgumentValue"] = value ?? "null" },
            };
        if (algorithm is null)
            throw Invalid("Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm.", prefix + "algorithm", null);
        if (algorithm != "AES256")
            throw new S3Exception(S3Errors.InvalidEncryptionAlgorithmError, resource: resource)
            {
                Details = new Dictionary<string, string> { ["ArgumentName"] = prefix + "algorithm", ["ArgumentValue"] = algorithm },
            };
        if (keyText is null)
            throw Invalid("Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret key.", prefix + "key", null);
        if (md5Text is null)
            throw Invalid("Requests specifying Server Side Encryption with Customer provided keys must provide the client calculated MD5 of the secret key.", prefix + "key-MD5", null);
        var key = new byte[DataKeys.KeyLength + 1];
        if (!Convert.TryFromBase64String(keyText, key, out var keyLength) || keyLength != DataKeys.KeyLength)
            throw Invalid("The secret key was invalid for the specified algorithm.", prefix + "key", null);
        key = key[..DataKeys.KeyLength];
        var md5 = new byte[17];
        var md5Length = 0;
        if (!Convert.TryFromBase64String(md5Text, md5, out md5Length) || md5Length != 16 || !MD5.HashData(key).AsSpan().SequenceEqual(md5.AsSpan(0, 16)))
            throw Invalid("The calculated MD5 hash of the key did not match the hash that was provided.", prefix + "key-MD5", null);
        return new SseCustomerKey(key, Convert.ToBase64String(md5, 0, 16));
    }

    /// <summary>The encryption response headers of data stored under <paramref name="encryption"/> (as the index keeps it), as S3 sends them.</summary>
    internal static void WriteEncryptionHeaders(HttpResponse response, string? encryption)
    {
        switch (ObjectEncryption.Parse(encryption))
        {
            case { Kind: SseKind.S3 }:
                response.Headers[SseHeader] = "AES256";
                break;
            case { Kind: SseKind.Customer } customer:
                response.Headers[CustomerPrefix + "algorithm"] = "AES256";
                response.Headers[CustomerPrefix + "key-MD5"] = customer.Secret;
                break;
        }
    }

}
