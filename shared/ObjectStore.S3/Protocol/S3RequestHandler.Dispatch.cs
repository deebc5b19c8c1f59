using ObjectStore.Objects.Errors;
using ObjectStore.S3.Protocol;

namespace ObjectStore.S3;

/// <summary>
/// The dispatch table, beside the router's (<see cref="S3Router"/>): each routed operation and the area
/// handler method that serves it, so one jump leads from an operation's name to its code.
/// </summary>
public sealed partial class S3RequestHandler
{
    /// <summary>The operations served today; every other routed operation answers NotImplemented.</summary>
    private Task DispatchAsync(S3Call call, S3Operation operation) => operation switch
    {
        S3Operation.ListBuckets => _areas.BucketConfiguration.ListBucketsAsync(call),
        S3Operation.CreateBucket => _areas.BucketConfiguration.CreateBucketAsync(call),
        S3Operation.DeleteBucket => _areas.BucketConfiguration.DeleteBucketAsync(call),
        S3Operation.HeadBucket => _areas.BucketConfiguration.HeadBucketAsync(call),
        S3Operation.GetBucketLocation => _areas.BucketConfiguration.GetBucketLocationAsync(call),
        S3Operation.GetBucketTagging => _areas.BucketConfiguration.GetBucketTaggingAsync(call),
        S3Operation.PutBucketTagging => _areas.BucketConfiguration.PutBucketTaggingAsync(call),
        S3Operation.DeleteBucketTagging => _areas.BucketConfiguration.DeleteBucketTaggingAsync(call),
        S3Operation.GetBucketVersioning => _areas.BucketConfiguration.GetBucketVersioningAsync(call),
        S3Operation.PutBucketVersioning => _areas.BucketConfiguration.PutBucketVersioningAsync(call),
        S3Operation.GetBucketNotificationConfiguration => _areas.BucketConfiguration.GetBucketNotificationAsync(call),
        S3Operation.PutBucketNotificationConfiguration => _areas.BucketConfiguration.PutBucketNotificationAsync(call),
        S3Operation.ListObjectVersions => _areas.Listing.ListObjectVersionsAsync(call),
        S3Operation.ListObjects => _areas.Listing.ListObjectsAsync(call, v2: false),
        S3Operation.ListObjectsV2 => _areas.Listing.ListObjectsAsync(call, v2: true),
        S3Operation.PutObject => _areas.Objects.PutObjectAsync(call),
        S3Operation.PostObject => _areas.Browser.PostObjectAsync(call),
        S3Operation.CopyObject => _areas.Objects.CopyObjectAsync(call),
        S3Operation.GetObject => _areas.Objects.GetObjectAsync(call),
        S3Operation.HeadObject => _areas.Objects.GetObjectAsync(call),
        S3Operation.DeleteObject => _areas.Objects.DeleteObjectAsync(call),
        S3Operation.DeleteObjects => DeleteObjectsAsync(call),
        S3Operation.GetObjectTagging => _areas.Subresources.GetObjectTaggingAsync(call),
        S3Operation.PutObjectTagging => _areas.Subresources.PutObjectTaggingAsync(call),
        S3Operation.DeleteObjectTagging => _areas.Subresources.DeleteObjectTaggingAsync(call),
        S3Operation.CreateMultipartUpload => _areas.Multipart.CreateMultipartUploadAsync(call),
        S3Operation.UploadPart => _areas.Multipart.UploadPartAsync(call),
        S3Operation.UploadPartCopy => _areas.Multipart.UploadPartCopyAsync(call),
        S3Operation.CompleteMultipartUpload => _areas.Multipart.CompleteMultipartUploadAsync(call),
        S3Operation.AbortMultipartUpload => _areas.Multipart.AbortMultipartUploadAsync(call),
        S3Operation.ListParts => _areas.Multipart.ListPartsAsync(call),
        S3Operation.ListMultipartUploads => _areas.Multipart.ListMultipartUploadsAsync(call),
        S3Operation.PutBucketLifecycleConfiguration => _areas.BucketConfiguration.PutBucketLifecycleAsync(call),
        S3Operation.GetBucketLifecycleConfiguration => _areas.BucketConfiguration.GetBucketLifecycleAsync(call),
        S3Operation.DeleteBucketLifecycle => _areas.BucketConfiguration.DeleteBucketLifecycleAsync(call),
        S3Operation.RestoreObject => _areas.Subresources.RestoreObjectAsync(call),
        S3Operation.GetBucketPolicy => _areas.Access.GetBucketPolicyAsync(call),
        S3Operation.PutBucketPolicy => _areas.Access.PutBucketPolicyAsync(call),
        S3Operation.DeleteBucketPolicy => _areas.Access.DeleteBucketPolicyAsync(call),
        S3Operation.GetBucketPolicyStatus => _areas.Access.GetBucketPolicyStatusAsync(call),
        S3Operation.GetPublicAccessBlock => _areas.Access.GetPublicAccessBlockAsync(call),
        S3Operation.PutPublicAccessBlock => _areas.Access.PutPublicAccessBlockAsync(call),
        S3Operation.DeletePublicAccessBlock => _areas.Access.DeletePublicAccessBlockAsync(call),
        S3Operation.PutBucketCors => _areas.BucketConfiguration.PutBucketCorsAsync(call),
        S3Operation.GetBucketCors => _areas.BucketConfiguration.GetBucketCorsAsync(call),
        S3Operation.DeleteBucketCors => _areas.BucketConfiguration.DeleteBucketCorsAsync(call),
        S3Operation.CorsPreflight => _areas.Browser.CorsPreflightAsync(call),
        S3Operation.PutBucketEncryption => _areas.BucketConfiguration.PutBucketEncryptionAsync(call),
        S3Operation.GetBucketEncryption => _areas.BucketConfiguration.GetBucketEncryptionAsync(call),
        S3Operation.DeleteBucketEncryption => _areas.BucketConfiguration.DeleteBucketEncryptionAsync(call),
        S3Operation.PutObjectLockConfiguration => _areas.ObjectLock.PutObjectLockConfigurationAsync(call),
        S3Operation.GetObjectLockConfiguration => _areas.ObjectLock.GetObjectLockConfigurationAsync(call),
        S3Operation.PutObjectRetention => _areas.ObjectLock.PutObjectRetentionAsync(call),
        S3Operation.GetObjectRetention => _areas.ObjectLock.GetObjectRetentionAsync(call),
        S3Operation.PutObjectLegalHold => _areas.ObjectLock.PutObjectLegalHoldAsync(call),
        S3Operation.GetObjectLegalHold => _areas.ObjectLock.GetObjectLegalHoldAsync(call),
        S3Operation.GetBucketAcl => _areas.Acl.GetBucketAclAsync(call),
        S3Operation.PutBucketAcl => _areas.Acl.PutBucketAclAsync(call),
        S3Operation.GetObjectAcl => _areas.Acl.GetObjectAclAsync(call),
        S3Operation.PutObjectAcl => _areas.Acl.PutObjectAclAsync(call),
        S3Operation.GetBucketOwnershipControls => _areas.Acl.GetBucketOwnershipControlsAsync(call),
        S3Operation.PutBucketOwnershipControls => _areas.Acl.PutBucketOwnershipControlsAsync(call),
        S3Operation.DeleteBucketOwnershipControls => _areas.Acl.DeleteBucketOwnershipControlsAsync(call),
        S3Operation.GetBucketRequestPayment => _areas.BucketConfiguration.GetBucketRequestPaymentAsync(call),
        S3Operation.PutBucketRequestPayment => _areas.BucketConfiguration.PutBucketRequestPaymentAsync(call),
        S3Operation.GetObjectAttributes => _areas.Objects.GetObjectAttributesAsync(call),
        S3Operation.GetObjectTorrent => _areas.Subresources.GetObjectTorrentAsync(call),
        _ => throw new S3Exception(S3Errors.NotImplemented, $"The operation {operation} is not implemented.", call.ResourceName),
    };
}
