namespace ObjectStore.Objects;

/// <summary>How the server-wide public access block setting applies (OBJECTSTORE_PUBLIC_ACCESS_BLOCK).</summary>
public enum PublicAccessBlockMode
{
    /// <summary>New buckets start with all four settings on (as S3 does for new buckets); their owner may change that.</summary>
    NewBuckets,
    /// <summary>All four settings are on for every bucket, whatever the bucket's own configuration says.</summary>
    Enforce,
    /// <summary>New buckets start with no public access block.</summary>
    Off,
}

/// <summary>A bucket's PublicAccessBlockConfiguration, stored in BucketRecord.Configuration["publicAccessBlock"].</summary>
public sealed record PublicAccessBlock(bool BlockPublicAcls, bool IgnorePublicAcls, bool BlockPublicPolicy, bool RestrictPublicBuckets)
{
    public const string ConfigurationName = "publicAccessBlock";

    public static PublicAccessBlock AllOn { get; } = new(true, true, true, true);
    public static PublicAccessBlock None { get; } = new(false, false, false, false);

    /// <summary>Compact storage form: "BlockPublicAcls=true;IgnorePublicAcls=...".</summary>
    public string Serialize() =>
        $"BlockPublicAcls={B(BlockPublicAcls)};IgnorePublicAcls={B(IgnorePublicAcls)};BlockPublicPolicy={B(BlockPublicPolicy)};RestrictPublicBuckets={B(RestrictPublicBuckets)}";

    public static PublicAccessBlock Parse(string stored)
    {
        var values = stored.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1] == "true", StringComparer.Ordinal);
        bool Get(string name) => values.TryGetValue(name, out var v) && v;
        return new(Get(nameof(BlockPublicAcls)), Get(nameof(IgnorePublicAcls)), Get(nameof(BlockPublicPolicy)), Get(nameof(RestrictPublicBuckets)));
    }

    /// <summary>The bucket's own configuration, if any (null: none was put, or it was deleted).</summary>
    public static PublicAccessBlock? OfBucket(IReadOnlyDictionary<string, string> configuration) =>
        configuration.TryGetValue(ConfigurationName, out var stored) ? Parse(stored) : null;

    /// <summary>What governs the bucket: its own configuration, widened by an enforced server-wide block.</summary>
    public static PublicAccessBlock Effective(IReadOnlyDictionary<string, string> configuration, PublicAccessBlockMode mode) =>
        mode == PublicAccessBlockMode.Enforce ? AllOn : OfBucket(configuration) ?? None;

    private static string B(bool value) => value ? "true" : "false";
}
