using ObjectStore.Lifecycle;
using ObjectStore.S3.Tests.Fakes;

namespace ObjectStore.S3.Tests;

/// <summary>RestoreObject through the handler, and the restore worker's step on the model's lifecycle actions.</summary>
public sealed class RestoreHandlerTests
{
    private readonly HandlerHarness _h = new();

    private async Task<RestoreJob> ArchiveAndRestoreAsync()
    {
        await _h.CreateBucketAsync();
        var put = await _h.SendAsync("PUT", "/bucket/cold", "archived bytes"u8.ToArray(), new Dictionary<string, string> { ["x-amz-storage-class"] = "GLACIER" });
        Assert.Equal(200, put.Status);
        var restore = await _h.SendAsync("POST", "/bucket/cold?restore", "<RestoreRequest><Days>1</Days></RestoreRequest>");
        Assert.True(restore.Status == 202, restore.Text);
        Assert.True(_h.Restores.Jobs.TryDequeue(out var job));
        return job;
    }

    [Fact]
    public async Task Restore_job_makes_the_archived_object_readable()
    {
        var job = await ArchiveAndRestoreAsync();

        Assert.Equal(LifecycleActionOutcome.Done, await _h.Actions.CompleteRestoreAsync(job, CancellationToken.None));

        var get = await _h.SendAsync("GET", "/bucket/cold");
        Assert.Equal("archived bytes", get.Text);
        Assert.StartsWith("ongoing-request=\"false\"", get.Header("x-amz-restore"));
    }

    [Fact]
    public async Task Restore_job_whose_data_went_away_is_skipped_instead_of_failing()
    {
        var job = await ArchiveAndRestoreAsync();
        _h.Data.Data.Clear(); // deleted under the job (a concurrent delete's data cleanup)

        Assert.Equal(LifecycleActionOutcome.Skipped, await _h.Actions.CompleteRestoreAsync(job, CancellationToken.None));
    }
}
