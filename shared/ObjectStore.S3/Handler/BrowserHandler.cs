using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using ObjectStore.Index;
using ObjectStore.Index.Events;
using ObjectStore.S3.Auth;
using ObjectStore.S3.Browser;
using ObjectStore.Objects.Errors;
using ObjectStore.S3.Protocol;
using ObjectStore.Objects;
using ObjectStore.Objects.Identity;
using ObjectStore.S3.Xml;
using static ObjectStore.S3.ObjectsHandler;

namespace ObjectStore.S3;

/// <summary>
/// PostObject: a browser form upload (<c>POST /bucket</c>, multipart/form-data). The form's fields come
/// first and are read whole (capped); the file is streamed into the data store. Authentication is the
/// form's SigV4 policy signature, authorization the signer's s3:PutObject on the resulting key (asked of the
/// entry point through the request context). Also the CORS preflight (OPTIONS), answered from the bucket's rules.
/// </summary>
internal sealed class BrowserHandler(IRequestAuthenticator authenticator, ObjectService objects, BucketService buckets, TimeProvider time, IOptions<S3Options> options)
{
    private readonly IRequestAuthenticator _authenticator = authenticator;
    private readonly ObjectService _objects = objects;
    private readonly BucketService _buckets = buckets;
    private readonly TimeProvider _time = time;
    private readonly S3Options _options = options.Value;

    /// <summary>Bytes of a refused upload read (and dropped) before answering, so a browser still sees the error.</summary>
    private const long PostDrainLimit = 64L * 1024 * 1024;

    public async Task PostObjectAsync(S3Call call)
    {
        if (!PostForm.TryGetBoundary(call.Request.ContentType, out var boundary))
            throw new S3Exception(S3Errors.PreconditionFailed, resource: call.ResourceName)
            {
                Details = new Dictionary<string, string> { ["Condition"] = "Bucket POST must be of the enclosure-type multipart/form-data" },
            };
        var form = await PostForm.ReadAsync(call.Body!, boundary, call.Aborted);
        var key = form.Field("key") ?? throw MissingField("key");
        if (form.File is not PostFileStream file)
            throw new S3Exception(S3Errors.InvalidArgument, "POST requires exactly one file upload per request.", call.ResourceName)
            {
                Details = new Dictionary<string, string> { ["ArgumentName"] = "file", ["ArgumentValue"] = "0" },
            };
        key = key.Replace("${filename}", form.FileName ?? "", StringComparison.Ordinal);
        if (key.Length == 0)
            throw new S3Exception(S3Errors.InvalidArgument, "User key must have a length greater than 0.", call.ResourceName)
            {
                Details = new Dictionary<string, string> { ["ArgumentName"] = "key" },
            };
        S3Addressing.ValidateKey(key);
        call.Resource = call.Resource with { Key = key };
        var fields = new Dictionary<string, string>(form.Fields, StringComparer.Ordinal) { ["key"] = key };

        var policy = await AuthenticatePostAsync(call, form);
        if (call.Requester is { } requester && call.Caller.AccessKey is { } signer)
            call.Requester = requester with { PrincipalId = signer }; // the form's signer made the request
        if (policy is not null)
        {
            if (policy.Check(fields, call.Bucket, _time.GetUtcNow()) is { } refusal)
                throw new S3Exception(S3Errors.AccessDenied, refusal, call.ResourceName);
            if (policy.ContentLengthRange is { } range)
                (file.MinLength, file.MaxLength) = range;
        }
        file.MaxLength = Math.Min(file.MaxLength, _options.MaxSinglePutSize);
        await call.AuthorizeAsync("s3:PutObject", call.Bucket, key, null, call.Aborted);

        ObjectRecord record;
        try
        {
            record = await _objects.PutObjectAsync(await call.AddressedBucketAsync(_buckets), key, PostAttributes(form, $"/{call.Bucket}/{key}"), new ObjectBody(file, ObjectBody.UnknownLength, null, null),
                WriteCondition.None, call.Requester, call.Aborted, EventNames.ObjectCreatedPost);
        }
        catch (S3Exception e) when (e.Code == S3Errors.EntityTooLarge)
        {
            await DrainAsync(call.Body!, call.Aborted);
            throw;
        }
        await WritePostResponseAsync(call, form, key, record);
    }

