using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using ObjectStore.S3.Browser;
using ObjectStore.Objects.Errors;
using ObjectStore.S3.Xml;
using static ObjectStore.S3.S3Answers;

namespace ObjectStore.S3;

/// <summary>
/// ?cors (stored in the bucket record's Configuration), the OPTIONS preflight, and the CORS headers of
/// actual requests that carry an Origin (on success and error responses alike).
/// </summary>
public sealed partial class S3RequestHandler
{
    internal const string VaryCors = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method";

    /// <summary>
    /// For a request with an Origin on a bucket whose CORS rules allow that origin and method: the headers
    /// to add to whatever the response turns out to be (set when it starts, so errors carry them too).
    /// </summary>
    private async Task PrepareCorsAsync(S3Call call)
    {
        var origin = call.Header(HeaderNames.Origin);
        if (string.IsNullOrEmpty(origin) || call.Resource.Bucket is not { } name || HttpMethods.IsOptions(call.Request.Method))
            return;
        var bucket = (await AddressedBucketAsync(call)).Record;
        if (bucket is null || CorsConfiguration.Of(bucket.Configuration)?.Match(origin, call.Request.Method.ToUpperInvariant(), []) is not { } rule)
            return;
        call.Response.OnStarting(() =>
        {
            WriteCorsHeaders(call.Response.Headers, rule, origin);
            return Task.CompletedTask;
        });
    }

    internal static void WriteCorsHeaders(IHeaderDictionary headers, CorsRule rule, string origin)
    {
        headers.AccessControlAllowOrigin = rule.AllowsAnyOrigin ? "*" : origin;
        if (!rule.AllowsAnyOrigin)
            headers.AccessControlAllowCredentials = "true";
        headers.AccessControlAllowMethods = string.Join(", ", rule.AllowedMethods);
        if (rule.ExposeHeaders.Count > 0)
            headers.AccessControlExposeHeaders = string.Join(", ", rule.ExposeHeaders);
        headers.Vary = VaryCors;
    }
}
