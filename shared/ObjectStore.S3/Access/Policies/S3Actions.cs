using ObjectStore.S3.Protocol;

namespace ObjectStore.S3.Access.Policies;

/// <summary>Whether an action is checked against the bucket's ARN, an object's, or the service's.</summary>
public enum ActionScope { Service, Bucket, Object }

/// <summary>
/// The IAM action each S3 operation needs (as "Actions, resources, and condition keys for Amazon S3"
/// lists them). Operations that name a version (versionId) need the *Version action.
/// </summary>
public static class S3Actions
{
    /// <summary>Every action name, lower case: bucket policies may only name these (wildcards allowed).</summary>
    public static readonly IReadOnlyList<string> All;

    private static readonly Dictionary<S3Operation, (string Action, string? VersionAction, ActionScope Scope)> Map = new()
    {
        [S3Operation.ListBuckets] = ("s3:ListAllMyBuckets", null, ActionScope.Service),
        [S3Operation.CreateBucket] = ("s3:CreateBucket", null, ActionScope.Bucket),
        [S3Operation.DeleteBucket] = ("s3:DeleteBucket", null, ActionScope.Bucket),
        [S3Operation.HeadBucket] = ("s3:ListBucket", null, ActionScope.Bucket),
        [S3Operation.GetBucketLocation] = ("s3:GetBucketLocation", null, ActionScope.Bucket),
        [S3Operation.GetBucketTagging] = ("s3:GetBucketTagging", null, ActionScope.Bucket),
        [S3Operation.PutBucketTagging] = ("s3:PutBucketTagging", null, ActionScope.Bucket),
        [S3Operation.DeleteBucketTagging] = ("s3:PutBucketTagging", null, ActionScope.Bucket),
        [S3Operation.GetBucketVersioning] = ("s3:GetBucketVersioning", null, ActionScope.Bucket),
        [S3Operation.PutBucketVersioning] = ("s3:PutBucketVersioning", null, ActionScope.Bucket),
        [S3Operation.ListObjects] = ("s3:ListBucket", null, ActionScope.Bucket),
        [S3Operation.ListObjectsV2] = ("s3:ListBucket", null, ActionScope.Bucket),
        [S3Operation.ListObjectVersions] = ("s3:ListBucketVersions", null, ActionScope.Bucket),
        [S3Operation.GetBucketPolicy] = ("s3:GetBucketPolicy", null, ActionScope.Bucket),
        [S3Operation.PutBucketPolicy] = ("s3:PutBucketPolicy", null, ActionScope.Bucket),
        [S3Operation.DeleteBucketPolicy] = ("s3:DeleteBucketPolicy", null, ActionScope.Bucket),
        [S3Operation.GetBucketPolicyStatus] = ("s3:GetBucketPolicyStatus", null, ActionScope.Bucket),
        [S3Operation.GetBucketLifecycleConfiguration] = ("s3:GetLifecycleConfiguration", null, ActionScope.Bucket),
        [S3Operation.PutBucketLifecycleConfiguration] = ("s3:PutLifecycleConfiguration", null, ActionScope.Bucket),
        [S3Operation.DeleteBucketLifecycle] = ("s3:PutLifecycleConfiguration", null, ActionScope.Bucket),
        [S3Operation.GetBucketNotificationConfiguration] = ("s3:GetBucketNotification", null, ActionScope.Bucket),
        [S3Operation.PutBucketNotificationConfiguration] = ("s3:PutBucketNotification", null, ActionScope.Bucket),
        [S3Operation.GetBucketCors] = ("s3:GetBucketCORS", null, ActionScope.Bucket),
        [S3Operation.PutBucketCors] = ("s3:PutBucketCORS", null, ActionScope.Bucket),
        [S3Operation.DeleteBucketCors] = ("s3:PutBucketCORS", null, ActionScope.Bucket),
        [S3Operation.GetBucketEncryption] = ("s3:GetEncryptionConfiguration", null, ActionScope.Bucket),
        [S3Operation.PutBucketEncryption] = ("s3:PutEncryptionConfiguration", null, ActionScope.Bucket),
        [S3Operation.DeleteBucketEncryption] = ("s3:PutEncryptionConfiguration", null, ActionScope.Bucket),
        [S3Operation.GetBucketAcl] = ("s3:GetBucketAcl", null, ActionScope.Bucket),
        [S3Operation.PutBucketAcl] = ("s3:PutBucketAcl", null, ActionScope.Bucket),
        [S3Operation.GetBucketLogging] = ("s3:GetBucketLogging", null, ActionScope.Bucket),
        [S3Operation.PutBucketLogging] = ("s3:PutBucketLogging", null, ActionScope.Bucket),
        [S3Operation.GetBucketWebsite] = ("s3:GetBucketWebsite", null, ActionScope.Bucket),
        [S3Operation.PutBucketWebsite] = ("s3:PutBucketWebsite", null, ActionScope.Bucket),
        [S3Operation.DeleteBucketWebsite] = ("s3:DeleteBucketWebsite", null, ActionScope.Bucket),
        [S3Operation.GetBucketReplication] = ("s3:GetReplicationConfiguration", null, ActionScope.Bucket),
        [S3Operation.PutBucketReplication] = ("s3:PutReplicationConfiguration", null, ActionScope.Bucket),
        [S3Operation.DeleteBucketReplication] = ("s3:PutReplicationConfiguration", null, ActionScope.Bucket),
        [S3Operation.GetBucketAccelerateConfiguration] = ("s3:GetAccelerateConfiguration", null, ActionScope.Bucket),
        [S3Operation.PutBucketAccelerateConfiguration] = ("s3:PutAccelerateConfiguration", null, ActionScope.Bucket),
        // A list and a get need the Get action, a delete the Put action, as S3 documents for each.
        [S3Operation.ListBucketAnalyticsConfigurations] = ("s3:GetAnalyticsConfiguration", null, ActionScope.Bucket),
        [S3Operation.GetBucketAnalyticsConfiguration] = ("s3:GetAnalyticsConfiguration", null, ActionScope.Bucket),
        [S3Operation.PutBucketAnalyticsConfiguration] = ("s3:PutAnalyticsConfiguration", null, ActionScope.Bucket),
        [S3Operation.DeleteBucketAnalyticsConfiguration] = ("s3:PutAnalyticsConfiguration", null, ActionScope.Bucket),
        [S3Operation.ListBucketMetricsConfigurations] = ("s3:GetMetricsConfiguration", null, ActionScope.Bucket),
        [S3Operation.GetBucketMetricsConfiguration] = ("s3:GetMetricsConfiguration", null, ActionScope.Bucket),
        [S3Operation.PutBucketMetricsConfiguration] = ("s3:PutMetricsConfiguration", null, ActionScope.Bucket),
        [S3Operation.DeleteBucketMetricsConfiguration] = ("s3:PutMetricsConfiguration", null, ActionScope.Bucket),
        [S3Operation.ListBucketInventoryConfigurations] = ("s3:GetInventoryConfiguration", null, ActionScope.Bucket),
        [S3Operation.GetBucketInventoryConfiguration] = ("s3:GetInventoryConfiguration", null, ActionScope.Bucket),
        [S3Operation.PutBucketInventoryConfiguration] = ("s3:PutInventoryConfiguration", null, ActionScope.Bucket),
        [S3Operation.DeleteBucketInventoryConfiguration] = ("s3:PutInventoryConfiguration", null, ActionScope.Bucket),
        [S3Operation.ListBucketIntelligentTieringConfigurations] = ("s3:GetIntelligentTieringConfiguration", null, ActionScope.Bucket),
        [S3Operation.GetBucketIntelligentTieringConfiguration] = ("s3:GetIntelligentTieringConfiguration", null, ActionScope.Bucket),
        [S3Operation.PutBucketIntelligentTieringConfiguration] = ("s3:PutIntelligentTieringConfiguration", null, ActionScope.Bucket),
        [S3Operation.DeleteBucketIntelligentTieringConfiguration] = ("s3:PutIntelligentTieringConfiguration", null, ActionScope.Bucket),
        [S3Operation.GetBucketRequestPayment] = ("s3:GetBucketRequestPayment", null, ActionScope.Bucket),
        [S3Operation.PutBucketRequestPayment] = ("s3:PutBucketRequestPayment", null, ActionScope.Bucket),
        [S3Operation.GetObjectLockConfiguration] = ("s3:GetBucketObjectLockConfiguration", null, ActionScope.Bucket),
        [S3Operation.PutObjectLockConfiguration] = ("s3:PutBucketObjectLockConfiguration", null, ActionScope.Bucket),
        [S3Operation.GetBucketOwnershipControls] = ("s3:GetBucketOwnershipControls", null, ActionScope.Bucket),
        [S3Operation.PutBucketOwnershipControls] = ("s3:PutBucketOwnershipControls", null, ActionScope.Bucket),
        [S3Operation.DeleteBucketOwnershipControls] = ("s3:PutBucketOwnershipControls", null, ActionScope.Bucket),
        [S3Operation.GetPublicAccessBlock] = ("s3:GetBucketPublicAccessBlock", null, ActionScope.Bucket),
        [S3Operation.PutPublicAccessBlock] = ("s3:PutBucketPublicAccessBlock", null, ActionScope.Bucket),
        [S3Operation.DeletePublicAccessBlock] = ("s3:PutBucketPublicAccessBlock", null, ActionScope.Bucket),
        [S3Operation.ListMultipartUploads] = ("s3:ListBucketMultipartUploads", null, ActionScope.Bucket),
        // Authorized per key (s3:DeleteObject / s3:DeleteObjectVersion) by the handler.
        [S3Operation.DeleteObjects] = ("s3:DeleteObject", "s3:DeleteObjectVersion", ActionScope.Object),
        [S3Operation.PostObject] = ("s3:PutObject", null, ActionScope.Object),
        [S3Operation.PutObject] = ("s3:PutObject", null, ActionScope.Object),
        [S3Operation.CopyObject] = ("s3:PutObject", null, ActionScope.Object),
        [S3Operation.GetObject] = ("s3:GetObject", "s3:GetObjectVersion", ActionScope.Object),
        [S3Operation.HeadObject] = ("s3:GetObject", "s3:GetObjectVersion", ActionScope.Object),
        [S3Operation.DeleteObject] = ("s3:DeleteObject", "s3:DeleteObjectVersion", ActionScope.Object),
        [S3Operation.GetObjectAcl] = ("s3:GetObjectAcl", "s3:GetObjectVersionAcl", ActionScope.Object),
        [S3Operation.PutObjectAcl] = ("s3:PutObjectAcl", "s3:PutObjectVersionAcl", ActionScope.Object),
        [S3Operation.GetObjectTagging] = ("s3:GetObjectTagging", "s3:GetObjectVersionTagging", ActionScope.Object),
        [S3Operation.PutObjectTagging] = ("s3:PutObjectTagging", "s3:PutObjectVersionTagging", ActionScope.Object),
        [S3Operation.DeleteObjectTagging] = ("s3:DeleteObjectTagging", "s3:DeleteObjectVersionTagging", ActionScope.Object),
        [S3Operation.GetObjectAttributes] = ("s3:GetObjectAttributes", "s3:GetObjectVersionAttributes", ActionScope.Object),
        [S3Operation.GetObjectRetention] = ("s3:GetObjectRetention", null, ActionScope.Object),
        [S3Operation.PutObjectRetention] = ("s3:PutObjectRetention", null, ActionScope.Object),
        [S3Operation.GetObjectLegalHold] = ("s3:GetObjectLegalHold", null, ActionScope.Object),
        [S3Operation.PutObjectLegalHold] = ("s3:PutObjectLegalHold", null, ActionScope.Object),
        [S3Operation.GetObjectTorrent] = ("s3:GetObjectTorrent", "s3:GetObjectVersionTorrent", ActionScope.Object),
        [S3Operation.CreateMultipartUpload] = ("s3:PutObject", null, ActionScope.Object),
        [S3Operation.UploadPart] = ("s3:PutObject", null, ActionScope.Object),
        [S3Operation.UploadPartCopy] = ("s3:PutObject", null, ActionScope.Object),
        [S3Operation.CompleteMultipartUpload] = ("s3:PutObject", null, ActionScope.Object),
        [S3Operation.AbortMultipartUpload] = ("s3:AbortMultipartUpload", null, ActionScope.Object),
        [S3Operation.ListParts] = ("s3:ListMultipartUploadParts", null, ActionScope.Object),
        [S3Operation.RestoreObject] = ("s3:RestoreObject", null, ActionScope.Object),
        [S3Operation.SelectObjectContent] = ("s3:GetObject", null, ActionScope.Object),
    };

    static S3Actions()
    {
        All = Map.Values.SelectMany(v => v.VersionAction is null ? [v.Action] : new[] { v.Action, v.VersionAction })
            .Concat(["s3:GetObjectVersionForReplication", "s3:ReplicateObject", "s3:ReplicateDelete", "s3:BypassGovernanceRetention", "s3:PutObjectVersionTagging"])
            .Select(a => a.ToLowerInvariant()).Distinct().ToArray();
    }

    /// <summary>The action and scope an operation needs; null for operations that need none (CORS preflight).</summary>
    public static (string Action, ActionScope Scope)? For(S3Operation operation, bool namesVersion) =>
        Map.TryGetValue(operation, out var entry)
            ? (namesVersion && entry.VersionAction is not null ? entry.VersionAction : entry.Action, entry.Scope)
            : null;

    /// <summary>"arn:aws:s3:::bucket", "arn:aws:s3:::bucket/key", or "arn:aws:s3:::*" for the service.</summary>
    public static string ResourceArn(string? bucket, string? key) =>
        bucket is null ? "arn:aws:s3:::*" : key is null ? "arn:aws:s3:::" + bucket : $"arn:aws:s3:::{bucket}/{key}";
}
