using System.Security.Cryptography;
using ObjectStore.Objects.Errors;

namespace ObjectStore.S3.Xml;

/// <summary>An S3 error answer rendered for a request the handler never saw.</summary>
public sealed record RenderedRefusal(S3ErrorCode Code, string RequestId, string HostId, byte[] Body);

/// <summary>
/// The S3 errors of requests the HTTP server refuses before the handler sees them (Kestrel: a
/// malformed request line, header or Content-Length, too long a URL, too many or too large headers,
/// headers too slow). The status stays the server's; the body is the same error XML every other
/// refusal gets (<see cref="S3XmlResponses.WriteErrorAsync"/>). A host that can put a body on such
/// an answer (the local host rewrites Kestrel's empty ones) renders it here.
/// </summary>
public static class ServerRefusals
{
    /// <summary>The S3 error for a status the server refused a request with; null when there is none to give.</summary>
    public static S3ErrorCode? ForStatus(int status) => status switch
    {
        400 => S3Errors.BadRequest,
        408 => S3Errors.RequestHeadersTimeout,
        414 => S3Errors.UriTooLong,
        431 => S3Errors.RequestHeaderSectionTooLarge,
        _ => null,
    };

    /// <summary>The error document for <paramref name="status"/>, with fresh request ids; null when there is no S3 error for it.</summary>
    public static async Task<RenderedRefusal?> RenderAsync(int status)
    {
        if (ForStatus(status) is not { } code)
            return null;
        var requestId = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        var hostId = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        using var body = new MemoryStream();
        await S3XmlResponses.WriteErrorAsync(body, new S3Exception(code), requestId, hostId);
        return new RenderedRefusal(code, requestId, hostId, body.ToArray());
    }
}
