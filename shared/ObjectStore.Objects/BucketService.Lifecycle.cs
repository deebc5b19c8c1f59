using System.Collections.Concurrent;
using ObjectStore.Index;
using ObjectStore.Lifecycle;
using ObjectStore.Objects.Errors;

namespace ObjectStore.Objects;

/// <summary>
/// Bucket lifecycle configuration (stored as sent in <c>BucketRecord.Configuration["lifecycle"]</c>
/// after S3's validation) and what it means for single requests: x-amz-expiration.
/// </summary>
internal sealed partial class BucketService
{
    /// <summary>How long a bucket's parsed rules are reused for x-amz-expiration on GET/HEAD before the bucket is read again.</summary>
    private static readonly TimeSpan RulesCacheLifetime = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, (LifecycleEvaluator? Evaluator, long ReadAt)> _rulesCache = new(StringComparer.Ordinal);

    /// <summary>Validates the document as S3 does (MalformedXML, InvalidArgument, InvalidRequest) and stores it.</summary>
    public async Task PutBucketLifecycleAsync(string bucket, string xml, CancellationToken cancellationToken)
    {
        ParseLifecycle(xml);
        // S3 gives a rule sent without an ID a generated one, kept in the stored and returned document.
        xml = LifecycleXml.AssignMissingRuleIds(xml, () => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(36)));
        await UpdateBucketAsync(bucket, b => b with { Configuration = WithConfiguration(b.Configuration, LifecycleConfiguration.ConfigurationName, xml) }, cancellationToken);
        _rulesCache.TryRemove(bucket, out _);
    }

    /// <summary>The stored document; NoSuchLifecycleConfiguration when there is none.</summary>
    public async Task<string> GetBucketLifecycleAsync(string bucket, CancellationToken cancellationToken)
    {
        var record = await RequireBucketAsync(bucket, cancellationToken);
        return record.Configuration.TryGetValue(LifecycleConfiguration.ConfigurationName, out var xml)
            ? xml
            : throw new S3Exception(S3Errors.NoSuchLifecycleConfiguration, resource: "/" + bucket) { Details = new Dictionary<string, string> { ["BucketName"] = bucket } };
    }

    public async Task DeleteBucketLifecycleAsync(string bucket, CancellationToken cancellationToken)
    {
        await UpdateBucketAsync(bucket, b => b with { Configuration = WithConfiguration(b.Configuration, LifecycleConfiguration.ConfigurationName, null) }, cancellationToken);
        _rulesCache.TryRemove(bucket, out _);
    }

    /// <summary>Parses a lifecycle document, turning a refusal into the S3 error of its kind.</summary>
    public static LifecycleConfiguration ParseLifecycle(string xml)
    {
        try
        {
            return LifecycleXml.Parse(xml);
        }
        catch (LifecycleConfigurationException e)
        {
            var code = e.Kind switch
            {
                LifecycleErrorKind.MalformedXML => S3Errors.MalformedXML,
                LifecycleErrorKind.InvalidRequest => S3Errors.InvalidRequest,
                _ => S3Errors.InvalidArgument,
            };
            throw new S3Exception(code, e.Message);
        }
    }

    private static Dictionary<string, string> WithConfiguration(IReadOnlyDictionary<string, string> configuration, string name, string? value)
    {
        var copy = new Dictionary<string, string>(configuration, StringComparer.Ordinal);
        if (value is null) copy.Remove(name);
        else copy[name] = value;
        return copy;
    }

    /// <summary>
    /// The x-amz-expiration value for the latest version <paramref name="record"/>
    /// (<c>expiry-date="…", rule-id="…"</c>), or null when no Expiration rule applies.
    /// <paramref name="bucket"/> is the bucket record when the caller has it; otherwise the rules come
    /// from a short-lived per-bucket cache.
    /// </summary>
    public async Task<string?> ExpirationHeaderAsync(ObjectRecord record, BucketRecord? bucket, CancellationToken cancellationToken)
    {
        if (record.IsDeleteMarker)
            return null;
        var evaluator = bucket is not null ? EvaluatorOf(bucket) : await CachedEvaluatorAsync(record.Bucket, cancellationToken);
        if (evaluator?.ExpirationOf(record) is not { } expiration)
            return null;
        var date = expiration.ExpiresAt.UtcDateTime.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        return $"expiry-date=\"{date}\", rule-id=\"{expiration.RuleId}\"";
    }

    private async Task<LifecycleEvaluator?> CachedEvaluatorAsync(string bucket, CancellationToken cancellationToken)
    {
        var now = time.GetTimestamp();
        if (_rulesCache.TryGetValue(bucket, out var cached) && time.GetElapsedTime(cached.ReadAt, now) < RulesCacheLifetime)
            return cached.Evaluator;
        var record = await FindBucketAsync(bucket, cancellationToken); // this instance's cached bucket record
        var evaluator = record is null ? null : EvaluatorOf(record);
        _rulesCache[bucket] = (evaluator, now);
        return evaluator;
    }

    private LifecycleEvaluator? EvaluatorOf(BucketRecord bucket)
    {
        if (!bucket.Configuration.TryGetValue(LifecycleConfiguration.ConfigurationName, out var xml))
            return null;
        try
        {
            return new LifecycleEvaluator(LifecycleXml.Parse(xml), _ruleClock);
        }
        catch (LifecycleConfigurationException)
        {
            return null; // validated when stored; a document that no longer parses applies no rules
        }
    }
}
