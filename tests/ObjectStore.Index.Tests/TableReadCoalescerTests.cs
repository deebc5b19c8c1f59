using Azure.Data.Tables;
using ObjectStore.Index.Tables;
using ObjectStore.Testing;

namespace ObjectStore.Index.Tests;

/// <summary>
/// Concurrent point reads of one partition answered together (TableReadCoalescer, the read side of a
/// DeleteObjects): every read gets exactly the row a point read would, whether the keys are neighbours,
/// far apart with many rows between them, missing, or asked for twice.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class TableReadCoalescerTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Concurrent_reads_of_neighbours_and_missing_keys_get_their_own_rows()
    {
        var table = await TableWithRowsAsync(Enumerable.Range(0, 300).Select(i => $"k{i:D4}"));
        var reads = new TableReadCoalescer(table);
        var asked = Enumerable.Range(0, 200).Select(i => i % 3 == 0 ? $"k{i:D4}x" : $"k{i:D4}").Append("k0001").Append("a-before").Append("z-after").ToList();

        var rows = await Task.WhenAll(asked.Select(k => reads.ReadAsync("p", k, CancellationToken.None)));

        for (var i = 0; i < asked.Count; i++)
        {
            var exists = asked[i].StartsWith('k') && !asked[i].EndsWith('x');
            Assert.Equal(exists ? asked[i] : null, rows[i]?.RowKey);
            Assert.Equal(exists ? "v-" + asked[i] : null, rows[i]?.GetString("V"));
            if (exists)
                Assert.NotEqual(default, rows[i]!.ETag);
        }
    }

    [Fact]
    public async Task Reads_of_keys_far_apart_are_answered_past_the_range_budget()
    {
        var table = await TableWithRowsAsync(Enumerable.Range(0, 1500).Select(i => $"k{i:D4}"));
        var reads = new TableReadCoalescer(table);
        var asked = new[] { "k0000", "k0700", "k1499", "k0701x", "k1200" };

        for (var round = 0; round < 3; round++)
        {
            var rows = await Task.WhenAll(asked.Select(k => reads.ReadAsync("p", k, CancellationToken.None)));
            Assert.Equal(["k0000", "k0700", "k1499", null, "k1200"], rows.Select(r => r?.RowKey));
        }
    }

    [Fact]
    public async Task Reads_of_another_partition_never_return_its_neighbours_rows()
    {
        var table = await TableWithRowsAsync(["a", "b", "c"]);
        await table.AddEntityAsync(new TableEntity("q", "b") { ["V"] = "other" });
        var reads = new TableReadCoalescer(table);

        var rows = await Task.WhenAll(new[] { ("p", "a"), ("q", "a"), ("q", "b"), ("p", "c") }.Select(x => reads.ReadAsync(x.Item1, x.Item2, CancellationToken.None)));

        Assert.Equal(["v-a", null, "other", "v-c"], rows.Select(r => r?.GetString("V")));
    }

    private async Task<TableClient> TableWithRowsAsync(IEnumerable<string> rowKeys)
    {
        var table = new TableServiceClient(azurite.ConnectionString).GetTableClient(UniqueNames.Table("rc"));
        await table.CreateIfNotExistsAsync();
        foreach (var chunk in rowKeys.Chunk(100))
            await table.SubmitTransactionAsync(chunk.Select(k => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", k) { ["V"] = "v-" + k })));
        return table;
    }
}
