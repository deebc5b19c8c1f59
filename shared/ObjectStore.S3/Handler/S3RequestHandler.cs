using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ObjectStore.Objects.Identity;
using ObjectStore.Objects;
using ObjectStore.S3.Admin;
using ObjectStore.S3.Auth;
using ObjectStore.Objects.Errors;
using ObjectStore.S3.Protocol;
using ObjectStore.S3.Xml;

namespace ObjectStore.S3;

/// <summary>
/// The one entry point of the S3 API: both hosts (the Functions gateway and the local Kestrel host)
/// hand every request here. It addresses, authenticates, routes and dispatches the request, and
/// renders every S3 error (in exactly one place, <see cref="WriteErrorAsync"/>).
/// </summary>
public sealed partial class S3RequestHandler
{
    private readonly BucketService _buckets;
    private readonly ObjectService _objects;
    private readonly TaggingService _tagging;
    private readonly RestoreService _restores;
    private readonly IRequestAuthenticator _authenticator;
    private readonly AdminRequestHandler _admin;
    private readonly AccessConfigurationHandler _access;
    private readonly MultipartHandler _multipart;
    private readonly CopySourceReader _copySources;
    private readonly BucketConfigurationHandler _bucketConfiguration;
    private readonly ListingHandler _listing;
    private readonly ObjectsHandler _objectsArea;
    private readonly ObjectSubresourceHandler _subresources;
    private readonly S3Options _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly S3Owner _owner;

    internal S3RequestHandler(ObjectModel model, IRequestAuthenticator authenticator, S3Areas areas, IOptions<S3Options> options, TimeProvider time, ILogger<S3RequestHandler> logger)
    {
        (_buckets, _objects, _tagging, _restores) = (model.Buckets, model.Objects, model.Tagging, model.Restores);
        _authenticator = authenticator;
        (_admin, _access, _multipart, _copySources, _bucketConfiguration, _listing) = (areas.Admin, areas.Access, areas.Multipart, areas.CopySources, areas.BucketConfiguration, areas.Listing);
        (_objectsArea, _subresources) = (areas.Objects, areas.Subresources);
        _options = options.Value;
        _time = time;
        _logger = logger;
        _owner = new S3Owner(_options.OwnerId, _options.OwnerDisplayName);
    }

    public async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var started = Stopwatch.GetTimestamp();
        var call = new S3Call(context, NewRequestId(), NewHostId());
        var response = context.Response;
        SetIdentityHeaders(call);
        response.OnStarting(SendOwedContinue, call);

