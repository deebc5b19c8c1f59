namespace ObjectStore.Lifecycle;

public static partial class LifecycleXml
{
    /// <summary>Checks across the actions of one rule, as S3 does.</summary>
    private static void ValidateRule(LifecycleRule rule)
    {
        if (rule.Expiration is null && rule.Transitions.Count == 0 && rule.NoncurrentTransitions.Count == 0
            && rule.NoncurrentExpiration is null && rule.AbortIncompleteUploadDays is null)
            throw InvalidRequest("At least one action needs to be specified in a rule");

        var filter = rule.Filter;
        if (filter is { SizeGreaterThan: { } gt, SizeLessThan: { } lt } && gt >= lt)
            throw Invalid("'ObjectSizeLessThan' must be greater than 'ObjectSizeGreaterThan'");
        if (filter.HasTags && rule.AbortIncompleteUploadDays is not null)
            throw InvalidRequest("Tag-based filter cannot be used with AbortIncompleteMultipartUpload action");
        if (filter.HasTags && rule.Expiration is { ExpiredObjectDeleteMarker: true })
            throw InvalidRequest("Tag-based filter cannot be used with ExpiredObjectDeleteMarker action");

        CheckTransitionOrder(rule);
        CheckNoncurrentOrder(rule);
    }

    /// <summary>
    /// Transitions: by Days or all by Date (not mixed), one per class, each colder class later, and an
    /// expiration after the last transition.
    /// </summary>
    private static void CheckTransitionOrder(LifecycleRule rule)
    {
        var transitions = rule.Transitions;
        if (transitions.Count == 0)
            return;
        if (transitions.Any(t => t.Days is null) && transitions.Any(t => t.Date is null))
            throw Invalid("Found mixed 'Date' and 'Days' based Transition actions in lifecycle rule for " + Describe(rule));
        if (transitions.GroupBy(t => t.StorageClass).Any(g => g.Count() > 1))
            throw Invalid("'StorageClass' must be different for 'Transition' actions in same 'Rule' with " + Describe(rule));
        if (rule.Expiration is { } expiration)
        {
            if ((expiration.Days is not null && transitions.Any(t => t.Date is not null)) || (expiration.Date is not null && transitions.Any(t => t.Days is not null)))
                throw Invalid("Found mixed 'Date' and 'Days' based Expiration and Transition actions in lifecycle rule for " + Describe(rule));
        }

        var ordered = transitions.OrderBy(t => StorageClasses.Temperature(t.StorageClass)).ToList();
        for (var i = 1; i < ordered.Count; i++)
        {
            var (warmer, colder) = (ordered[i - 1], ordered[i]);
            var later = colder.Days is { } d ? warmer.Days < d : warmer.Date < colder.Date;
            if (!later)
                throw Invalid($"'{(colder.Days is null ? "Date" : "Days")}' in the Transition action for StorageClass {colder.StorageClass} for " +
                    $"{Describe(rule)} must be greater than '{(colder.Days is null ? "Date" : "Days")}' in the Transition action for StorageClass {warmer.StorageClass}");
        }

        if (rule.Expiration is { } e && (e.Days is not null || e.Date is not null))
        {
            var last = ordered[^1];
            var after = e.Days is { } days ? last.Days < days : last.Date < e.Date;
            if (!after)
                throw Invalid($"'{(e.Days is null ? "Date" : "Days")}' in the Expiration action for {Describe(rule)} must be greater than " +
                    $"'{(e.Days is null ? "Date" : "Days")}' in the Transition action");
        }
    }

    private static void CheckNoncurrentOrder(LifecycleRule rule)
    {
        var transitions = rule.NoncurrentTransitions;
        if (transitions.GroupBy(t => t.StorageClass).Any(g => g.Count() > 1))
            throw Invalid("'StorageClass' must be different for 'NoncurrentVersionTransition' actions in same 'Rule' with " + Describe(rule));
        var ordered = transitions.OrderBy(t => StorageClasses.Temperature(t.StorageClass)).ToList();
        for (var i = 1; i < ordered.Count; i++)
        {
            if (ordered[i - 1].NoncurrentDays >= ordered[i].NoncurrentDays)
                throw Invalid($"'NoncurrentDays' in the NoncurrentVersionTransition action for StorageClass {ordered[i].StorageClass} for {Describe(rule)} " +
                    $"must be greater than 'NoncurrentDays' in the NoncurrentVersionTransition action for StorageClass {ordered[i - 1].StorageClass}");
        }
        if (rule.NoncurrentExpiration is { } expiration && ordered.Count > 0 && ordered[^1].NoncurrentDays >= expiration.NoncurrentDays)
            throw Invalid($"'NoncurrentDays' in the NoncurrentVersionExpiration action for {Describe(rule)} must be greater than " +
                "'NoncurrentDays' in the NoncurrentVersionTransition action");
    }

    private static string Describe(LifecycleRule rule) => $"filter '({rule.Filter.Describe()})'";
}
