using ObjectStore.Index;
using ObjectStore.Objects.Errors;

namespace ObjectStore.Objects;

/// <summary>Reads of the index every object service makes the same way.</summary>
internal static class IndexExtensions
{
    /// <summary>The bucket record; NoSuchBucket when there is none.</summary>
    public static async Task<BucketRecord> RequireBucketAsync(this IObjectIndex index, string bucket, CancellationToken cancellationToken) =>
        await index.GetBucketAsync(bucket, cancellationToken) ?? throw S3Errors.NoSuchBucketError(bucket);
}
