using Microsoft.AspNetCore.Http;
using ObjectStore.Index;
using ObjectStore.Objects;
using ObjectStore.Objects.Identity;
using ObjectStore.S3.Auth;
using ObjectStore.S3.Protocol;

namespace ObjectStore.S3;

/// <summary>The state of one request as it moves through the handler.</summary>
internal sealed class S3Call(HttpContext context, string requestId, string hostId)
{
    public HttpContext Context { get; } = context;
    public HttpRequest Request => Context.Request;
    public HttpResponse Response => Context.Response;
    public CancellationToken Aborted => Context.RequestAborted;
    public string RequestId { get; } = requestId;
    public string HostId { get; } = hostId;
    public bool IsHead => HttpMethods.IsHead(Request.Method);

    public S3ResourcePath Resource { get; set; } = new(null, null, false);
    public S3Operation? Operation { get; set; }
    /// <summary>The routed operation's parameters (version id, upload id, part number, copy source ...).</summary>
    public S3RouteParameters Route { get; set; } = S3RouteParameters.None;
    public AuthenticatedRequest? Auth { get; set; }
    /// <summary>Who is calling; anonymous until authentication says otherwise.</summary>
    public CallerIdentity Caller { get; set; } = CallerIdentity.Anonymous;
    /// <summary>Policies read for this request's authorization, by bucket (read once per request).</summary>
    public Dictionary<string, BucketAccess> BucketAccess { get; } = new(StringComparer.Ordinal);
    public IReadOnlyList<Access.Policies.PolicyDocument>? IdentityPolicies { get; set; }
    /// <summary>The decoded body, counted; set after authentication.</summary>
    public CountingStream? Body { get; set; }
    /// <summary>Kestrel stopped reading the body (truncated, too large, too slow): the connection closes after the answer.</summary>
    public bool BodyFailed { get; set; }
    public IReadOnlyDictionary<string, string> Query { get; set; } = new Dictionary<string, string>();
    /// <summary>
    /// Who made the request, for the events its writes record: the signer's access key, the source IP and the
    /// request ids, set after authentication (a browser POST's form signer replaces the principal).
    /// </summary>
    public Requester? Requester { get; set; }
    /// <summary>x-amz-bypass-governance-retention: true from a caller allowed s3:BypassGovernanceRetention (DeleteObject, PutObjectRetention).</summary>
    public bool BypassGovernance { get; set; }
    /// <summary>The s3:object-lock-* condition values of a Retention or LegalHold body (null: from the headers).</summary>
    public ObjectLockConditions? ObjectLockConditions { get; set; }
    /// <summary>The addressed bucket as this request read it (its record or its known absence); null until first needed.</summary>
    public KnownBucket? AddressedBucket { get; set; }
    /// <summary>The object version authorization read to check its ACL; null when it read none.</summary>
    public VersionRead? VersionRead { get; set; }
    /// <summary>
    /// Authorizes an action the operation discovers itself (a browser form's key and signer): the entry point,
    /// which owns authorization, sets it after authentication. Throws AccessDenied when refused.
    /// </summary>
    public Func<string, string?, string?, string?, CancellationToken, Task> AuthorizeAsync { get; set; } =
        (_, _, _, _, _) => throw new InvalidOperationException("The request is not authenticated yet.");

    public string Bucket => Resource.Bucket ?? throw new InvalidOperationException("No bucket addressed.");
    public string Key => Resource.Key ?? throw new InvalidOperationException("No key addressed.");

    /// <summary>"/bucket" or "/bucket/key", for error Resource elements.</summary>
    public string ResourceName => Resource.Bucket is null ? "/" : Resource.Key is null ? "/" + Resource.Bucket : $"/{Resource.Bucket}/{Resource.Key}";

    /// <summary>
    /// The addressed bucket, read from the index at most once per request (its absence is remembered too):
    /// CORS, authorization and the operation all use this one read.
    /// </summary>
    public async ValueTask<KnownBucket> AddressedBucketAsync(BucketService buckets)
    {
        if (AddressedBucket is { } known)
            return known;
        known = new KnownBucket(Bucket, await buckets.FindBucketAsync(Bucket, Aborted));
        AddressedBucket = known;
        return known;
    }

    /// <summary>
    /// The record authorization already read for exactly this bucket, key and requested version id (null: the
    /// latest), so the operation need not read it again; null when it read no such live version.
    /// </summary>
    public ObjectRecord? VersionReadFor(string bucket, string key, string? versionId) =>
        VersionRead is { } read && read.Bucket == bucket && read.Key == key && read.VersionId == versionId ? read.Record : null;

    public string? QueryValue(string name) => Query.TryGetValue(name, out var v) ? v : null;

    public string? Header(string name)
    {
        var v = Request.Headers[name];
        return v.Count == 0 ? null : v.ToString();
    }
}

/// <summary>An object version read during this request, with what was asked for: the key and the version id (null: the latest).</summary>
internal sealed record VersionRead(string Bucket, string Key, string? VersionId, ObjectRecord Record);
