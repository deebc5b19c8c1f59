using ObjectStore.Index;
using ObjectStore.Lifecycle;

namespace ObjectStore.S3.Tests.Lifecycle;

/// <summary>What the rules decide for a key's versions and for uploads, at a given instant.</summary>
public sealed class LifecycleEvaluatorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 10, 10, 30, 0, TimeSpan.Zero);
    private static readonly RuleClock Minute = new(TimeSpan.FromMinutes(1));

    private static LifecycleEvaluator Evaluator(string rules, RuleClock? clock = null) =>
        new(LifecycleXml.Parse("<LifecycleConfiguration>" + rules + "</LifecycleConfiguration>"), clock ?? Minute);

    private static ObjectRecord Version(string key, string id, DateTimeOffset at, long size = 100, string storageClass = "STANDARD", bool marker = false) =>
        new("b", key, id, marker ? 0 : size, marker ? "" : "\"e\"", at, storageClass, marker ? "" : "layout-" + id) { IsDeleteMarker = marker };

    [Fact]
    public void A_standard_day_rounds_to_the_next_midnight_and_a_short_day_counts_exactly()
    {
        Assert.Equal(new DateTimeOffset(2026, 3, 12, 0, 0, 0, TimeSpan.Zero), RuleClock.Standard.DueAt(T0, 1));
        Assert.Equal(T0.AddMinutes(3), Minute.DueAt(T0, 3));
    }

    [Fact]
    public void Expiration_wins_over_transitions_and_the_coldest_due_transition_is_chosen()
    {
        var evaluator = Evaluator("""
            <Rule><ID>t</ID><Filter><Prefix>d/</Prefix></Filter><Status>Enabled</Status>
              <Transition><Days>1</Days><StorageClass>STANDARD_IA</StorageClass></Transition>
              <Transition><Days>2</Days><StorageClass>GLACIER</StorageClass></Transition>
              <Expiration><Days>5</Days></Expiration></Rule>
            """);
        var v = Version("d/x", "1", T0);
        Assert.Empty(evaluator.EvaluateKey([v], false, T0.AddSeconds(59)));
        Assert.Equal(("TransitionCurrent", "STANDARD_IA"), Single(evaluator.EvaluateKey([v], false, T0.AddMinutes(1))));
        Assert.Equal(("TransitionCurrent", "GLACIER"), Single(evaluator.EvaluateKey([v], false, T0.AddMinutes(3))));
        Assert.Empty(evaluator.EvaluateKey([v with { StorageClass = "GLACIER" }], false, T0.AddMinutes(3)));
        Assert.Equal(("ExpireCurrent", (string?)null), Single(evaluator.EvaluateKey([v], false, T0.AddMinutes(5))));
        Assert.Empty(evaluator.EvaluateKey([Version("other/x", "1", T0)], false, T0.AddDays(10)));
        Assert.Equal((T0.AddMinutes(5), "t"), evaluator.ExpirationOf(v));
    }

    [Fact]
    public void Noncurrent_versions_expire_from_when_they_became_noncurrent_keeping_the_newest_ones()
    {
        var evaluator = Evaluator("""
            <Rule><ID>n</ID><Filter/><Status>Enabled</Status>
              <NoncurrentVersionExpiration><NoncurrentDays>2</NoncurrentDays><NewerNoncurrentVersions>1</NewerNoncurrentVersions></NoncurrentVersionExpiration></Rule>
            """);
        // v4 is current; v3 became noncurrent at T0+30m, v2 at T0+20m, v1 at T0+10m.
        var versions = new[] { Version("k", "4", T0.AddMinutes(30)), Version("k", "3", T0.AddMinutes(20)), Version("k", "2", T0.AddMinutes(10)), Version("k", "1", T0) };
        var at = T0.AddMinutes(12); // only v1 noncurrent for 2 minutes, but it is the 3rd newest noncurrent
        Assert.Equal(["1"], evaluator.EvaluateKey(versions, true, at).Select(a => a.Version.VersionId));
        var later = evaluator.EvaluateKey(versions, true, T0.AddHours(1)).Select(a => a.Version.VersionId).Order();
        Assert.Equal(["1", "2"], later); // v3 is the one newest noncurrent version kept
    }

    [Fact]
    public void A_delete_marker_goes_once_it_is_the_only_version_left()
    {
        var evaluator = Evaluator("""
            <Rule><ID>m</ID><Filter/><Status>Enabled</Status>
              <Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>
              <NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays></NoncurrentVersionExpiration></Rule>
            """);
        var marker = Version("k", "2", T0.AddMinutes(5), marker: true);
        var old = Version("k", "1", T0);
        Assert.Empty(evaluator.EvaluateKey([marker, old], true, T0.AddMinutes(5.5)));
        var actions = evaluator.EvaluateKey([marker, old], true, T0.AddMinutes(7));
        Assert.Equal(["ExpireNoncurrent", "RemoveExpiredDeleteMarker"], actions.Select(a => a.Kind.ToString()).Order());
        Assert.Equal(("RemoveExpiredDeleteMarker", (string?)null), Single(evaluator.EvaluateKey([marker], true, T0)));
    }

    [Fact]
    public void Filters_on_tags_and_size_and_disabled_rules_do_not_apply()
    {
        var evaluator = Evaluator("""
            <Rule><ID>big-tmp</ID><Filter><And><Prefix></Prefix><Tag><Key>tmp</Key><Value>yes</Value></Tag><ObjectSizeGreaterThan>1000</ObjectSizeGreaterThan></And></Filter>
              <Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>
            <Rule><ID>off</ID><Filter/><Status>Disabled</Status><Expiration><Days>1</Days></Expiration></Rule>
            """);
        var tags = new Dictionary<string, string> { ["tmp"] = "yes" };
        var at = T0.AddDays(1);
        Assert.Empty(evaluator.EvaluateKey([Version("k", "1", T0, size: 5000)], false, at));
        Assert.Empty(evaluator.EvaluateKey([Version("k", "1", T0, size: 500) with { Tags = tags }], false, at));
        Assert.Equal("big-tmp", evaluator.EvaluateKey([Version("k", "1", T0, size: 5000) with { Tags = tags }], false, at).Single().Rule.Id);
        Assert.True(evaluator.NeedsTags("anything"));
    }

    [Fact]
    public void Uploads_are_aborted_days_after_initiation_under_their_prefix()
    {
        var evaluator = Evaluator("<Rule><ID>a</ID><Filter><Prefix>tmp/</Prefix></Filter><Status>Enabled</Status><AbortIncompleteMultipartUpload><DaysAfterInitiation>7</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>");
        var upload = new UploadRecord("b", "tmp/x", "u1", T0, "STANDARD");
        Assert.Null(evaluator.AbortRule(upload, T0.AddMinutes(6)));
        Assert.Equal("a", evaluator.AbortRule(upload, T0.AddMinutes(7))!.Id);
        Assert.Null(evaluator.AbortRule(upload with { Key = "keep/x" }, T0.AddDays(30)));
    }

    private static (string, string?) Single(IReadOnlyList<PlannedAction> actions)
    {
        var a = Assert.Single(actions);
        return (a.Kind.ToString(), a.TargetClass);
    }
}
