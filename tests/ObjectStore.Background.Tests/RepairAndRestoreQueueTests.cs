using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ObjectStore.Background.Restore;
using ObjectStore.Lifecycle;
using ObjectStore.Storage;
using ObjectStore.Testing;

namespace ObjectStore.Background.Tests;

/// <summary>The two producers besides the events relay: heal-on-read requests and accepted restores, on in-memory queues.</summary>
public sealed class RepairAndRestoreQueueTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly InMemoryMessageQueues _queues;

    public RepairAndRestoreQueueTests() => _queues = new InMemoryMessageQueues(_clock);

    private static BadShardReport Report(string dataId) =>
        new(new DataLayout(dataId, 4, 2, 65536, 1000, ["zone-a", "zone-b", "zone-c", "zone-a", "zone-b", "zone-c"], []), 1, "zone-b", ShardProblem.Missing, 0);

    private static async Task DrainedAsync(RepairHealQueue heal)
    {
        for (var i = 0; i < 200 && heal.PendingSends > 0; i++)
            await Task.Delay(10);
        Assert.Equal(0, heal.PendingSends);
    }

    [Fact]
    public async Task A_bad_shard_queues_its_layout_once_a_minute_at_most_on_a_queue_it_creates()
    {
        var heal = new RepairHealQueue(_queues, new RepairOptions { HealQueueName = "heal" }, _clock, NullLogger<RepairHealQueue>.Instance);

        heal.OnBadShard(Report("d1"));
        await DrainedAsync(heal);
        heal.OnBadShard(Report("d1"));
        await DrainedAsync(heal);

        var queued = Assert.Single(_queues.Queue("heal").Messages);
        Assert.Equal(Report("d1").Layout.Serialize(), queued.Text);
        Assert.Equal("d1", DataLayout.Parse(queued.Text).DataId);

        _clock.Advance(TimeSpan.FromMinutes(1));
        heal.OnBadShard(Report("d1"));
        await DrainedAsync(heal);
        Assert.Equal(2, _queues.Queue("heal").Messages.Count);
    }

    [Fact]
    public async Task An_accepted_restore_is_queued_as_a_job_the_restore_worker_reads()
    {
        var restores = new RestoreQueue(_queues, "restore");
        var job = new RestoreJob("bucket", "raw/a b.bin", "v1");

        await restores.EnqueueAsync(job, CancellationToken.None);

        Assert.Equal(job, RestoreJob.TryParse(Assert.Single(_queues.Queue("restore").Messages).Text));
    }
}
