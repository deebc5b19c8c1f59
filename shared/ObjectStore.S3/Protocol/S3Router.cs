using ObjectStore.Objects.Errors;

namespace ObjectStore.S3.Protocol;

/// <summary>What the router looks at: the method, the addressed resource, the query and a few headers.</summary>
/// <param name="Method">HTTP method, upper case.</param>
/// <param name="Bucket">Bucket name, or null for the service.</param>
/// <param name="Key">Object key, or null for a bucket (or the service).</param>
/// <param name="Query">Query parameters (names case-sensitive, as S3); a keyword such as <c>?uploads</c> has an empty value.</param>
/// <param name="HasCopySource">The request carries <c>x-amz-copy-source</c>.</param>
/// <param name="CopySource">The <c>x-amz-copy-source</c> value, when the request has one.</param>
public sealed record S3RouteRequest(
    string Method,
    string? Bucket,
    string? Key,
    IReadOnlyDictionary<string, string> Query,
    bool HasCopySource = false,
    string? CopySource = null);

/// <summary>
/// The parameters a route carries, read once by the router so handlers never re-read the query string
/// for them: the addressed bucket and key, <c>versionId</c>, <c>uploadId</c>, <c>partNumber</c> (as sent;
/// the multipart handler validates it) and the <c>x-amz-copy-source</c> value.
/// </summary>
public sealed record S3RouteParameters(string? Bucket, string? Key, string? VersionId, string? UploadId, string? PartNumber, string? CopySource)
{
    public static S3RouteParameters None { get; } = new(null, null, null, null, null, null);

    internal static S3RouteParameters Of(S3RouteRequest request) => new(request.Bucket, request.Key,
        request.Query.GetValueOrDefault("versionId"), request.Query.GetValueOrDefault("uploadId"), request.Query.GetValueOrDefault("partNumber"),
        request.CopySource);
}

/// <summary>The router's answer: an operation with its parameters, or the error S3 gives for the combination.</summary>
public readonly record struct S3Route(S3Operation Operation, S3ErrorCode? Error)
{
    public bool IsMatch => Error is null;

    /// <summary>The route's parameters (<see cref="S3RouteParameters.None"/> when it is an error).</summary>
    public S3RouteParameters Parameters { get; init; } = S3RouteParameters.None;
}

/// <summary>
/// Maps a request to its S3 operation. Every S3 operation is listed in <see cref="Table"/>, in match
/// order: the first row whose method, resource level, query keywords and copy-source condition hold wins.
/// The operation's handler is named in the dispatch table beside this file (<c>S3RequestHandler.Dispatch.cs</c>).
/// </summary>
public static class S3Router
{
    private enum Level { Service, Bucket, Object }

    /// <param name="Keywords">Query parameters that must be present; <c>name=value</c> also demands the value.</param>
    /// <param name="CopySource">Null: any; true/false: x-amz-copy-source must be present/absent.</param>
    private sealed record Row(string Method, Level Level, S3Operation Operation, string[] Keywords, bool? CopySource = null);

    private static Row R(string method, Level level, S3Operation op, params string[] keywords) => new(method, level, op, keywords);

