using Azure.Core;
using Azure.Data.Tables;
using ObjectStore.Index.Events;
using ObjectStore.Index.Tables;
using ObjectStore.Testing;

namespace ObjectStore.Index.Tests;

/// <summary>
/// What relaying outbox rows costs in Table requests: a relayed row's deletion goes through the partition's
/// group commit, so the deletions of concurrent requests (a DeleteObjects' keys each publishing its event)
/// share transactions instead of costing one request each. Table-only (a property of the layout).
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class TableOutboxCostTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset Far = DateTimeOffset.UtcNow.AddDays(1);

    private static IReadOnlyList<ObjectEvent> Events(string name) =>
        [new ObjectEvent(name, [new EventTarget("cfg", "arn:objectstore:webhook::w")]) { Region = "us-east-1", RequestId = "R1" }];

    private async Task<(TableObjectIndex Index, TableRequestLog Requests, string Bucket)> CreateAsync()
    {
        var requests = new TableRequestLog();
        var clientOptions = new TableClientOptions();
        clientOptions.AddPolicy(requests, HttpPipelinePosition.PerRetry);
        var index = new TableObjectIndex(new TableServiceClient(azurite.ConnectionString, clientOptions), UniqueNames.Table("ox"));
        await index.InitializeAsync(None);
        var bucket = UniqueNames.Bucket();
        Assert.True(await index.TryCreateBucketAsync(new BucketRecord(bucket, DateTimeOffset.UtcNow, "us-east-1", "owner"), None));
        return (index, requests, bucket);
    }

    [Fact]
    public async Task Deleting_the_relayed_rows_of_concurrent_requests_shares_transactions()
    {
        var (index, requests, bucket) = await CreateAsync();
        const int Keys = 40;
        for (var i = 0; i < Keys; i++)
            await index.PutObjectAsync(IndexTestContext.Record(bucket, $"k{i:D2}"), WriteCondition.None, BucketVersioning.Unversioned, None,
                Events(EventNames.ObjectCreatedPut));
        var rows = await index.ListOutboxAsync(bucket, Far, DateTimeOffset.UtcNow.AddMinutes(1), 100, None);
        Assert.Equal(Keys, rows.Count);

        requests.Reset();
        // As the fast path of 40 concurrent requests: each deletes its own row once its messages are queued.
        await Task.WhenAll(rows.Select(row => Task.Run(() => index.DeleteOutboxAsync([row], None))));

        var (transactions, failed, others) = requests.Counts;
        Assert.Equal((0, 0), (failed, others));
        Assert.InRange(transactions, 1, Keys / 2); // one transaction per delete would be 40
        Assert.Empty(await index.ListOutboxAsync(bucket, Far, DateTimeOffset.UtcNow.AddMinutes(1), 100, None));
    }

    [Fact]
    public async Task A_row_already_gone_fails_only_its_own_delete_and_no_caller()
    {
        var (index, requests, bucket) = await CreateAsync();
        for (var i = 0; i < 3; i++)
            await index.PutObjectAsync(IndexTestContext.Record(bucket, $"k{i}"), WriteCondition.None, BucketVersioning.Unversioned, None,
                Events(EventNames.ObjectCreatedPut));
        var rows = await index.ListOutboxAsync(bucket, Far, DateTimeOffset.UtcNow.AddMinutes(1), 10, None);
        await index.DeleteOutboxAsync([rows[0]], None); // the sweep got there first

        await index.DeleteOutboxAsync(rows, None); // one of them is gone: no exception, the others deleted

        Assert.Empty(await index.ListOutboxAsync(bucket, Far, DateTimeOffset.UtcNow.AddMinutes(1), 10, None));
    }
}
