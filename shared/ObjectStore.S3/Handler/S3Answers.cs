using Microsoft.AspNetCore.Http;

namespace ObjectStore.S3;

/// <summary>Small helpers the area handlers share to read request documents and write answers.</summary>
internal static class S3Answers
{
    /// <summary>The cap on small configuration documents (tagging, versioning, CORS, public access block ...).</summary>
    internal const int SmallXmlBodyLimit = 64 * 1024;

    /// <summary>A 200 with an XML document, written asynchronously to the response.</summary>
    internal static Task WriteXmlAsync(S3Call call, Func<Stream, Task> write)
    {
        call.Response.StatusCode = StatusCodes.Status200OK;
        call.Response.ContentType = "application/xml";
        return write(call.Response.Body);
    }
}
