using ObjectStore.Index;
using ObjectStore.Lifecycle;

namespace ObjectStore.Background;

public sealed partial class LifecycleService
{
    private const int ListPageSize = 1000;

    /// <summary>One bucket under its lease: versions key by key, then incomplete uploads, checkpointing the cursor every batch.</summary>
    private async Task<LifecycleBucketResult> RunBucketAsync(BucketRecord bucket, DateTimeOffset? deadline, CancellationToken cancellationToken)
    {
        var counters = new LifecycleCounters();
        var held = await _scans.TryAcquireAsync(PassName, bucket.Name, Owner, _options.LeaseDuration, cancellationToken).ConfigureAwait(false);
        if (held is null)
        {
            LogLeasedElsewhere(bucket.Name);
            return new LifecycleBucketResult(bucket.Name, LifecycleBucketStatus.LeasedElsewhere, false, counters);
        }
        var resumed = held.Cursor is not null;
        if (resumed)
            LogResuming(bucket.Name);

        var walk = new BucketWalk(this, bucket, EvaluatorOf(bucket), _time.GetUtcNow(), deadline, counters, held);
        var status = await walk.RunAsync(LifecycleCursor.Parse(held.Cursor), cancellationToken).ConfigureAwait(false);
        if (status == LifecycleBucketStatus.LeaseLost)
            LogLeaseLost(bucket.Name);
        else if (status == LifecycleBucketStatus.Completed)
            await _scans.ReleaseAsync(walk.Held, completed: true, null, cancellationToken).ConfigureAwait(false);
        else
            await _scans.ReleaseAsync(walk.Held, completed: false, null, cancellationToken).ConfigureAwait(false);
        return new LifecycleBucketResult(bucket.Name, status, resumed, counters);
    }

    private LifecycleEvaluator EvaluatorOf(BucketRecord bucket)
    {
        var configuration = new LifecycleConfiguration([]);
        if (bucket.Configuration.TryGetValue(LifecycleConfiguration.ConfigurationName, out var xml))
        {
            try
            {
                configuration = LifecycleXml.Parse(xml);
            }
            catch (LifecycleConfigurationException e)
            {
                LogBadConfiguration(e, bucket.Name);
            }
        }
        return new LifecycleEvaluator(configuration, _options.Clock);
    }

