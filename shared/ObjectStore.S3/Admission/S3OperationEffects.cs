using ObjectStore.S3.Protocol;

namespace ObjectStore.S3;

/// <summary>What an S3 operation does to the space the store uses, for gates such as <see cref="IWriteAdmission"/>.</summary>
public static class S3OperationEffects
{
    /// <summary>
    /// Operations that only read, or only remove (deletes, aborts, removing a configuration): a store
    /// short of space keeps serving them, because clients need them to recover, as MinIO does on a
    /// full disk. A delete still changes the index (a versioned delete even adds a marker), which is
    /// what the free-space reserve is for. Anything not listed here needs space, so an operation
    /// added to the router later is refused on a full disk until someone decides otherwise.
    /// </summary>
    private static readonly HashSet<S3Operation> ReadOrRelease =
    [
        S3Operation.ListBuckets,
        S3Operation.DeleteBucket, S3Operation.HeadBucket, S3Operation.GetBucketLocation,
        S3Operation.GetBucketTagging, S3Operation.DeleteBucketTagging, S3Operation.GetBucketVersioning,
        S3Operation.ListObjects, S3Operation.ListObjectsV2, S3Operation.ListObjectVersions,
        S3Operation.GetBucketPolicy, S3Operation.DeleteBucketPolicy, S3Operation.GetBucketPolicyStatus,
        S3Operation.GetBucketLifecycleConfiguration, S3Operation.DeleteBucketLifecycle,
        S3Operation.GetBucketNotificationConfiguration,
        S3Operation.GetBucketCors, S3Operation.DeleteBucketCors,
        S3Operation.GetBucketEncryption, S3Operation.DeleteBucketEncryption,
        S3Operation.GetBucketAcl, S3Operation.GetBucketLogging,
        S3Operation.GetBucketWebsite, S3Operation.DeleteBucketWebsite,
        S3Operation.GetBucketReplication, S3Operation.DeleteBucketReplication,
        S3Operation.GetBucketAccelerateConfiguration, S3Operation.GetBucketRequestPayment,
        S3Operation.ListBucketAnalyticsConfigurations, S3Operation.GetBucketAnalyticsConfiguration, S3Operation.DeleteBucketAnalyticsConfiguration,
        S3Operation.ListBucketMetricsConfigurations, S3Operation.GetBucketMetricsConfiguration, S3Operation.DeleteBucketMetricsConfiguration,
        S3Operation.ListBucketInventoryConfigurations, S3Operation.GetBucketInventoryConfiguration, S3Operation.DeleteBucketInventoryConfiguration,
        S3Operation.ListBucketIntelligentTieringConfigurations, S3Operation.GetBucketIntelligentTieringConfiguration,
        S3Operation.DeleteBucketIntelligentTieringConfiguration,
        S3Operation.GetObjectLockConfiguration,
        S3Operation.GetBucketOwnershipControls, S3Operation.DeleteBucketOwnershipControls,
        S3Operation.GetPublicAccessBlock, S3Operation.DeletePublicAccessBlock,
        S3Operation.ListMultipartUploads, S3Operation.DeleteObjects,
        S3Operation.GetObject, S3Operation.HeadObject, S3Operation.DeleteObject,
        S3Operation.GetObjectAcl, S3Operation.GetObjectTagging, S3Operation.DeleteObjectTagging,
        S3Operation.GetObjectAttributes, S3Operation.GetObjectRetention, S3Operation.GetObjectLegalHold,
        S3Operation.GetObjectTorrent,
        S3Operation.AbortMultipartUpload, S3Operation.ListParts, S3Operation.SelectObjectContent,
        S3Operation.CorsPreflight,
    ];

    /// <summary>
    /// True when <paramref name="operation"/> stores something new: data, an index row or a
    /// configuration (PUT, POST, copy, CreateBucket, multipart uploads and their completion, restores).
    /// </summary>
    public static bool NeedsSpace(S3Operation operation) => !ReadOrRelease.Contains(operation);
}
