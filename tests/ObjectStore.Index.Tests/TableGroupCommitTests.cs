using Azure;
using Azure.Data.Tables;
using ObjectStore.Index.Tables;
using ObjectStore.Testing;

namespace ObjectStore.Index.Tests;

/// <summary>
/// The Table index's group commit on Azurite: writers queued behind a transaction in flight share the
/// next one, and a writer whose condition fails there fails alone. The first transaction is held open
/// until the others are queued, so the batch they share is known.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class TableGroupCommitTests(AzuriteFixture azurite)
{
    private const string Partition = "bucket";

    [Fact]
    public async Task An_insert_of_an_existing_row_fails_alone_and_its_batch_mates_commit()
    {
        var (table, commit, submitted, release) = await StartAsync();
        await table.AddEntityAsync(new TableEntity(Partition, "taken") { ["V"] = "first" });

        var holder = commit.TrySubmitAsync([Add("holder")], CancellationToken.None);
        await submitted.FirstCall;
        var before = commit.TrySubmitAsync([Add("a1"), Add("a2")], CancellationToken.None);
        var loser = commit.TrySubmitAsync([Add("b1"), Add("taken")], CancellationToken.None);
        var after = commit.TrySubmitAsync([Add("c1")], CancellationToken.None);
        release();

        Assert.True(await holder);
        Assert.True(await before);
        Assert.False(await loser);
        Assert.True(await after);
        Assert.Equal(["a1", "a2", "c1", "holder", "taken"], await RowKeysAsync(table));
        Assert.Equal("first", (await table.GetEntityAsync<TableEntity>(Partition, "taken")).Value.GetString("V"));
        // One transaction for the holder, one for the three queued writers (failing on b1's "taken"),
        // one for the two left.
        Assert.Equal([1, 5, 3], submitted.Sizes);
    }

    [Fact]
    public async Task A_stale_etag_fails_its_writer_alone()
    {
        var (table, commit, submitted, release) = await StartAsync();
        await table.AddEntityAsync(new TableEntity(Partition, "current") { ["V"] = "v1" });
        var stale = (await table.GetEntityAsync<TableEntity>(Partition, "current")).Value.ETag;
        await table.UpdateEntityAsync(new TableEntity(Partition, "current") { ["V"] = "v2" }, stale, TableUpdateMode.Replace);

        var holder = commit.TrySubmitAsync([Add("holder")], CancellationToken.None);
        await submitted.FirstCall;
        var loser = commit.TrySubmitAsync([new TableTransactionAction(TableTransactionActionType.UpdateReplace, new TableEntity(Partition, "current") { ["V"] = "lost" }, stale)],
            CancellationToken.None);
        var mate = commit.TrySubmitAsync([Add("mate")], CancellationToken.None);
        release();

        Assert.True(await holder);
        Assert.False(await loser);
        Assert.True(await mate);
        Assert.Equal("v2", (await table.GetEntityAsync<TableEntity>(Partition, "current")).Value.GetString("V"));
        Assert.Equal(["current", "holder", "mate"], await RowKeysAsync(table));
    }

    [Fact]
    public async Task Writers_of_the_same_row_go_in_separate_transactions_and_the_second_insert_fails()
    {
        var (table, commit, submitted, release) = await StartAsync();

        var holder = commit.TrySubmitAsync([Add("holder")], CancellationToken.None);
        await submitted.FirstCall;
        var first = commit.TrySubmitAsync([Add("same"), Add("x")], CancellationToken.None);
        var second = commit.TrySubmitAsync([Add("same"), Add("y")], CancellationToken.None);
        release();

        Assert.True(await holder);
        Assert.True(await first);
        Assert.False(await second);
        Assert.Equal(["holder", "same", "x"], await RowKeysAsync(table));
        Assert.Equal([1, 2, 2], submitted.Sizes);
    }

    [Fact]
    public async Task A_writer_cancelled_while_waiting_is_never_written()
    {
        var (table, commit, submitted, release) = await StartAsync();
        using var cancel = new CancellationTokenSource();

        var holder = commit.TrySubmitAsync([Add("holder")], CancellationToken.None);
        await submitted.FirstCall;
        var cancelled = commit.TrySubmitAsync([Add("cancelled")], cancel.Token);
        var kept = commit.TrySubmitAsync([Add("kept")], CancellationToken.None);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        release();

        Assert.True(await holder);
        Assert.True(await kept);
        Assert.Equal(["holder", "kept"], await RowKeysAsync(table));
    }

    private static TableTransactionAction Add(string rowKey) => new(TableTransactionActionType.Add, new TableEntity(Partition, rowKey) { ["V"] = rowKey });

    private static async Task<List<string>> RowKeysAsync(TableClient table)
    {
        var keys = new List<string>();
        await foreach (var row in table.QueryAsync<TableEntity>(select: ["RowKey"]))
            keys.Add(row.RowKey);
        return keys;
    }

    private async Task<(TableClient Table, TableGroupCommit Commit, Submissions Submitted, Action Release)> StartAsync()
    {
        var table = new TableServiceClient(azurite.ConnectionString).GetTableClient(UniqueNames.Table("gc"));
        await table.CreateIfNotExistsAsync();
        var submitted = new Submissions();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var commit = new TableGroupCommit(async (actions, ct) =>
        {
            if (submitted.Record(actions.Count) == 1)
                await gate.Task;
            await table.SubmitTransactionAsync(actions, ct);
        });
        return (table, commit, submitted, () => gate.TrySetResult());
    }

    /// <summary>The size of each transaction submitted, in order; FirstCall completes when the first starts.</summary>
    private sealed class Submissions
    {
        private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly List<int> _sizes = [];

        public Task FirstCall => _first.Task;

        public List<int> Sizes
        {
            get { lock (_sizes) return [.. _sizes]; }
        }

        public int Record(int size)
        {
            int count;
            lock (_sizes)
            {
                _sizes.Add(size);
                count = _sizes.Count;
            }
            _first.TrySetResult();
            return count;
        }
    }
}
