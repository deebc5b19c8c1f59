using System.Diagnostics;
using System.Diagnostics.Metrics;
using ObjectStore.Index;
using ObjectStore.Lifecycle;

namespace ObjectStore.Background;

/// <summary>
/// The lifecycle actions with each one counted on the "ObjectStore.Lifecycle" meter
/// (<c>objectstore.lifecycle.actions</c>, by action and outcome: done, skipped, failed). The composition
/// puts it in front of the object model's actions, so the pass and the restore worker are both counted.
/// </summary>
public sealed class MeteredLifecycleActions : ILifecycleActions, IDisposable
{
    public const string MeterName = "ObjectStore.Lifecycle";

    private readonly ILifecycleActions _inner;
    private readonly Meter _meter;
    private readonly Counter<long> _actions;

    public MeteredLifecycleActions(ILifecycleActions inner, IMeterFactory? meterFactory = null)
    {
        _inner = inner;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _actions = _meter.CreateCounter<long>("objectstore.lifecycle.actions", "{action}", "Lifecycle actions taken, by action and outcome");
    }

    public Task<LifecycleActionOutcome> ExpireCurrentAsync(ObjectRecord latest, CancellationToken cancellationToken) =>
        CountAsync("expire_current", _inner.ExpireCurrentAsync(latest, cancellationToken));

    public Task<LifecycleActionOutcome> DeleteVersionAsync(ObjectRecord version, CancellationToken cancellationToken) =>
        CountAsync(version.IsDeleteMarker ? "remove_delete_marker" : "expire_noncurrent", _inner.DeleteVersionAsync(version, cancellationToken));

    public Task<LifecycleActionOutcome> TransitionAsync(ObjectRecord version, string storageClass, CancellationToken cancellationToken) =>
        CountAsync("transition", _inner.TransitionAsync(version, storageClass, cancellationToken));

    public Task<LifecycleActionOutcome> AbortUploadAsync(UploadRecord upload, CancellationToken cancellationToken) =>
        CountAsync("abort_upload", _inner.AbortUploadAsync(upload, cancellationToken));

    public Task<LifecycleActionOutcome> CompleteRestoreAsync(RestoreJob job, CancellationToken cancellationToken) =>
        CountAsync("complete_restore", _inner.CompleteRestoreAsync(job, cancellationToken));

    public Task<LifecycleActionOutcome> EndRestoreAsync(ObjectRecord version, CancellationToken cancellationToken) =>
        CountAsync("end_restore", _inner.EndRestoreAsync(version, cancellationToken));

    private async Task<LifecycleActionOutcome> CountAsync(string action, Task<LifecycleActionOutcome> call)
    {
        try
        {
            var outcome = await call.ConfigureAwait(false);
            _actions.Add(1, new TagList { { "action", action }, { "outcome", outcome == LifecycleActionOutcome.Done ? "done" : "skipped" } });
            return outcome;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _actions.Add(1, new TagList { { "action", action }, { "outcome", "failed" } });
            throw;
        }
    }

    public void Dispose() => _meter.Dispose();
}
