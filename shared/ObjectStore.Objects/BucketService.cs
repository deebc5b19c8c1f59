using Microsoft.Extensions.Options;
using ObjectStore.Index;
using ObjectStore.Index.Events;
using ObjectStore.Lifecycle;
using ObjectStore.Objects.Errors;

namespace ObjectStore.Objects;

/// <summary>
/// Buckets: creation and deletion, their configuration documents, tags, versioning state, lifecycle
/// rules and notification configurations.
/// </summary>
internal sealed partial class BucketService(
    IObjectIndex index,
    IEventPublisher publisher,
    IOptions<S3Options> options,
    IOptions<LifecycleOptions> lifecycleOptions,
    TimeProvider time)
{
    internal const int MaxConcurrencyRetries = 5;

    private readonly RuleClock _ruleClock = lifecycleOptions.Value.Clock;

    private readonly S3Options _options = options.Value;

    /// <summary>The region where S3 answers a repeated CreateBucket of your own bucket with 200.</summary>
    private const string LegacyRegion = "us-east-1";

    private readonly BucketCache _cache = new(options.Value.BucketCacheLifetime, time);

    /// <summary>
    /// Creates a bucket in this server's region (<see cref="S3Options.Region"/>); a LocationConstraint naming another is refused.
    /// <paramref name="acl"/> (x-amz-acl, x-amz-grant-*) and <paramref name="ownership"/> (x-amz-object-ownership, else
    /// <see cref="S3Options.DefaultObjectOwnership"/>) are stored in its configuration.
    /// </summary>
    /// <param name="objectLockEnabled">x-amz-bucket-object-lock-enabled: true: versioning on and Object Lock enabled (docs/object-lock.md).</param>
    public async Task<BucketRecord> CreateBucketAsync(string name, string? region, CancellationToken cancellationToken,
        bool objectLockEnabled = false, AclRequest? acl = null, ObjectOwnership? ownership = null)
    {
        if (BucketNameRules.Validate(name) is { } reason)
            throw new S3Exception(S3Errors.InvalidBucketName, reason, "/" + name) { Details = new Dictionary<string, string> { ["BucketName"] = name } };
        if (region is not null && (region.Length > 64 || !region.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')))
            throw new S3Exception(S3Errors.InvalidLocationConstraint);
        if (region is not null && region != _options.Region)
            throw new S3Exception(S3Errors.IllegalLocationConstraintException, $"The {region} location constraint is incompatible for the region specific endpoint this request was sent to.");

        var record = new BucketRecord(name, time.GetUtcNow(), _options.Region, _options.OwnerId);
        if (_options.PublicAccessBlock == PublicAccessBlockMode.NewBuckets)
            record = record with { Configuration = new Dictionary<string, string> { [PublicAccessBlock.ConfigurationName] = PublicAccessBlock.AllOn.Serialize() } };
        if (objectLockEnabled)
            record = WithObjectLock(record);
        record = WithAccessControl(record, acl, ownership ?? _options.DefaultObjectOwnership);
        _cache.Forget(name);
        if (!await index.TryCreateBucketAsync(record, cancellationToken))
        {
            // S3: another owner's bucket is BucketAlreadyExists; your own is 409 BucketAlreadyOwnedByYou, except in
            // us-east-1, where S3 keeps its legacy answer: 200, and the bucket stays as it was.
            var existing = await index.GetBucketAsync(name, cancellationToken);
            var details = new Dictionary<string, string> { ["BucketName"] = name };
            if (existing is not null && existing.Owner != _options.OwnerId)
                throw new S3Exception(S3Errors.BucketAlreadyExists, resource: "/" + name) { Details = details };
            if (existing is not null && _options.Region == LegacyRegion)
                return existing;
            throw new S3Exception(S3Errors.BucketAlreadyOwnedByYou, resource: "/" + name) { Details = details };
        }
        return record;
    }

    public async Task DeleteBucketAsync(string name, CancellationToken cancellationToken)
    {
        _cache.Forget(name);
        var result = await index.DeleteBucketAsync(name, cancellationToken);
        _cache.Forget(name); // a request of this instance may have cached it meanwhile
        switch (result)
        {
            case IndexWriteResult.Success:
                return;
            case IndexWriteResult.NotFound:
                throw S3Errors.NoSuchBucketError(name);
            case IndexWriteResult.NotEmpty:
                throw new S3Exception(S3Errors.BucketNotEmpty, resource: "/" + name) { Details = new Dictionary<string, string> { ["BucketName"] = name } };
            default:
                throw new InvalidOperationException($"Unexpected index result {result} deleting bucket {name}.");
        }
    }

    public Task<BucketRecord> GetBucketAsync(string name, CancellationToken cancellationToken) =>
        RequireBucketAsync(name, cancellationToken);

    /// <summary>
    /// The bucket, or null when there is none (for authorization, which must not leak NoSuchBucket): the request
    /// context's one read of its bucket, served from this instance's <see cref="BucketCache"/> while it is fresh.
    /// </summary>
    public async Task<BucketRecord?> FindBucketAsync(string name, CancellationToken cancellationToken)
    {
        if (BucketNameRules.Validate(name) is not null)
            return null;
        if (_cache.TryGet(name, out var cached))
            return cached;
        var readAt = time.GetTimestamp();
        var record = await index.GetBucketAsync(name, cancellationToken);
        if (record is not null)
            _cache.Put(record, readAt);
        return record;
    }

    /// <summary>Sets (or, with null, removes) one bucket configuration document.</summary>
    public Task SetBucketConfigurationAsync(string name, string configurationName, string? document, CancellationToken cancellationToken) =>
        UpdateBucketAsync(name, b =>
        {
            var configuration = new Dictionary<string, string>(b.Configuration, StringComparer.Ordinal);
            if (document is null) configuration.Remove(configurationName);
            else configuration[configurationName] = document;
            return b with { Configuration = configuration };
        }, cancellationToken);

    public IAsyncEnumerable<BucketRecord> ListBucketsAsync(CancellationToken cancellationToken) =>
        index.ListBucketsAsync(cancellationToken);

    /// <summary>The bucket's tags; NoSuchTagSet when it has none.</summary>
    public async Task<IReadOnlyDictionary<string, string>> GetBucketTaggingAsync(string name, CancellationToken cancellationToken)
    {
        var bucket = await RequireBucketAsync(name, cancellationToken);
        if (bucket.Tags.Count == 0)
            throw new S3Exception(S3Errors.NoSuchTagSet, resource: "/" + name) { Details = new Dictionary<string, string> { ["BucketName"] = name } };
        return bucket.Tags;
    }

    public Task PutBucketTaggingAsync(string name, IReadOnlyList<KeyValuePair<string, string>> tags, CancellationToken cancellationToken)
    {
        var validated = ObjectRules.Tags(tags, ObjectRules.MaxBucketTags);
        return UpdateBucketAsync(name, b => b with { Tags = validated }, cancellationToken);
    }

    public Task DeleteBucketTaggingAsync(string name, CancellationToken cancellationToken) =>
        UpdateBucketAsync(name, b => b with { Tags = new Dictionary<string, string>() }, cancellationToken);

    /// <summary>
    /// PutBucketVersioning: "Enabled" or "Suspended" (null leaves it as it is). A bucket once versioned
    /// never goes back to unversioned, as in S3.
    /// </summary>
    public Task PutBucketVersioningAsync(string bucket, string? status, CancellationToken cancellationToken) =>
        status is null
            ? RequireBucketAsync(bucket, cancellationToken)
            : UpdateBucketAsync(bucket, b => status != BucketVersioningExtensions.Enabled && BucketObjectLock.Of(b) is not null
                ? throw new S3Exception(S3Errors.InvalidBucketState, "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.")
                : b with { Versioning = status }, cancellationToken);

    /// <summary>Read-modify-write of the bucket record under its concurrency token, retried on a race.</summary>
    private async Task UpdateBucketAsync(string name, Func<BucketRecord, BucketRecord> change, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var bucket = await RequireBucketAsync(name, cancellationToken);
            var result = await index.UpdateBucketAsync(change(bucket), cancellationToken);
            _cache.Forget(name); // this instance's own change shows at once
            switch (result)
            {
                case IndexWriteResult.Success:
                    return;
                case IndexWriteResult.NotFound:
                    throw S3Errors.NoSuchBucketError(name);
                case IndexWriteResult.ConditionFailed when attempt < MaxConcurrencyRetries:
                    continue;
                default:
                    throw new S3Exception(S3Errors.ServiceUnavailable, "The bucket is being changed concurrently; please retry.");
            }
        }
    }

    private Task<BucketRecord> RequireBucketAsync(string bucket, CancellationToken cancellationToken) => index.RequireBucketAsync(bucket, cancellationToken);
}
