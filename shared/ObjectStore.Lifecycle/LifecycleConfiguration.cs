namespace ObjectStore.Lifecycle;

/// <summary>A bucket's lifecycle configuration, parsed and validated (<see cref="LifecycleXml.Parse"/>).</summary>
public sealed record LifecycleConfiguration(IReadOnlyList<LifecycleRule> Rules)
{
    /// <summary>The name of the bucket configuration document (<c>BucketRecord.Configuration["lifecycle"]</c>).</summary>
    public const string ConfigurationName = "lifecycle";

    public const int MaxRules = 1000;

    public IEnumerable<LifecycleRule> EnabledRules => Rules.Where(r => r.Enabled);
}

/// <param name="Id">The rule's ID (S3 makes one up when absent; so do we).</param>
/// <param name="AbortIncompleteUploadDays">AbortIncompleteMultipartUpload/DaysAfterInitiation.</param>
public sealed record LifecycleRule(
    string Id,
    bool Enabled,
    LifecycleFilter Filter,
    ExpirationAction? Expiration,
    IReadOnlyList<TransitionAction> Transitions,
    IReadOnlyList<NoncurrentTransitionAction> NoncurrentTransitions,
    NoncurrentExpirationAction? NoncurrentExpiration,
    int? AbortIncompleteUploadDays)
{
    public bool HasCurrentVersionActions => Expiration is { Days: not null } or { Date: not null } || Transitions.Count > 0;
    public bool HasNoncurrentActions => NoncurrentExpiration is not null || NoncurrentTransitions.Count > 0;
}

/// <summary>
/// Which objects a rule applies to: all of prefix, tags and size bounds must hold (Filter/And, or a
/// single Prefix, Tag or size element; the legacy rule-level Prefix is the same as a Prefix filter).
/// </summary>
public sealed record LifecycleFilter(string Prefix, IReadOnlyDictionary<string, string> Tags, long? SizeGreaterThan, long? SizeLessThan)
{
    public static readonly LifecycleFilter Everything = new("", new Dictionary<string, string>(), null, null);

    public bool HasTags => Tags.Count > 0;

    public bool MatchesKey(string key) => key.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>True when an object of this key, size and tags is in the rule's scope.</summary>
    public bool Matches(string key, long size, IReadOnlyDictionary<string, string> tags)
    {
        if (!MatchesKey(key)) return false;
        if (SizeGreaterThan is { } gt && size <= gt) return false;
        if (SizeLessThan is { } lt && size >= lt) return false;
        foreach (var (name, value) in Tags)
        {
            if (!tags.TryGetValue(name, out var actual) || actual != value) return false;
        }
        return true;
    }

    /// <summary>A short description for reports, e.g. <c>prefix=logs/ tag:env=dev</c>.</summary>
    public string Describe()
    {
        var parts = new List<string> { $"prefix={(Prefix.Length == 0 ? "(all)" : Prefix)}" };
        parts.AddRange(Tags.Select(t => $"tag:{t.Key}={t.Value}"));
        if (SizeGreaterThan is { } gt) parts.Add($"size>{gt}");
        if (SizeLessThan is { } lt) parts.Add($"size<{lt}");
        return string.Join(' ', parts);
    }
}

/// <param name="Days">Days after creation.</param>
/// <param name="Date">A midnight UTC after which objects expire.</param>
/// <param name="ExpiredObjectDeleteMarker">Remove a delete marker that is the only version left of its key.</param>
public sealed record ExpirationAction(int? Days, DateTimeOffset? Date, bool ExpiredObjectDeleteMarker);

public sealed record TransitionAction(int? Days, DateTimeOffset? Date, string StorageClass);

/// <param name="NewerNoncurrentVersions">This many newest noncurrent versions are kept regardless of age.</param>
public sealed record NoncurrentTransitionAction(int NoncurrentDays, string StorageClass, int? NewerNoncurrentVersions);

/// <param name="NewerNoncurrentVersions">This many newest noncurrent versions are kept regardless of age.</param>
public sealed record NoncurrentExpirationAction(int NoncurrentDays, int? NewerNoncurrentVersions);

/// <summary>Why a lifecycle document was refused, in S3's terms (the protocol layer maps the kind to its error code).</summary>
public enum LifecycleErrorKind { MalformedXML, InvalidArgument, InvalidRequest }

public sealed class LifecycleConfigurationException(LifecycleErrorKind kind, string message) : Exception(message)
{
    public LifecycleErrorKind Kind { get; } = kind;
}
