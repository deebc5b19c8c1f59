using ObjectStore.Index;

namespace ObjectStore.S3.Service;

internal sealed partial class ObjectService
{
    /// <summary>
    /// PutBucketVersioning: "Enabled" or "Suspended" (null leaves it as it is). A bucket once versioned
    /// never goes back to unversioned, as in S3.
    /// </summary>
    public Task PutBucketVersioningAsync(string bucket, string? status, CancellationToken cancellationToken) =>
        status is null
            ? RequireBucketAsync(bucket, cancellationToken)
            : UpdateBucketAsync(bucket, b => b with { Versioning = status }, cancellationToken);

    /// <summary>One page of ListObjectVersions; NoSuchBucket when the bucket does not exist.</summary>
    public async Task<VersionListing> ListVersionsAsync(VersionListRequest request, CancellationToken cancellationToken)
    {
        await RequireBucketAsync(request.Bucket, cancellationToken);
        if (request.MaxKeys == 0)
            return new VersionListing([], [], false, null, null);
        return await index.ListVersionsAsync(request, cancellationToken);
    }
}
