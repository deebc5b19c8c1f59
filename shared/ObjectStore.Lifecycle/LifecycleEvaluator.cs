using ObjectStore.Index;

namespace ObjectStore.Lifecycle;

public enum LifecycleActionKind
{
    /// <summary>The latest version expires: removed (unversioned) or hidden by a delete marker (versioned).</summary>
    ExpireCurrent,
    /// <summary>The latest version moves to a colder storage class.</summary>
    TransitionCurrent,
    /// <summary>A noncurrent version (or noncurrent delete marker) is deleted for good.</summary>
    ExpireNoncurrent,
    /// <summary>A noncurrent version moves to a colder storage class.</summary>
    TransitionNoncurrent,
    /// <summary>A delete marker that is the only version left of its key is removed.</summary>
    RemoveExpiredDeleteMarker,
}

/// <summary>One action the rules call for on one version.</summary>
/// <param name="TargetClass">The class a transition moves to.</param>
public sealed record PlannedAction(LifecycleActionKind Kind, LifecycleRule Rule, ObjectRecord Version, string? TargetClass = null);

/// <summary>
/// Decides what a bucket's rules do to the versions of one key (newest first, as a version listing
/// yields them) or to an upload, at a given instant. Pure: no I/O; the pass and the dry run both use it.
/// </summary>
public sealed class LifecycleEvaluator(LifecycleConfiguration configuration, RuleClock clock)
{
    private readonly LifecycleRule[] _rules = configuration.EnabledRules.ToArray();

    public RuleClock Clock => clock;

    /// <summary>True when a rule with a tag filter could apply to the key (the caller then reads the versions' tags).</summary>
    public bool NeedsTags(string key) => _rules.Any(r => r.Filter.HasTags && r.Filter.MatchesKey(key));

    public bool HasRules => _rules.Length > 0;

    /// <summary>Some enabled rule aborts incomplete multipart uploads.</summary>
    public bool HasAbortRules => _rules.Any(r => r.AbortIncompleteUploadDays is not null);

    /// <summary>
    /// The actions for one key. <paramref name="versions"/> are every version of the key, newest first;
    /// the first is the latest. Noncurrent versions are numbered from the newest (1) for
    /// NewerNoncurrentVersions, and are noncurrent since the next newer version was written.
    /// </summary>
    public IReadOnlyList<PlannedAction> EvaluateKey(IReadOnlyList<ObjectRecord> versions, bool versioned, DateTimeOffset now)
    {
        var actions = new List<PlannedAction>();
        if (versions.Count == 0 || _rules.Length == 0)
            return actions;

        var remainingNoncurrent = 0;
        for (var i = 1; i < versions.Count; i++)
        {
            var action = EvaluateNoncurrent(versions[i], rank: i, noncurrentSince: versions[i - 1].LastModified, now);
            if (action is not null)
                actions.Add(action);
            if (action?.Kind != LifecycleActionKind.ExpireNoncurrent)
                remainingNoncurrent++;
        }

        var latest = versions[0];
        if (latest.IsDeleteMarker)
        {
            if (versioned && remainingNoncurrent == 0 && ExpiredMarkerRule(latest, now) is { } rule)
                actions.Add(new PlannedAction(LifecycleActionKind.RemoveExpiredDeleteMarker, rule, latest));
        }
        else if (EvaluateCurrent(latest, now) is { } current)
        {
            actions.Add(current);
        }
        return actions;
    }

    private PlannedAction? EvaluateCurrent(ObjectRecord latest, DateTimeOffset now)
    {
        PlannedAction? transition = null;
        foreach (var rule in _rules)
        {
            if (!rule.Filter.Matches(latest.Key, latest.Size, latest.Tags))
                continue;
            if (rule.Expiration is { } e && (e.Days is { } days ? now >= clock.DueAt(latest.LastModified, days) : e.Date is { } date && now >= date))
                return new PlannedAction(LifecycleActionKind.ExpireCurrent, rule, latest);
            foreach (var t in rule.Transitions)
            {
                var due = t.Days is { } d ? clock.DueAt(latest.LastModified, d) : t.Date!.Value;
                if (now >= due && IsColder(t.StorageClass, latest.StorageClass) && (transition is null || IsColder(t.StorageClass, transition.TargetClass!)))
                    transition = new PlannedAction(LifecycleActionKind.TransitionCurrent, rule, latest, t.StorageClass);
            }
        }
        return transition;
    }

