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
using ObjectStore.Index;
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
    private readonly IRequestAuthenticator _authenticator;
    /// <summary>The handlers by area the operations dispatch to.</summary>
    private readonly S3Areas _areas;
    private readonly S3Options _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    internal S3RequestHandler(ObjectModel model, IRequestAuthenticator authenticator, S3Areas areas, IOptions<S3Options> options, TimeProvider time, ILogger<S3RequestHandler> logger)
    {
        (_buckets, _objects) = (model.Buckets, model.Objects);
        _authenticator = authenticator;
        _areas = areas;
        _options = options.Value;
        _time = time;
        _logger = logger;
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
        catch (IndexBusyException ex)
        {
            // Storage throttled past the retry budget: S3's answer to a request rate it cannot take, which clients retry.
            Log.IndexBusy(_logger, call.RequestId, ex.Reason, ex.OutcomeUnknown);
            await WriteErrorAsync(call, SlowDown(ex, call.ResourceName));
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
            // What the host's metrics record (ObjectStore.Hosting.Gateway): the operation and the bytes each way.
            context.Features.Set(new S3RequestSummary(call.Operation?.ToString() ?? (AdminApi.IsAdminPath(RawPath(context)) ? "Admin" : "-"),
                closedByClient ? ClientClosedRequest : response.StatusCode, call.Body?.BytesRead ?? 0, counted.BytesWritten));
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
        call.AuthorizeAsync = (action, bucket, key, versionId, ct) => RequireAsync(call, action, bucket, key, versionId, ct);
        call.Requester = new Requester(auth.AccessKey!, call.Context.Connection.RemoteIpAddress?.ToString() ?? "", call.RequestId, call.HostId);

        if (!call.Resource.VirtualHosted && AdminApi.IsAdminPath(RawPath(call.Context)))
        {
            if (auth.IsAnonymous)
                throw new S3Exception(S3Errors.AccessDenied, resource: call.ResourceName);
            await _areas.Admin.HandleAdminAsync(call, auth.AccessKey!, RawPath(call.Context));
            return;
        }

        var route = S3Router.Route(new S3RouteRequest(request.Method, call.Resource.Bucket, call.Resource.Key, call.Query,
            request.Headers.ContainsKey("x-amz-copy-source"), call.Header("x-amz-copy-source")));
        if (route.Error is { } routeError)
            throw new S3Exception(routeError, resource: call.ResourceName)
            {
                Details = new Dictionary<string, string> { ["Method"] = request.Method, ["ResourceType"] = call.Resource.Key is null ? (call.Resource.Bucket is null ? "SERVICE" : "BUCKET") : "OBJECT" },
            };
        call.Operation = route.Operation;
        call.Route = route.Parameters;
        RequireWellFormedVersionId(route.Parameters.VersionId, call.ResourceName);
        await AuthorizeAsync(call, route.Operation);
        if (route.Operation is S3Operation.DeleteObject or S3Operation.PutObjectRetention)
            call.BypassGovernance = await MayBypassGovernanceAsync(call, call.Resource.Key, call.Route.VersionId, call.Aborted);
        // A host that cannot keep a write (the local host on a full disk) refuses it before anything is written.
        if ((call.Context.RequestServices?.GetService(typeof(IWriteAdmission)) as IWriteAdmission)?.Refuse(route.Operation, call.ResourceName) is { } refusal)
            throw refusal;
        await DispatchAsync(call, route.Operation);
    }

    /// <summary>
    /// The addressed bucket, read from the index at most once per request (its absence is remembered too):
    /// CORS, authorization and the operation all use this one read.
    /// </summary>
    private ValueTask<KnownBucket> AddressedBucketAsync(S3Call call) => call.AddressedBucketAsync(_buckets);

    private static S3Exception SlowDown(IndexBusyException busy, string? resource) =>
        new(S3Errors.SlowDown, resource: resource)
        {
            Headers = new Dictionary<string, string> { ["Retry-After"] = Math.Max(1, (int)Math.Ceiling(busy.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };

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

        if (error.Code.HttpStatus >= 500 && error.Code != S3Errors.NotImplemented && error.Code != S3Errors.SlowDown)
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
    /// A version id that no index could have issued (not "null", not 16 characters of <c>-0-9A-Za-z_</c>)
    /// is S3's InvalidArgument, before anything is read or changed; a well-formed unknown one is NoSuchVersion later.
    /// </summary>
    private static void RequireWellFormedVersionId(string? versionId, string? resource)
    {
        if (versionId is not null && !Index.VersionIds.IsWellFormed(versionId))
            throw new S3Exception(S3Errors.InvalidArgument, "Invalid version id specified", resource)
            {
                Details = new Dictionary<string, string> { ["ArgumentName"] = "versionId", ["ArgumentValue"] = versionId },
            };
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
