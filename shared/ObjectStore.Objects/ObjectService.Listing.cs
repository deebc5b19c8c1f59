using ObjectStore.Index;

namespace ObjectStore.Objects;

/// <summary>Listings of a bucket: its objects (V1/V2) and its versions.</summary>
internal sealed partial class ObjectService
{
    /// <summary>One page of a listing; NoSuchBucket when the bucket (as the request read it) does not exist.</summary>
    public async Task<ObjectListing> ListObjectsAsync(KnownBucket bucket, ListRequest request, CancellationToken cancellationToken)
    {
        bucket.Require();
        if (request.MaxKeys == 0)
            return new ObjectListing([], [], false, null);
        return await index.ListObjectsAsync(request, cancellationToken);
    }

    /// <summary>One page of ListObjectVersions; NoSuchBucket when the bucket does not exist.</summary>
    public async Task<VersionListing> ListVersionsAsync(KnownBucket bucket, VersionListRequest request, CancellationToken cancellationToken)
    {
        bucket.Require();
        if (request.MaxKeys == 0)
            return new VersionListing([], [], false, null, null);
        return await index.ListVersionsAsync(request, cancellationToken);
    }
}