    private static readonly Row[] Table =
    [
        // ---- Service ----
        R("GET", Level.Service, S3Operation.ListBuckets),

        // ---- Bucket: GET ----
        R("GET", Level.Bucket, S3Operation.GetBucketLocation, "location"),
        R("GET", Level.Bucket, S3Operation.GetBucketTagging, "tagging"),
        R("GET", Level.Bucket, S3Operation.GetBucketVersioning, "versioning"),
        R("GET", Level.Bucket, S3Operation.ListObjectVersions, "versions"),
        R("GET", Level.Bucket, S3Operation.GetBucketPolicyStatus, "policyStatus"),
        R("GET", Level.Bucket, S3Operation.GetBucketPolicy, "policy"),
        R("GET", Level.Bucket, S3Operation.GetBucketLifecycleConfiguration, "lifecycle"),
        R("GET", Level.Bucket, S3Operation.GetBucketNotificationConfiguration, "notification"),
        R("GET", Level.Bucket, S3Operation.GetBucketCors, "cors"),
        R("GET", Level.Bucket, S3Operation.GetBucketEncryption, "encryption"),
        R("GET", Level.Bucket, S3Operation.GetBucketAcl, "acl"),
        R("GET", Level.Bucket, S3Operation.GetBucketLogging, "logging"),
        R("GET", Level.Bucket, S3Operation.GetBucketWebsite, "website"),
        R("GET", Level.Bucket, S3Operation.GetBucketReplication, "replication"),
        R("GET", Level.Bucket, S3Operation.GetBucketAccelerateConfiguration, "accelerate"),
        R("GET", Level.Bucket, S3Operation.GetBucketAnalyticsConfiguration, "analytics", "id"),
        R("GET", Level.Bucket, S3Operation.ListBucketAnalyticsConfigurations, "analytics"),
        R("GET", Level.Bucket, S3Operation.GetBucketMetricsConfiguration, "metrics", "id"),
        R("GET", Level.Bucket, S3Operation.ListBucketMetricsConfigurations, "metrics"),
        R("GET", Level.Bucket, S3Operation.GetBucketInventoryConfiguration, "inventory", "id"),
        R("GET", Level.Bucket, S3Operation.ListBucketInventoryConfigurations, "inventory"),
        R("GET", Level.Bucket, S3Operation.GetBucketIntelligentTieringConfiguration, "intelligent-tiering", "id"),
        R("GET", Level.Bucket, S3Operation.ListBucketIntelligentTieringConfigurations, "intelligent-tiering"),
        R("GET", Level.Bucket, S3Operation.GetBucketRequestPayment, "requestPayment"),
        R("GET", Level.Bucket, S3Operation.GetObjectLockConfiguration, "object-lock"),
        R("GET", Level.Bucket, S3Operation.GetBucketOwnershipControls, "ownershipControls"),
        R("GET", Level.Bucket, S3Operation.GetPublicAccessBlock, "publicAccessBlock"),
        R("GET", Level.Bucket, S3Operation.ListMultipartUploads, "uploads"),
        R("GET", Level.Bucket, S3Operation.ListObjectsV2, "list-type=2"),
        R("GET", Level.Bucket, S3Operation.ListObjects),

        // ---- Bucket: HEAD ----
        R("HEAD", Level.Bucket, S3Operation.HeadBucket),

        // ---- Bucket: PUT ----
        R("PUT", Level.Bucket, S3Operation.PutBucketTagging, "tagging"),
        R("PUT", Level.Bucket, S3Operation.PutBucketVersioning, "versioning"),
        R("PUT", Level.Bucket, S3Operation.PutBucketPolicy, "policy"),
        R("PUT", Level.Bucket, S3Operation.PutBucketLifecycleConfiguration, "lifecycle"),
        R("PUT", Level.Bucket, S3Operation.PutBucketNotificationConfiguration, "notification"),
        R("PUT", Level.Bucket, S3Operation.PutBucketCors, "cors"),
        R("PUT", Level.Bucket, S3Operation.PutBucketEncryption, "encryption"),
        R("PUT", Level.Bucket, S3Operation.PutBucketAcl, "acl"),
        R("PUT", Level.Bucket, S3Operation.PutBucketLogging, "logging"),
        R("PUT", Level.Bucket, S3Operation.PutBucketWebsite, "website"),
        R("PUT", Level.Bucket, S3Operation.PutBucketReplication, "replication"),
        R("PUT", Level.Bucket, S3Operation.PutBucketAccelerateConfiguration, "accelerate"),
        R("PUT", Level.Bucket, S3Operation.PutBucketAnalyticsConfiguration, "analytics", "id"),
        R("PUT", Level.Bucket, S3Operation.PutBucketMetricsConfiguration, "metrics", "id"),
        R("PUT", Level.Bucket, S3Operation.PutBucketInventoryConfiguration, "inventory", "id"),
        R("PUT", Level.Bucket, S3Operation.PutBucketIntelligentTieringConfiguration, "intelligent-tiering", "id"),
        R("PUT", Level.Bucket, S3Operation.PutBucketRequestPayment, "requestPayment"),
        R("PUT", Level.Bucket, S3Operation.PutObjectLockConfiguration, "object-lock"),
        R("PUT", Level.Bucket, S3Operation.PutBucketOwnershipControls, "ownershipControls"),
        R("PUT", Level.Bucket, S3Operation.PutPublicAccessBlock, "publicAccessBlock"),
        R("PUT", Level.Bucket, S3Operation.CreateBucket),

        // ---- Bucket: DELETE ----
        R("DELETE", Level.Bucket, S3Operation.DeleteBucketTagging, "tagging"),
        R("DELETE", Level.Bucket, S3Operation.DeleteBucketPolicy, "policy"),
        R("DELETE", Level.Bucket, S3Operation.DeleteBucketLifecycle, "lifecycle"),
        R("DELETE", Level.Bucket, S3Operation.DeleteBucketCors, "cors"),
        R("DELETE", Level.Bucket, S3Operation.DeleteBucketEncryption, "encryption"),
        R("DELETE", Level.Bucket, S3Operation.DeleteBucketWebsite, "website"),
        R("DELETE", Level.Bucket, S3Operation.DeleteBucketReplication, "replication"),
        R("DELETE", Level.Bucket, S3Operation.DeleteBucketAnalyticsConfiguration, "analytics", "id"),
        R("DELETE", Level.Bucket, S3Operation.DeleteBucketMetricsConfiguration, "metrics", "id"),
        R("DELETE", Level.Bucket, S3Operation.DeleteBucketInventoryConfiguration, "inventory", "id"),
        R("DELETE", Level.Bucket, S3Operation.DeleteBucketIntelligentTieringConfiguration, "intelligent-tiering", "id"),
        R("DELETE", Level.Bucket, S3Operation.DeleteBucketOwnershipControls, "ownershipControls"),
        R("DELETE", Level.Bucket, S3Operation.DeletePublicAccessBlock, "publicAccessBlock"),
        R("DELETE", Level.Bucket, S3Operation.DeleteBucket),

        // ---- Bucket: POST ----
        R("POST", Level.Bucket, S3Operation.DeleteObjects, "delete"),
        R("POST", Level.Bucket, S3Operation.PostObject),

        // ---- Object: GET / HEAD ----
        R("GET", Level.Object, S3Operation.ListParts, "uploadId"),
        R("GET", Level.Object, S3Operation.GetObjectTagging, "tagging"),
        R("GET", Level.Object, S3Operation.GetObjectAcl, "acl"),
        R("GET", Level.Object, S3Operation.GetObjectAttributes, "attributes"),
        R("GET", Level.Object, S3Operation.GetObjectRetention, "retention"),
        R("GET", Level.Object, S3Operation.GetObjectLegalHold, "legal-hold"),
        R("GET", Level.Object, S3Operation.GetObjectTorrent, "torrent"),
        R("GET", Level.Object, S3Operation.GetObject),
        R("HEAD", Level.Object, S3Operation.HeadObject),

        // ---- Object: PUT ----
        new("PUT", Level.Object, S3Operation.UploadPartCopy, ["partNumber", "uploadId"], CopySource: true),
        R("PUT", Level.Object, S3Operation.UploadPart, "partNumber", "uploadId"),
        R("PUT", Level.Object, S3Operation.PutObjectTagging, "tagging"),
        R("PUT", Level.Object, S3Operation.PutObjectAcl, "acl"),
        R("PUT", Level.Object, S3Operation.PutObjectRetention, "retention"),
        R("PUT", Level.Object, S3Operation.PutObjectLegalHold, "legal-hold"),
        new("PUT", Level.Object, S3Operation.CopyObject, [], CopySource: true),
        R("PUT", Level.Object, S3Operation.PutObject),

        // ---- Object: DELETE ----
        R("DELETE", Level.Object, S3Operation.AbortMultipartUpload, "uploadId"),
        R("DELETE", Level.Object, S3Operation.DeleteObjectTagging, "tagging"),
        R("DELETE", Level.Object, S3Operation.DeleteObject),

        // ---- Object: POST ----
        R("POST", Level.Object, S3Operation.CreateMultipartUpload, "uploads"),
        R("POST", Level.Object, S3Operation.CompleteMultipartUpload, "uploadId"),
        R("POST", Level.Object, S3Operation.RestoreObject, "restore"),
        R("POST", Level.Object, S3Operation.SelectObjectContent, "select", "select-type=2"),

        // ---- CORS preflight, any resource below the service ----
        R("OPTIONS", Level.Bucket, S3Operation.CorsPreflight),
        R("OPTIONS", Level.Object, S3Operation.CorsPreflight),
    ];