        var originalBody = response.Body;
        var counted = new CountingStream(originalBody);
        response.Body = counted;
        var closedByClient = false;
        try
        {
            await HandleCoreAsync(call);
        }
        catch (S3Exception ex)
        {
            await WriteErrorAsync(call, ex);
        }
        catch (Exception ex) when (IsClientAbort(ex, context))
        {
            // The client reset or closed the connection: nobody is left to answer, and it is no server error.
            closedByClient = true;
            Log.RequestAborted(_logger, call.RequestId, ex.GetType().Name, ex.Message);
            context.Abort();
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel's verdict on the body (truncated, too large, too slow): the client's fault, never a 500.
            call.BodyFailed = true;
            await WriteErrorAsync(call, new S3Exception(BodyError(ex)));
        }
        catch (Exception ex)
        {
            Log.UnhandledError(_logger, call.RequestId, context.Request.Method, context.Request.Path.Value ?? "", ex);
            await WriteErrorAsync(call, new S3Exception(S3Errors.InternalError, resource: call.ResourceName));
        }
        finally
        {
            response.Body = originalBody;
            var operation = call.Operation?.ToString() ?? "-";
            var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (closedByClient)
                Log.RequestClosedByClient(_logger, context.Request.Method, RawPath(context), operation, ClientClosedRequest,
                    call.Body?.BytesRead ?? 0, counted.BytesWritten, elapsedMs, call.RequestId);
            else
                Log.RequestCompleted(_logger, context.Request.Method, RawPath(context), operation, response.StatusCode,
                    call.Body?.BytesRead ?? 0, counted.BytesWritten, elapsedMs, call.RequestId);
        }
    }

    private async Task HandleCoreAsync(S3Call call)
    {
        var request = call.Request;
        call.Resource = S3Addressing.Resolve(request.Host.Value, RawTarget(call.Context), _options.BaseDomain);
        call.Query = request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        await PrepareCorsAsync(call); // before authentication: refusals carry the CORS headers too

        // A CORS preflight is never signed, and its query string is the actual request's (a presigned URL's
        // signature covers that request's method, not OPTIONS): it is answered without authentication.
        var auth = HttpMethods.IsOptions(request.Method)
            ? new AuthenticatedRequest(null, request.Body, request.ContentLength, new Dictionary<string, string>())
            : await _authenticator.AuthenticateAsync(request, call.Aborted);
        if (!auth.IsAnonymous && auth.Caller is null)
            throw new S3Exception(S3Errors.AccessDenied, resource: call.ResourceName); // fail closed
        call.Auth = auth;
        call.Caller = auth.Caller ?? CallerIdentity.Anonymous;
        call.Body = new CountingStream(auth.Body);
        call.Requester = new Requester(auth.AccessKey!, call.Context.Connection.RemoteIpAddress?.ToString() ?? "", call.RequestId, call.HostId);

        if (!call.Resource.VirtualHosted && AdminApi.IsAdminPath(RawPath(call.Context)))
        {
            if (auth.IsAnonymous)
                throw new S3Exception(S3Errors.AccessDenied, resource: call.ResourceName);
            await _admin.HandleAdminAsync(call, auth.AccessKey!, RawPath(call.Context));
            return;
        }

        var route = S3Router.Route(new S3RouteRequest(request.Method, call.Resource.Bucket, call.Resource.Key, call.Query,
            request.Headers.ContainsKey("x-amz-copy-source")));
        if (route.Error is { } routeError)
            throw new S3Exception(routeError, resource: call.ResourceName)
            {
                Details = new Dictionary<string, string> { ["Method"] = request.Method, ["ResourceType"] = call.Resource.Key is null ? (call.Resource.Bucket is null ? "SERVICE" : "BUCKET") : "OBJECT" },
            };
        call.Operation = route.Operation;
        await AuthorizeAsync(call, route.Operation);
        await DispatchAsync(call, route.Operation);
    }

    /// <summary>The operations served today; every other routed operation answers NotImplemented.</summary>
    private Task DispatchAsync(S3Call call, S3Operation operation) => operation switch
    {
        S3Operation.ListBuckets => _bucketConfiguration.ListBucketsAsync(call),
        S3Operation.CreateBucket => _bucketConfiguration.CreateBucketAsync(call),
        S3Operation.DeleteBucket => _bucketConfiguration.DeleteBucketAsync(call),
        S3Operation.HeadBucket => _bucketConfiguration.HeadBucketAsync(call),
        S3Operation.GetBucketLocation => _bucketConfiguration.GetBucketLocationAsync(call),
        S3Operation.GetBucketTagging => _bucketConfiguration.GetBucketTaggingAsync(call),
        S3Operation.PutBucketTagging => _bucketConfiguration.PutBucketTaggingAsync(call),
        S3Operation.DeleteBucketTagging => _bucketConfiguration.DeleteBucketTaggingAsync(call),
        S3Operation.GetBucketVersioning => _bucketConfiguration.GetBucketVersioningAsync(call),
        S3Operation.PutBucketVersioning => _bucketConfiguration.PutBucketVersioningAsync(call),
        S3Operation.GetBucketNotificationConfiguration => _bucketConfiguration.GetBucketNotificationAsync(call),
        S3Operation.PutBucketNotificationConfiguration => _bucketConfiguration.PutBucketNotificationAsync(call),
        S3Operation.ListObjectVersions => _listing.ListObjectVersionsAsync(call),
        S3Operation.ListObjects => _listing.ListObjectsAsync(call, v2: false),
        S3Operation.ListObjectsV2 => _listing.ListObjectsAsync(call, v2: true),
        S3Operation.PutObject => _objectsArea.PutObjectAsync(call),
        S3Operation.PostObject => PostObjectAsync(call),
        S3Operation.CopyObject => _objectsArea.CopyObjectAsync(call),
        S3Operation.GetObject => _objectsArea.GetObjectAsync(call),
        S3Operation.HeadObject => _objectsArea.GetObjectAsync(call),
        S3Operation.DeleteObject => _objectsArea.DeleteObjectAsync(call),
        S3Operation.DeleteObjects => DeleteObjectsAsync(call),
        S3Operation.GetObjectTagging => _subresources.GetObjectTaggingAsync(call),
        S3Operation.PutObjectTagging => _subresources.PutObjectTaggingAsync(call),
        S3Operation.DeleteObjectTagging => _subresources.DeleteObjectTaggingAsync(call),
        S3Operation.CreateMultipartUpload => _multipart.CreateMultipartUploadAsync(call),
        S3Operation.UploadPart => _multipart.UploadPartAsync(call),
        S3Operation.UploadPartCopy => _multipart.UploadPartCopyAsync(call),
        S3Operation.CompleteMultipartUpload => _multipart.CompleteMultipartUploadAsync(call),
        S3Operation.AbortMultipartUpload => _multipart.AbortMultipartUploadAsync(call),
        S3Operation.ListParts => _multipart.ListPartsAsync(call),
        S3Operation.ListMultipartUploads => _multipart.ListMultipartUploadsAsync(call),
        S3Operation.PutBucketLifecycleConfiguration => _bucketConfiguration.PutBucketLifecycleAsync(call),
        S3Operation.GetBucketLifecycleConfiguration => _bucketConfiguration.GetBucketLifecycleAsync(call),
        S3Operation.DeleteBucketLifecycle => _bucketConfiguration.DeleteBucketLifecycleAsync(call),
        S3Operation.RestoreObject => _subresources.RestoreObjectAsync(call),
        S3Operation.GetBucketPolicy => _access.GetBucketPolicyAsync(call),
        S3Operation.PutBucketPolicy => _access.PutBucketPolicyAsync(call),
        S3Operation.DeleteBucketPolicy => _access.DeleteBucketPolicyAsync(call),
        S3Operation.GetBucketPolicyStatus => _access.GetBucketPolicyStatusAsync(call),
        S3Operation.GetPublicAccessBlock => _access.GetPublicAccessBlockAsync(call),
        S3Operation.PutPublicAccessBlock => _access.PutPublicAccessBlockAsync(call),
        S3Operation.DeletePublicAccessBlock => _access.DeletePublicAccessBlockAsync(call),
        S3Operation.PutBucketCors => _bucketConfiguration.PutBucketCorsAsync(call),
        S3Operation.GetBucketCors => _bucketConfiguration.GetBucketCorsAsync(call),
        S3Operation.DeleteBucketCors => _bucketConfiguration.DeleteBucketCorsAsync(call),
        S3Operation.CorsPreflight => CorsPreflightAsync(call),
        S3Operation.PutBucketEncryption => _bucketConfiguration.PutBucketEncryptionAsync(call),
        S3Operation.GetBucketEncryption => _bucketConfiguration.GetBucketEncryptionAsync(call),
        S3Operation.DeleteBucketEncryption => _bucketConfiguration.DeleteBucketEncryptionAsync(call),
        _ => throw new S3Exception(S3Errors.NotImplemented, $"The operation {operation} is not implemented.", call.ResourceName),
    };

    /// <summary>
    /// The addressed bucket, read from the index at most once per request (its absence is remembered too):
    /// CORS, authorization and the operation all use this one read.
    /// </summary>
    private ValueTask<KnownBucket> AddressedBucketAsync(S3Call call) => call.AddressedBucketAsync(_buckets);

    /// <summary>Renders an S3 error: the only place error responses are written.</summary>
    private async Task WriteErrorAsync(S3Call call, S3Exception error)
    {
        var response = call.Response;
        if (response.HasStarted)
        {
            // Headers (and maybe bytes) are out: the only honest signal left is a broken connection.
            Log.ErrorAfterResponseStarted(_logger, call.RequestId, error.Code.Code, error.Message);
            call.Context.Abort();
            return;
        }

        if (error.Code.HttpStatus >= 500 && error.Code != S3Errors.NotImplemented)
            Log.ServerError(_logger, call.RequestId, error.Code.Code, error.Message);

        response.Clear();
        SetIdentityHeaders(call);
        response.StatusCode = error.Code.HttpStatus;
        if (BodyLeftUnread(call))
            response.Headers.Connection = "close";
        foreach (var (name, value) in error.Headers)
            response.Headers[name] = value;
        if (error.Code == S3Errors.InvalidRange && error.Details.TryGetValue("ActualObjectSize", out var size))
            response.Headers.ContentRange = "bytes */" + size;
        if (call.IsHead)
            return; // HEAD errors carry no body.

        response.ContentType = "application/xml";
        await S3XmlResponses.WriteErrorAsync(response.Body, error, call.RequestId, call.HostId);
    }

    /// <summary>
    /// A refusal before the body was read (AccessDenied, NoSuchBucket ...): a client that sent
    /// <c>Expect: 100-continue</c> never sends that body, so draining it would swallow the start of the
    /// next request on the connection. Closing the connection after the error is what S3 does too.
    /// </summary>
    private static bool BodyLeftUnread(S3Call call)
    {
        var request = call.Request;
        var hasBody = request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;
        if (call.BodyFailed)
            return true; // Kestrel gave up on the body (truncated, too slow): the connection cannot carry another request
        return hasBody && (call.Body is null || call.Body.BytesRead == 0);
    }

    internal static void SetIdentityHeaders(S3Call call)
    {
        call.Response.Headers["x-amz-request-id"] = call.RequestId;
        call.Response.Headers["x-amz-id-2"] = call.HostId;
    }

    /// <summary>16 upper-case hex characters, like S3's request ids.</summary>
    private static string NewRequestId() => Convert.ToHexString(RandomNumberGenerator.GetBytes(8));

    private static string NewHostId() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

    /// <summary>The raw request target: keys are decoded from it, never from the already-decoded Path.</summary>
    private static string RawTarget(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (!string.IsNullOrEmpty(raw)) return raw;
        return context.Request.PathBase.Add(context.Request.Path).ToUriComponent() + context.Request.QueryString.Value;
    }

    private static string RawPath(HttpContext context) => S3Addressing.PathOf(RawTarget(context));
}