    /// <summary>
    /// The form's signature, when it has a policy: the signer becomes the caller and the parsed policy is
    /// returned. Without a policy the upload is anonymous (allowed only by a bucket policy).
    /// </summary>
    private async Task<PostPolicy?> AuthenticatePostAsync(S3Call call, PostForm form)
    {
        var v2 = form.Field("awsaccesskeyid") is not null || form.Field("signature") is not null;
        if (form.Field("policy") is not { } encoded)
            return v2 ? throw MissingField("policy") : null;

        CallerIdentity caller;
        if (v2)
        {
            // Signature Version 2: AWSAccessKeyId and signature = base64 HMAC-SHA1(secret, policy).
            var accessKeyId = form.Field("awsaccesskeyid") ?? throw MissingField("AWSAccessKeyId");
            var v2Signature = form.Field("signature") ?? throw MissingField("signature");
            caller = await _authenticator.AuthenticatePostPolicyV2Async(new PostPolicyV2Signature(accessKeyId, encoded, v2Signature), call.Aborted);
        }
        else
            caller = await AuthenticatePostV4Async(call, form, encoded);
        call.Caller = caller;
        call.IdentityPolicies = null;
        if (!PostPolicy.TryParse(encoded, out var policy, out var error))
            throw new S3Exception(S3Errors.InvalidPolicyDocument, error, call.ResourceName);
        return policy;
    }

    private async Task<CallerIdentity> AuthenticatePostV4Async(S3Call call, PostForm form, string encoded)
    {
        var algorithm = form.Field("x-amz-algorithm") ?? throw MissingField("x-amz-algorithm");
        if (algorithm != SigV4Crypto.Algorithm)
            throw new S3Exception(S3Errors.InvalidArgument, "Only AWS4-HMAC-SHA256 is supported.")
            {
                Details = new Dictionary<string, string> { ["ArgumentName"] = "x-amz-algorithm", ["ArgumentValue"] = algorithm },
            };
        var credential = form.Field("x-amz-credential") ?? throw MissingField("x-amz-credential");
        _ = form.Field("x-amz-date") ?? throw MissingField("x-amz-date");
        var signature = form.Field("x-amz-signature") ?? throw MissingField("x-amz-signature");

        return await _authenticator.AuthenticatePostPolicyAsync(new PostPolicySignature(credential, encoded, signature), call.Aborted);
    }

    private static S3Exception MissingField(string name) =>
        new(S3Errors.InvalidArgument, $"Bucket POST must contain a field named '{name}'.  If it is specified, please check the order of the fields.")
        {
            Details = new Dictionary<string, string> { ["ArgumentName"] = name, ["ArgumentValue"] = "" },
        };

    /// <summary>Content-Type and the other stored headers, x-amz-meta-*, x-amz-storage-class, acl, tagging (XML) and server-side encryption (SSE-S3 or SSE-C fields) of the form.</summary>
    private static ObjectAttributes PostAttributes(PostForm form, string resource)
    {
        var headers = new HeaderDictionary();
        foreach (var (name, value) in form.Fields)
        {
            if (S3RequestHeaders.StoredHeaders.Contains(name, StringComparer.OrdinalIgnoreCase)
                || name.StartsWith(S3RequestHeaders.MetaPrefix, StringComparison.Ordinal) || name == "x-amz-storage-class"
                || name.StartsWith("x-amz-object-lock-", StringComparison.Ordinal))
                headers[name] = value;
        }
        if (form.Field("acl") is { } acl)
            headers[AclHeaders.CannedHeader] = acl; // a canned ACL, read as x-amz-acl is
        var attributes = S3RequestHeaders.Attributes(headers) with { Encryption = RequestedEncryption(form.Field, resource) };
        return form.Field("tagging") is { } tagging
            ? attributes with { Tags = S3XmlRequest.ParseTagging(S3XmlRequest.Parse(Encoding.UTF8.GetBytes(tagging))) }
            : attributes;
    }

