using Azure.Data.Tables;
using ObjectStore.Index.Tables;
using ObjectStore.Testing;

namespace ObjectStore.Index.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class ScanStateTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    private async Task<(TableScanStateStore Store, ManualClock Clock)> CreateAsync()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero));
        var store = new TableScanStateStore(new TableServiceClient(azurite.ConnectionString), UniqueNames.Table("scan"), clock);
        await store.InitializeAsync(None);
        return (store, clock);
    }

    [Fact]
    public async Task A_second_owner_is_refused_while_the_lease_holds_and_takes_over_once_it_expires()
    {
        var (store, clock) = await CreateAsync();
        var first = await store.TryAcquireAsync("repair", "photos", "instance-1", Lease, None);
        Assert.NotNull(first);
        Assert.Equal("instance-1", first.LeaseOwner);
        Assert.Null(first.Cursor);

        Assert.Null(await store.TryAcquireAsync("repair", "photos", "instance-2", Lease, None));
        Assert.NotNull(await store.TryAcquireAsync("repair", "other-bucket", "instance-2", Lease, None));

        clock.Advance(Lease + TimeSpan.FromSeconds(1));
        var second = await store.TryAcquireAsync("repair", "photos", "instance-2", Lease, None);
        Assert.NotNull(second);
        Assert.Equal("instance-2", second.LeaseOwner);

        // The first owner's stale state can no longer write.
        Assert.Null(await store.CheckpointAsync(first, "a/b", null, Lease, None));
        Assert.False(await store.ReleaseAsync(first, completed: true, null, None));
    }

    [Fact]
    public async Task A_checkpointed_cursor_is_resumed_by_the_next_owner_and_cleared_on_completion()
    {
        var (store, clock) = await CreateAsync();
        var held = await store.TryAcquireAsync("lifecycle", "photos", "instance-1", Lease, None);
        Assert.NotNull(held);
        held = await store.CheckpointAsync(held, "datasets/0042", new Dictionary<string, string> { ["expired"] = "7" }, Lease, None);
        Assert.NotNull(held);
        held = await store.CheckpointAsync(held, "datasets/0099", null, Lease, None);
        Assert.NotNull(held);
        // The holder stops without releasing (a timed-out invocation); after expiry another resumes.
        clock.Advance(Lease * 2);
        var resumed = await store.TryAcquireAsync("lifecycle", "photos", "instance-2", Lease, None);
        Assert.NotNull(resumed);
        Assert.Equal("datasets/0099", resumed.Cursor);
        Assert.Equal("7", resumed.Data["expired"]);

        Assert.True(await store.ReleaseAsync(resumed, completed: true, new Dictionary<string, string> { ["expired"] = "9" }, None));
        var done = await store.GetAsync("lifecycle", "photos", None);
        Assert.NotNull(done);
        Assert.Null(done.Cursor);
        Assert.Null(done.LeaseOwner);
        Assert.Equal(clock.GetUtcNow(), done.LastCompletedAt);
        Assert.Equal("9", done.Data["expired"]);

        // Released: anyone may take it at once, and the saved data stays.
        var again = await store.TryAcquireAsync("lifecycle", "photos", "instance-3", Lease, None);
        Assert.NotNull(again);
        Assert.Equal("9", again.Data["expired"]);
    }

    [Fact]
    public async Task Only_one_of_many_racing_owners_gets_a_fresh_lease()
    {
        var (store, _) = await CreateAsync();
        var attempts = Enumerable.Range(0, 8).Select(i => store.TryAcquireAsync("repair", ScanState.WholeStore, $"instance-{i}", Lease, None));
        var results = await Task.WhenAll(attempts);
        Assert.Single(results, r => r is not null);

        var listed = new List<ScanState>();
        await foreach (var state in store.ListAsync("repair", None))
            listed.Add(state);
        Assert.Single(listed);
        Assert.Equal(results.Single(r => r is not null)!.LeaseOwner, listed[0].LeaseOwner);
    }

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;
        public override DateTimeOffset GetUtcNow() => _now;
        public void Advance(TimeSpan by) => _now += by;
    }
}