    /// <summary>The state of one bucket's walk within one invocation.</summary>
    private sealed class BucketWalk(LifecycleService service, BucketRecord bucket, LifecycleEvaluator evaluator, DateTimeOffset now,
        DateTimeOffset? deadline, LifecycleCounters counters, ScanState held)
    {
        private readonly bool _versioned = bucket.VersioningState() != BucketVersioning.Unversioned;
        private int _sinceCheckpoint;

        public ScanState Held { get; private set; } = held;

        public async Task<LifecycleBucketStatus> RunAsync(LifecycleCursor cursor, CancellationToken cancellationToken)
        {
            if (cursor.Phase == LifecyclePhase.Versions)
            {
                var status = await WalkVersionsAsync(cursor.Key, cancellationToken).ConfigureAwait(false);
                if (status is not null)
                    return status.Value;
                cursor = LifecycleCursor.UploadsStart;
            }
            if (evaluator.HasAbortRules)
            {
                var status = await WalkUploadsAsync(cursor.Key, cursor.UploadId, cancellationToken).ConfigureAwait(false);
                if (status is not null)
                    return status.Value;
            }
            return LifecycleBucketStatus.Completed;
        }

        /// <summary>Null when the versions were walked to the end; otherwise why the walk stopped.</summary>
        private async Task<LifecycleBucketStatus?> WalkVersionsAsync(string? afterKey, CancellationToken cancellationToken)
        {
            string? keyMarker = afterKey, versionMarker = null;
            var group = new List<ObjectRecord>();
            while (true)
            {
                var page = await service._index.ListVersionsAsync(new VersionListRequest(bucket.Name, "", null, keyMarker, versionMarker, ListPageSize), cancellationToken).ConfigureAwait(false);
                foreach (var entry in page.Entries)
                {
                    if (group.Count > 0 && group[0].Key != entry.Version.Key)
                    {
                        var done = group[0].Key;
                        await HandleKeyAsync(group, cancellationToken).ConfigureAwait(false);
                        group.Clear();
                        if (await CheckpointIfDueAsync(LifecycleCursor.AfterKey(done), cancellationToken).ConfigureAwait(false) is { } stop)
                            return stop;
                    }
                    group.Add(entry.Version);
                }
                if (!page.IsTruncated)
                    break;
                (keyMarker, versionMarker) = (page.NextKeyMarker, page.NextVersionIdMarker);
            }
            if (group.Count > 0)
                await HandleKeyAsync(group, cancellationToken).ConfigureAwait(false);
            return null;
        }

        private async Task<LifecycleBucketStatus?> WalkUploadsAsync(string? keyMarker, string? uploadMarker, CancellationToken cancellationToken)
        {
            while (true)
            {
                var page = await service._index.ListUploadsAsync(new UploadListRequest(bucket.Name, "", null, keyMarker, uploadMarker, ListPageSize), cancellationToken).ConfigureAwait(false);
                foreach (var upload in page.Uploads)
                {
                    counters.UploadsScanned++;
                    if (evaluator.AbortRule(upload, now) is { } rule)
                    {
                        var outcome = await ActAsync("AbortIncompleteMultipartUpload", upload.Key, upload.UploadId, rule,
                            ct => service._actions.AbortUploadAsync(upload, ct), cancellationToken).ConfigureAwait(false);
                        if (outcome == LifecycleActionOutcome.Done)
                            counters.UploadsAborted++;
                    }
                    _sinceCheckpoint++;
                    if (await CheckpointIfDueAsync(LifecycleCursor.AfterUpload(upload.Key, upload.UploadId), cancellationToken).ConfigureAwait(false) is { } stop)
                        return stop;
                }
                if (!page.IsTruncated)
                    return null;
                (keyMarker, uploadMarker) = (page.NextKeyMarker, page.NextUploadIdMarker);
            }
        }

        /// <summary>Every version of one key, newest first: rules' actions, then expired restored copies.</summary>
        private async Task HandleKeyAsync(List<ObjectRecord> versions, CancellationToken cancellationToken)
        {
            counters.VersionsScanned += versions.Count;
            _sinceCheckpoint += versions.Count;
            if (evaluator.NeedsTags(versions[0].Key))
                await ReadTagsAsync(versions, cancellationToken).ConfigureAwait(false);

            var planned = evaluator.EvaluateKey(versions, _versioned, now);
            var ended = new HashSet<string>(StringComparer.Ordinal);
            // Oldest first: deleting an old version never changes when a newer one became noncurrent,
            // so a pass cut short and resumed decides exactly as an uninterrupted one.
            foreach (var action in planned.OrderByDescending(a => versions.IndexOf(a.Version)))
            {
                var version = action.Version;
                if (action.Kind == LifecycleActionKind.ExpireNoncurrent && ObjectLocks.Holds(version, now))
                {
                    // The index would refuse the delete anyway (and record no event); this saves the round trip and says why.
                    counters.HeldByObjectLock++;
                    service.LogHeldByObjectLock(bucket.Name, version.Key, version.VersionId, version.ObjectLockMode ?? "-", version.ObjectLockRetainUntil, version.ObjectLockLegalHold == true);
                    continue;
                }
                var outcome = await ActAsync(action.Kind.ToString(), version.Key, version.VersionId, action.Rule, ct => action.Kind switch
                {
                    LifecycleActionKind.ExpireCurrent => service._actions.ExpireCurrentAsync(version, ct),
                    LifecycleActionKind.ExpireNoncurrent or LifecycleActionKind.RemoveExpiredDeleteMarker => service._actions.DeleteVersionAsync(version, ct),
                    _ => service._actions.TransitionAsync(version, action.TargetClass!, ct),
                }, cancellationToken).ConfigureAwait(false);
                if (outcome != LifecycleActionOutcome.Done)
                    continue;
                switch (action.Kind)
                {
                    case LifecycleActionKind.ExpireCurrent: counters.Expired++; break;
                    case LifecycleActionKind.ExpireNoncurrent: counters.NoncurrentExpired++; ended.Add(version.VersionId); break;
                    case LifecycleActionKind.RemoveExpiredDeleteMarker: counters.DeleteMarkersRemoved++; break;
                    default: counters.Transitioned++; ended.Add(version.VersionId); break;
                }
                if (action.Kind == LifecycleActionKind.ExpireCurrent && !_versioned)
                    ended.Add(version.VersionId);
            }

            foreach (var version in versions)
            {
                if (version.RestoreRequestedAt is { } requested && now - requested > service._options.PendingRestoreRequeueAfter && !ended.Contains(version.VersionId))
                {
                    await service._restores.EnqueueAsync(new RestoreJob(bucket.Name, version.Key, version.VersionId), cancellationToken).ConfigureAwait(false);
                    counters.RestoresRequeued++;
                }
                if (version.RestoreLayout is null || version.RestoreExpiry > now || ended.Contains(version.VersionId))
                    continue;
                var outcome = await ActAsync("EndRestore", version.Key, version.VersionId, null, ct => service._actions.EndRestoreAsync(version, ct), cancellationToken).ConfigureAwait(false);
                if (outcome == LifecycleActionOutcome.Done)
                    counters.RestoresEnded++;
            }
        }

        /// <summary>Listed versions carry no tags: read them where a tag filter could apply.</summary>
        private async Task ReadTagsAsync(List<ObjectRecord> versions, CancellationToken cancellationToken)
        {
            for (var i = 0; i < versions.Count; i++)
            {
                if (versions[i].IsDeleteMarker)
                    continue;
                var full = await service._index.GetObjectAsync(bucket.Name, versions[i].Key, versions[i].VersionId, cancellationToken).ConfigureAwait(false);
                if (full is not null && full.DataLayout == versions[i].DataLayout)
                    versions[i] = versions[i] with { Tags = full.Tags };
            }
        }

        private async Task<LifecycleActionOutcome?> ActAsync(string name, string key, string versionId, LifecycleRule? rule,
            Func<CancellationToken, Task<LifecycleActionOutcome>> act, CancellationToken cancellationToken)
        {
            try
            {
                var outcome = await act(cancellationToken).ConfigureAwait(false);
                if (outcome == LifecycleActionOutcome.Skipped)
                    counters.Skipped++;
                service.LogAction(name, bucket.Name, key, versionId, rule?.Id ?? "-", outcome);
                return outcome;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                counters.Failed++;
                service.LogActionFailed(e, name, bucket.Name, key, versionId);
                return null;
            }
        }

        /// <summary>Saves the cursor once a batch is done; a stop reason when the lease is lost or time is up.</summary>
        private async Task<LifecycleBucketStatus?> CheckpointIfDueAsync(LifecycleCursor cursor, CancellationToken cancellationToken)
        {
            var timeUp = deadline is { } d && service._time.GetUtcNow() >= d;
            if (_sinceCheckpoint < service._options.BatchSize && !timeUp)
                return null;
            _sinceCheckpoint = 0;
            var next = await service._scans.CheckpointAsync(Held, cursor.ToString(), null, service._options.LeaseDuration, cancellationToken).ConfigureAwait(false);
            if (next is null)
                return LifecycleBucketStatus.LeaseLost;
            Held = next;
            return timeUp ? LifecycleBucketStatus.TimeLimit : null;
        }
    }
}