    /// <summary>
    /// 303 to success_action_redirect (with bucket, key and etag added to its query) when it is an http(s)
    /// URL; otherwise success_action_status 200, 201 (a PostResponse document) or 204 (the default).
    /// </summary>
    private async Task WritePostResponseAsync(S3Call call, PostForm form, string key, ObjectRecord record)
    {
        var response = call.Response;
        var location = call.Resource.VirtualHosted
            ? $"{call.Request.Scheme}://{call.Request.Host.Value}/{S3UrlEncoding.Encode(key)}"
            : $"{call.Request.Scheme}://{call.Request.Host.Value}/{call.Bucket}/{S3UrlEncoding.Encode(key)}";
        response.Headers.ETag = record.ETag;
        WriteEncryptionHeaders(response, record.Encryption);
        response.Headers.Location = location;
        WriteVersionHeader(response, record.VersionId);

        var redirect = form.Field("success_action_redirect") ?? form.Field("redirect");
        if (redirect is not null && Uri.TryCreate(redirect, UriKind.Absolute, out var target) && (target.Scheme == Uri.UriSchemeHttp || target.Scheme == Uri.UriSchemeHttps))
        {
            response.StatusCode = StatusCodes.Status303SeeOther;
            response.Headers.Location = QueryHelpers.AddQueryString(redirect,
                new KeyValuePair<string, string?>[] { new("bucket", call.Bucket), new("key", key), new("etag", record.ETag) });
            response.ContentLength = 0;
            return;
        }

        switch (form.Field("success_action_status"))
        {
            case "200":
                response.StatusCode = StatusCodes.Status200OK;
                response.ContentLength = 0;
                break;
            case "201":
                response.StatusCode = StatusCodes.Status201Created;
                response.ContentType = "application/xml";
                await S3XmlResponses.WritePostResponseAsync(response.Body, location, call.Bucket, key, record.ETag);
                break;
            default:
                response.StatusCode = StatusCodes.Status204NoContent;
                break;
        }
    }

    /// <summary>Reads what is left of a refused upload (up to a cap), so the client is not cut off mid-send.</summary>
    private static async Task DrainAsync(Stream body, CancellationToken cancellationToken)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            long total = 0;
            int read;
            while (total < PostDrainLimit && (read = await body.ReadAsync(buffer, cancellationToken)) > 0)
                total += read;
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            // The client's body is broken anyway: the error still goes out.
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// OPTIONS: unauthenticated. Needs Origin and Access-Control-Request-Method (400 otherwise); answers 200
    /// with the first rule that allows the origin, the method and every requested header, else 403.
    /// </summary>
    public async Task CorsPreflightAsync(S3Call call)
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

        var bucket = (await call.AddressedBucketAsync(_buckets)).Require();
        var details = new Dictionary<string, string> { ["Method"] = method, ["ResourceType"] = call.Resource.Key is null ? "BUCKET" : "OBJECT" };
        var configuration = CorsConfiguration.Of(bucket.Configuration)
            ?? throw new S3Exception(S3Errors.CorsForbidden, "CORSResponse: CORS is not enabled for this bucket.", call.ResourceName) { Details = details };
        var rule = configuration.Match(origin, method, requested)
            ?? throw new S3Exception(S3Errors.CorsForbidden, resource: call.ResourceName) { Details = details };

        var headers = call.Response.Headers;
        S3RequestHandler.WriteCorsHeaders(headers, rule, origin);
        if (requested.Count > 0)
            headers.AccessControlAllowHeaders = string.Join(", ", requested);
        if (rule.MaxAgeSeconds is { } maxAge)
            headers.AccessControlMaxAge = maxAge.ToString(CultureInfo.InvariantCulture);
        call.Response.StatusCode = StatusCodes.Status200OK;
        call.Response.ContentLength = 0;
    }
}
