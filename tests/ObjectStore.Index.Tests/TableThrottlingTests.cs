using Azure;
using Azure.Data.Tables;
using ObjectStore.Index.Tables;
using ObjectStore.Testing;
using ObjectStore.Testing.Throttling;

namespace ObjectStore.Index.Tests;

/// <summary>
/// The Table client's retry policy (<see cref="TableRetryPolicy"/>) against Azurite behind a proxy that
/// answers 503 ServerBusy past a per-partition budget (<see cref="ThrottlingTableProxy"/>): a busy partition
/// is waited out within the retry budget, what is left becomes <see cref="IndexBusyException"/>, and a
/// conditional write refused with ServerBusy and retried is applied exactly once.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class TableThrottlingTests(AzuriteFixture azurite)
{
    private const string Partition = "bucket";

    [Fact]
    public async Task Inserts_refused_with_ServerBusy_are_retried_until_the_partition_has_budget()
    {
        await using var proxy = ThrottlingTableProxy.Start(azurite.ConnectionString, new PartitionBudget(operationsPerSecond: 4, burst: 1));
        var (throttled, direct) = await TablesAsync(proxy, TableRetrySettings.WithBudget(5000));

        for (var i = 0; i < 4; i++)
            await throttled.AddEntityAsync(new TableEntity(Partition, $"k{i}"));

        Assert.True(proxy.Budget.Refused > 0, "the budget of one operation at a time should have refused some of four back-to-back inserts");
        Assert.Equal(["k0", "k1", "k2", "k3"], await RowKeysAsync(direct));
    }

    [Fact]
    public async Task ServerBusy_past_the_retry_budget_is_IndexBusyException_and_nothing_is_applied()
    {
        await using var proxy = ThrottlingTableProxy.Start(azurite.ConnectionString, new PartitionBudget(operationsPerSecond: 0.001, burst: 1));
        var (throttled, direct) = await TablesAsync(proxy, TableRetrySettings.WithBudget(200));
        await throttled.AddEntityAsync(new TableEntity(Partition, "first"));

        var busy = await Assert.ThrowsAsync<IndexBusyException>(() => throttled.AddEntityAsync(new TableEntity(Partition, "second")));
        Assert.Equal("ServerBusy", busy.Reason);
        Assert.False(busy.OutcomeUnknown);
        Assert.True(busy.RetryAfter > TimeSpan.Zero);
        Assert.True(proxy.Budget.Refused >= 2, "the refused insert should have been retried before giving up");
        Assert.Equal(["first"], await RowKeysAsync(direct));

        var read = await Assert.ThrowsAsync<IndexBusyException>(() => throttled.GetEntityIfExistsAsync<TableEntity>(Partition, "first"));
        Assert.Equal("ServerBusy", read.Reason);
    }

    [Fact]
    public async Task Conditional_writes_retried_after_ServerBusy_are_applied_exactly_once()
    {
        await using var proxy = ThrottlingTableProxy.Start(azurite.ConnectionString, new PartitionBudget(operationsPerSecond: 5, burst: 1));
        var (throttled, direct) = await TablesAsync(proxy, TableRetrySettings.WithBudget(5000));
        await direct.AddEntityAsync(new TableEntity(Partition, "counter") { ["N"] = 0 });

        // Read-modify-write with If-Match, alone and inside an entity-group transaction with an insert: a 412
        // (a retry of an applied write) would throw here, a double application would show in N or the rows.
        for (var i = 1; i <= 3; i++)
        {
            var current = (await throttled.GetEntityAsync<TableEntity>(Partition, "counter")).Value;
            await throttled.UpdateEntityAsync(new TableEntity(Partition, "counter") { ["N"] = current.GetInt32("N") + 1 }, current.ETag, TableUpdateMode.Replace);
        }
        var last = (await throttled.GetEntityAsync<TableEntity>(Partition, "counter")).Value;
        await throttled.SubmitTransactionAsync(
        [
            new TableTransactionAction(TableTransactionActionType.UpdateReplace, new TableEntity(Partition, "counter") { ["N"] = last.GetInt32("N") + 1 }, last.ETag),
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(Partition, "added")),
        ]);

        Assert.True(proxy.Budget.Refused > 0, "back-to-back calls on one partition at one operation at a time should have been refused");
        Assert.Equal(4, (await direct.GetEntityAsync<TableEntity>(Partition, "counter")).Value.GetInt32("N"));
        Assert.Equal(["added", "counter"], await RowKeysAsync(direct));
    }

    [Fact]
    public async Task A_transaction_whose_change_set_failed_ServerBusy_is_retried_and_applied_once()
    {
        await using var proxy = ThrottlingTableProxy.Start(azurite.ConnectionString, new PartitionBudget(operationsPerSecond: 4, burst: 2));
        proxy.BusyInChangeSet = true;
        var (throttled, direct) = await TablesAsync(proxy, TableRetrySettings.WithBudget(5000));
        await direct.AddEntityAsync(new TableEntity(Partition, "counter") { ["N"] = 0 });

        for (var i = 1; i <= 3; i++)
        {
            var current = (await direct.GetEntityAsync<TableEntity>(Partition, "counter")).Value;
            await throttled.SubmitTransactionAsync(
            [
                new TableTransactionAction(TableTransactionActionType.UpdateReplace, new TableEntity(Partition, "counter") { ["N"] = current.GetInt32("N") + 1 }, current.ETag),
                new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(Partition, $"added{i}")),
            ]);
        }

        Assert.True(proxy.Budget.Refused > 0, "three two-change transactions back to back on a budget of two should have been refused");
        Assert.Equal(3, (await direct.GetEntityAsync<TableEntity>(Partition, "counter")).Value.GetInt32("N"));
        Assert.Equal(["added1", "added2", "added3", "counter"], await RowKeysAsync(direct));
    }

    [Fact]
    public async Task A_change_set_still_busy_past_the_budget_is_IndexBusyException()
    {
        await using var proxy = ThrottlingTableProxy.Start(azurite.ConnectionString, new PartitionBudget(operationsPerSecond: 0.001, burst: 1));
        proxy.BusyInChangeSet = true;
        var (throttled, direct) = await TablesAsync(proxy, TableRetrySettings.WithBudget(200));
        await throttled.AddEntityAsync(new TableEntity(Partition, "first"));

        var busy = await Assert.ThrowsAsync<IndexBusyException>(() => throttled.SubmitTransactionAsync(
        [
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(Partition, "a")),
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(Partition, "b")),
        ]));
        Assert.Equal("ServerBusy", busy.Reason);
        Assert.True(proxy.Budget.Refused >= 4, "the refused transaction should have been retried before giving up");
        Assert.Equal(["first"], await RowKeysAsync(direct));
    }

    [Fact]
    public async Task The_proxy_counts_each_partitions_point_reads_queries_rows_writes_and_transactions()
    {
        await using var proxy = ThrottlingTableProxy.Start(azurite.ConnectionString, new PartitionBudget(operationsPerSecond: 1000));
        proxy.Calls = new TableCallCounters();
        var (throttled, _) = await TablesAsync(proxy, TableRetrySettings.WithBudget(5000));

        await throttled.SubmitTransactionAsync(new[] { "1", "2", "3" }.Select(row => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("a", row))));
        await throttled.AddEntityAsync(new TableEntity("b|1", "1"));
        await throttled.GetEntityAsync<TableEntity>("a", "2");
        var rows = 0;
        await foreach (var _ in throttled.QueryAsync<TableEntity>("PartitionKey eq 'a' and RowKey ge '2'"))
            rows++;

        Assert.Equal(2, rows);
        Assert.Equal<PartitionCalls>([new PartitionCalls("a", PointReads: 1, Queries: 1, QueryRows: 2, Writes: 0, Transactions: 1, TransactionChanges: 3),
            new PartitionCalls("b|1", PointReads: 0, Queries: 0, QueryRows: 0, Writes: 1, Transactions: 0, TransactionChanges: 0)], proxy.Calls.Snapshot());
        Assert.Equal<(string, long, long)>([("a", 5L, 0L), ("b|1", 1L, 0L)], proxy.Budget.ByPartition());
    }

    [Fact]
    public void The_proxy_finds_the_partition_of_every_kind_of_Table_call()
    {
        Assert.Equal(("b'x", 1), ThrottlingTableProxy.Describe("/devstoreaccount1/t(PartitionKey='b%27%27x',RowKey='k')", []));
        Assert.Equal(("bucket", 1), ThrottlingTableProxy.Describe("/devstoreaccount1/t()?$filter=PartitionKey%20eq%20%27bucket%27%20and%20RowKey%20ge%20%27a%27", []));
        Assert.Equal(("bucket", 1), ThrottlingTableProxy.Describe("/devstoreaccount1/t", "{\"PartitionKey\":\"bucket\",\"RowKey\":\"k\"}"u8.ToArray()));
        var batch = "--cs\r\nContent-Type: application/http\r\n\r\nPOST http://h/devstoreaccount1/t HTTP/1.1\r\n\r\n{\"PartitionKey\":\"p\",\"RowKey\":\"1\"}\r\n"
            + "--cs\r\nContent-Type: application/http\r\n\r\nPUT http://h/devstoreaccount1/t(PartitionKey='p',RowKey='2') HTTP/1.1\r\n\r\n{}\r\n--cs--";
        Assert.Equal(("p", 2), ThrottlingTableProxy.Describe("/devstoreaccount1/$batch", System.Text.Encoding.UTF8.GetBytes(batch)));
        Assert.Equal((null, 1), ThrottlingTableProxy.Describe("/devstoreaccount1/Tables", []));
    }

    private async Task<(TableClient Throttled, TableClient Direct)> TablesAsync(ThrottlingTableProxy proxy, TableRetrySettings retry)
    {
        var name = UniqueNames.Table("thr");
        var direct = new TableServiceClient(azurite.ConnectionString).GetTableClient(name);
        await direct.CreateIfNotExistsAsync();
        var throttled = new TableServiceClient(proxy.Rewrite(azurite.ConnectionString), new TableClientOptions { RetryPolicy = new TableRetryPolicy(retry) })
            .GetTableClient(name);
        return (throttled, direct);
    }

    private static async Task<List<string>> RowKeysAsync(TableClient table)
    {
        var keys = new List<string>();
        await foreach (var entity in table.QueryAsync<TableEntity>(e => e.PartitionKey == Partition))
            keys.Add(entity.RowKey);
        return keys;
    }
}