    private static readonly HashSet<string> KnownMethods = ["GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS"];

    /// <summary>
    /// Bucket subresources S3 has: a bucket request naming one is never the plain operation of its method (a GET
    /// ?metrics is not a listing, a DELETE ?logging not DeleteBucket). Those the table has no row for
    /// (DELETE of logging, accelerate and requestPayment; a PUT or DELETE of an analytics, metrics, inventory
    /// or Intelligent-Tiering configuration without its id) answer NotImplemented.
    /// </summary>
    private static readonly string[] BucketSubresources =
    [
        "accelerate", "acl", "analytics", "cors", "encryption", "intelligent-tiering", "inventory", "lifecycle", "logging",
        "metrics", "notification", "object-lock", "ownershipControls", "policy", "policyStatus", "publicAccessBlock",
        "replication", "requestPayment", "tagging", "versioning", "website",
    ];

    /// <summary>Every operation that appears in the table (for tests and documentation).</summary>
    public static IEnumerable<S3Operation> RoutedOperations => Table.Select(r => r.Operation).Distinct();

    public static S3Route Route(S3RouteRequest request)
    {
        var level = request.Bucket is null ? Level.Service : request.Key is null ? Level.Bucket : Level.Object;
        var method = request.Method.ToUpperInvariant();
        if (!KnownMethods.Contains(method))
            return new S3Route(default, S3Errors.MethodNotAllowed);

        var subresource = level == Level.Bucket && BucketSubresources.Any(request.Query.ContainsKey);
        foreach (var row in Table)
        {
            if (row.Level != level || row.Method != method) continue;
            if (row.CopySource is { } wantCopy && wantCopy != request.HasCopySource) continue;
            if (subresource && !row.Keywords.Any(k => BucketSubresources.Contains(k))) continue; // not the plain operation
            if (row.Keywords.All(k => HasKeyword(request.Query, k)))
                return new S3Route(row.Operation, null) { Parameters = S3RouteParameters.Of(request) };
        }
        if (subresource)
            return new S3Route(default, S3Errors.NotImplemented);

        // A POST to an object without a known keyword, or a verb the resource does not take.
        if (method == "POST" && level == Level.Object)
            return new S3Route(default, S3Errors.InvalidRequest);
        return new S3Route(default, S3Errors.MethodNotAllowed);
    }

    private static bool HasKeyword(IReadOnlyDictionary<string, string> query, string keyword)
    {
        var eq = keyword.IndexOf('=');
        if (eq < 0) return query.ContainsKey(keyword);
        return query.TryGetValue(keyword[..eq], out var value) && value == keyword[(eq + 1)..];
    }
}
