using ObjectStore.Index;
using ObjectStore.Objects.Errors;

namespace ObjectStore.Objects;

/// <summary>A bucket's Object Lock configuration (docs/object-lock.md).</summary>
internal sealed partial class BucketService
{
    /// <summary>The bucket with Object Lock enabled (no default rule) and versioning on.</summary>
    private static BucketRecord WithObjectLock(BucketRecord bucket, BucketObjectLock? configuration = null) => bucket with
    {
        Versioning = BucketVersioningExtensions.Enabled,
        Configuration = WithConfiguration(bucket.Configuration, BucketObjectLock.ConfigurationName, (configuration ?? new BucketObjectLock(null, null, null)).Serialize()),
    };

    /// <summary>
    /// PutObjectLockConfiguration: enables Object Lock (on a bucket whose versioning is Enabled, as S3 now allows)
    /// and sets or clears the default retention. InvalidBucketState when versioning is not Enabled.
    /// </summary>
    public Task PutObjectLockConfigurationAsync(string bucket, BucketObjectLock configuration, CancellationToken cancellationToken) =>
        UpdateBucketAsync(bucket, b => b.VersioningState() != BucketVersioning.Enabled
            ? throw new S3Exception(S3Errors.InvalidBucketState, "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration", "/" + bucket)
            : WithObjectLock(b, configuration), cancellationToken);

    /// <summary>The bucket's configuration; ObjectLockConfigurationNotFoundError when Object Lock is not enabled.</summary>
    public async Task<BucketObjectLock> GetObjectLockConfigurationAsync(string bucket, CancellationToken cancellationToken) =>
        BucketObjectLock.Of(await RequireBucketAsync(bucket, cancellationToken))
        ?? throw new S3Exception(S3Errors.ObjectLockConfigurationNotFoundError, resource: "/" + bucket) { Details = new Dictionary<string, string> { ["BucketName"] = bucket } };
}
