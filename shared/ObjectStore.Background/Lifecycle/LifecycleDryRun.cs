using Microsoft.Extensions.Options;
using ObjectStore.Index;
using ObjectStore.Lifecycle;
using ObjectStore.Storage;

namespace ObjectStore.Background;

/// <summary>
/// Evaluates a bucket's rules, or a proposed rule set, against its versions and incomplete uploads
/// without acting: per rule and action, how many objects, versions and uploads and how many bytes;
/// stored bytes per storage class (erasure overhead and noncurrent versions included) and the
/// monthly cost, before and after one pass at the evaluation time.
/// </summary>
public sealed partial class LifecycleDryRun(
    IObjectIndex index,
    IOptions<LifecycleOptions> lifecycle,
    IOptions<ErasureDataStoreOptions> storage,
    IOptions<LifecycleCostOptions> costs,
    TimeProvider time)
{
    private const int PageSize = 1000;

    /// <param name="rulesXml">A proposed LifecycleConfiguration; null evaluates the bucket's own rules.</param>
    /// <param name="afterDays">Evaluate this many rule days from now (0: now).</param>
    public async Task<DryRunReport?> RunAsync(string bucketName, string? rulesXml, int afterDays, CancellationToken cancellationToken)
    {
        var bucket = await index.GetBucketAsync(bucketName, cancellationToken).ConfigureAwait(false);
        if (bucket is null)
            return null;
        LifecycleConfiguration configuration;
        if (rulesXml is not null)
            configuration = LifecycleXml.Parse(rulesXml);
        else if (bucket.Configuration.TryGetValue(LifecycleConfiguration.ConfigurationName, out var stored))
            configuration = LifecycleXml.Parse(stored);
        else
            configuration = new LifecycleConfiguration([]);

        var options = lifecycle.Value;
        var at = time.GetUtcNow() + options.DayLength * afterDays;
        var evaluator = new LifecycleEvaluator(configuration, options.Clock);
        var tally = new Tally(configuration);
        await TallyVersionsAsync(bucket, evaluator, at, tally, cancellationToken).ConfigureAwait(false);
        await TallyUploadsAsync(bucket, evaluator, at, tally, cancellationToken).ConfigureAwait(false);
        return tally.ToReport(bucket.Name, at, options.DayLength, rulesXml is null ? "bucket" : "proposed", ProfileOf, costs.Value);
    }

    private async Task TallyVersionsAsync(BucketRecord bucket, LifecycleEvaluator evaluator, DateTimeOffset at, Tally tally, CancellationToken cancellationToken)
    {
        var versioned = bucket.VersioningState() != BucketVersioning.Unversioned;
        string? keyMarker = null, versionMarker = null;
        var group = new List<ObjectRecord>();
        while (true)
        {
            var page = await index.ListVersionsAsync(new VersionListRequest(bucket.Name, "", null, keyMarker, versionMarker, PageSize), cancellationToken).ConfigureAwait(false);
            foreach (var entry in page.Entries)
            {
                if (group.Count > 0 && group[0].Key != entry.Version.Key)
                {
                    await TallyKeyAsync(bucket, group, evaluator, versioned, at, tally, cancellationToken).ConfigureAwait(false);
                    group.Clear();
                }
                group.Add(entry.Version);
            }
            if (!page.IsTruncated)
                break;
            (keyMarker, versionMarker) = (page.NextKeyMarker, page.NextVersionIdMarker);
        }
        if (group.Count > 0)
            await TallyKeyAsync(bucket, group, evaluator, versioned, at, tally, cancellationToken).ConfigureAwait(false);
    }

    private async Task TallyKeyAsync(BucketRecord bucket, List<ObjectRecord> versions, LifecycleEvaluator evaluator, bool versioned, DateTimeOffset at,
        Tally tally, CancellationToken cancellationToken)
    {
        if (evaluator.NeedsTags(versions[0].Key))
        {
            for (var i = 0; i < versions.Count; i++)
            {
                if (versions[i].IsDeleteMarker) continue;
                if (await index.GetObjectAsync(bucket.Name, versions[i].Key, versions[i].VersionId, cancellationToken).ConfigureAwait(false) is { } full)
                    versions[i] = versions[i] with { Tags = full.Tags };
            }
        }
        var planned = evaluator.EvaluateKey(versions, versioned, at).ToDictionary(a => a.Version.VersionId, StringComparer.Ordinal);
        for (var i = 0; i < versions.Count; i++)
        {
            var version = versions[i];
            var current = i == 0;
            planned.TryGetValue(version.VersionId, out var action);
            if (!version.IsDeleteMarker)
                tally.Before(version.StorageClass, current, version.Size);
            if (action is null)
            {
                if (!version.IsDeleteMarker)
                    tally.After(version.StorageClass, current, version.Size);
                continue;
            }
            switch (action.Kind)
            {
                case LifecycleActionKind.ExpireCurrent:
                    tally.Action(action.Rule, "Expiration", objects: 1, bytes: version.Size);
                    if (versioned)
                        tally.After(version.StorageClass, current: false, version.Size); // a delete marker hides it; it stays as noncurrent
                    break;
                case LifecycleActionKind.ExpireNoncurrent when ObjectLocks.Holds(version, at):
                    tally.HeldByLock(version);
                    tally.After(version.StorageClass, current, version.Size);
                    break;
                case LifecycleActionKind.ExpireNoncurrent:
                    tally.Action(action.Rule, "NoncurrentVersionExpiration", versions: 1, bytes: version.Size);
                    break;
                case LifecycleActionKind.RemoveExpiredDeleteMarker:
                    tally.Action(action.Rule, "ExpiredObjectDeleteMarker", versions: 1, bytes: 0);
                    break;
                case LifecycleActionKind.TransitionCurrent:
                    tally.Action(action.Rule, "Transition to " + action.TargetClass, objects: 1, bytes: version.Size);
                    tally.After(action.TargetClass!, current, version.Size);
                    break;
                case LifecycleActionKind.TransitionNoncurrent:
                    tally.Action(action.Rule, "NoncurrentVersionTransition to " + action.TargetClass, versions: 1, bytes: version.Size);
                    tally.After(action.TargetClass!, current, version.Size);
                    break;
            }
        }
    }

    private async Task TallyUploadsAsync(BucketRecord bucket, LifecycleEvaluator evaluator, DateTimeOffset at, Tally tally, CancellationToken cancellationToken)
    {
        string? keyMarker = null, uploadMarker = null;
        while (true)
        {
            var page = await index.ListUploadsAsync(new UploadListRequest(bucket.Name, "", null, keyMarker, uploadMarker, PageSize), cancellationToken).ConfigureAwait(false);
            foreach (var upload in page.Uploads)
            {
                long bytes = 0;
                await foreach (var part in index.ListPartsAsync(bucket.Name, upload.UploadId, 0, cancellationToken).ConfigureAwait(false))
                    bytes += part.Size;
                tally.BeforeUpload(upload.StorageClass, bytes);
                if (evaluator.AbortRule(upload, at) is { } rule)
                    tally.Action(rule, "AbortIncompleteMultipartUpload", uploads: 1, bytes: bytes);
                else
                    tally.AfterUpload(upload.StorageClass, bytes);
            }
            if (!page.IsTruncated)
                return;
            (keyMarker, uploadMarker) = (page.NextKeyMarker, page.NextUploadIdMarker);
        }
    }

    /// <summary>The class's erasure profile as configured (unlisted classes use STANDARD's, as the data store does).</summary>
    private (int K, int M) ProfileOf(string storageClass)
    {
        var classes = storage.Value.StorageClasses;
        var text = classes.TryGetValue(storageClass, out var p) ? p : classes.TryGetValue(StorageClasses.Standard, out var s) ? s : "4+2";
        var profile = Erasure.ErasureProfile.Parse(text);
        return (profile.DataShards, profile.ParityShards);
    }
}