    private PlannedAction? EvaluateNoncurrent(ObjectRecord version, int rank, DateTimeOffset noncurrentSince, DateTimeOffset now)
    {
        PlannedAction? transition = null;
        foreach (var rule in _rules)
        {
            if (!MatchesVersion(rule, version))
                continue;
            if (rule.NoncurrentExpiration is { } e && now >= clock.DueAt(noncurrentSince, e.NoncurrentDays) && rank > (e.NewerNoncurrentVersions ?? 0))
                return new PlannedAction(LifecycleActionKind.ExpireNoncurrent, rule, version);
            if (version.IsDeleteMarker)
                continue;
            foreach (var t in rule.NoncurrentTransitions)
            {
                if (now >= clock.DueAt(noncurrentSince, t.NoncurrentDays) && rank > (t.NewerNoncurrentVersions ?? 0)
                    && IsColder(t.StorageClass, version.StorageClass) && (transition is null || IsColder(t.StorageClass, transition.TargetClass!)))
                    transition = new PlannedAction(LifecycleActionKind.TransitionNoncurrent, rule, version, t.StorageClass);
            }
        }
        return transition;
    }

    /// <summary>A rule that removes this delete marker once it is the only version: ExpiredObjectDeleteMarker, or Expiration Days that have passed.</summary>
    private LifecycleRule? ExpiredMarkerRule(ObjectRecord marker, DateTimeOffset now) =>
        _rules.FirstOrDefault(r => MatchesVersion(r, marker) && r.Expiration is { } e
            && (e.ExpiredObjectDeleteMarker || (e.Days is { } days && now >= clock.DueAt(marker.LastModified, days))));

    /// <summary>Delete markers have no size or tags: only rules without tag or size filters apply to them.</summary>
    private static bool MatchesVersion(LifecycleRule rule, ObjectRecord version) =>
        version.IsDeleteMarker
            ? rule.Filter.MatchesKey(version.Key) && !rule.Filter.HasTags && rule.Filter.SizeGreaterThan is null && rule.Filter.SizeLessThan is null
            : rule.Filter.Matches(version.Key, version.Size, version.Tags);

    private static bool IsColder(string target, string current) =>
        StorageClasses.Temperature(target) > StorageClasses.Temperature(current);

    /// <summary>The rule that aborts this upload now, if any (prefix filters only, as S3 allows).</summary>
    public LifecycleRule? AbortRule(UploadRecord upload, DateTimeOffset now) =>
        _rules.FirstOrDefault(r => r.AbortIncompleteUploadDays is { } days && r.Filter.MatchesKey(upload.Key) && !r.Filter.HasTags
            && now >= clock.DueAt(upload.Initiated, days));

    /// <summary>
    /// When the latest version <paramref name="latest"/> will expire under the rules, and by which rule
    /// (the x-amz-expiration header); null when no Expiration rule applies.
    /// </summary>
    public (DateTimeOffset ExpiresAt, string RuleId)? ExpirationOf(ObjectRecord latest)
    {
        (DateTimeOffset, string)? soonest = null;
        foreach (var rule in _rules)
        {
            if (rule.Expiration is not { } e || !rule.Filter.Matches(latest.Key, latest.Size, latest.Tags))
                continue;
            DateTimeOffset? at = e.Days is { } days ? clock.DueAt(latest.LastModified, days) : e.Date;
            if (at is { } value && (soonest is null || value < soonest.Value.Item1))
                soonest = (value, rule.Id);
        }
        return soonest;
    }
}
