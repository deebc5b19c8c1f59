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
    private const string VaryCors = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method";

    /// <summary>
    /// OPTIONS: unauthenticated. Needs Origin and Access-Control-Request-Method (400 otherwise); answers 200
    /// with the first rule that allows the origin, the method and every requested header, else 403.
    /// </summary>
    private async Task CorsPreflightAsync(S3Call call)
    {
        var origin = call.Header(HeaderNames.Origin);
        if (string.IsNullOrEmpty(origin))
            throw new S3Exception(S3Errors.CorsBadRequest, resource: call.ResourceName);
        var method = call.Header(HeaderNames.AccessControlRequestMethod);
        if (string.IsNullOrEmpty(method))
            throw new S3Exception(S3Errors.CorsBadRequest, "Invalid Access-Control-Request-Method: null", call.ResourceName);
        var requested = call.Request.Headers.AccessControlRequestHeaders.ToString()
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(h => h.ToLowerInvariant()).ToList();

        var bucket = (await AddressedBucketAsync(call)).Require();
        var details = new Dictionary<string, string> { ["Method"] = method, ["ResourceType"] = call.Resource.Key is null ? "BUCKET" : "OBJECT" };
        var configuration = CorsConfiguration.Of(bucket.Configuration)
            ?? throw new S3Exception(S3Errors.CorsForbidden, "CORSResponse: CORS is not enabled for this bucket.", call.ResourceName) { Details = details };
        var rule = configuration.Match(origin, method, requested)
            ?? throw new S3Exception(S3Errors.CorsForbidden, resource: call.ResourceName) { Details = details };

        var headers = call.Response.Headers;
        WriteCorsHeaders(headers, rule, origin);
        if (requested.Count > 0)
            headers.AccessControlAllowHeaders = string.Join(", ", requested);
        if (rule.MaxAgeSeconds is { } maxAge)
            headers.AccessControlMaxAge = maxAge.ToString(CultureInfo.InvariantCulture);
        call.Response.StatusCode = StatusCodes.Status200OK;
        call.Response.ContentLength = 0;
    }

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

    private static void WriteCorsHeaders(IHeaderDictionary headers, CorsRule rule, string origin)
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
