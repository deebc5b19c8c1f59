using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using ObjectStore.Index.Tables;
using ObjectStore.Testing;

namespace ObjectStore.Index.Tests;

/// <summary>A fresh Table index (its own tables) on the shared Azurite, with a wire-level counter of table queries.</summary>
internal sealed class TableIndexContext : IndexTestContext
{
    private TableIndexContext(TableObjectIndex index, TableServiceClient service, QueryCounter counter) : base(index)
    {
        Table = index;
        Service = service;
        Counter = counter;
    }

    public TableObjectIndex Table { get; }
    public TableServiceClient Service { get; }
    public QueryCounter Counter { get; }
    public int Partitions { get; private init; } = 1;
    private string Prefix { get; init; } = "";
    private TimeProvider? Time { get; init; }

    /// <summary>Another instance over the same tables (its own caches), as a second gateway would be.</summary>
    public TableObjectIndex Sibling(TableIndexOptions options) => new(Service, Prefix, Time, options);

    /// <param name="partitions">Index partitions of every bucket the context creates (the contract holds for each count).</param>
    /// <param name="indexOptions">Routing and split settings (their DefaultPartitions is replaced by <paramref name="partitions"/>).</param>
    public static async Task<TableIndexContext> CreateAsync(AzuriteFixture azurite, TimeProvider? time = null, int partitions = 1, TableIndexOptions? indexOptions = null)
    {
        var counter = new QueryCounter();
        var options = new TableClientOptions();
        options.AddPolicy(counter, HttpPipelinePosition.PerRetry);
        var service = new TableServiceClient(azurite.ConnectionString, options);
        var prefix = UniqueNames.Table("ix");
        var index = new TableObjectIndex(service, prefix, time, (indexOptions ?? new TableIndexOptions()) with { DefaultPartitions = partitions });
        await index.InitializeAsync(CancellationToken.None);
        return new TableIndexContext(index, service, counter) { Partitions = partitions, Prefix = prefix, Time = time };
    }

    /// <summary>Writes rows straight through entity-group transactions (100 per batch), for large fixtures.</summary>
    public override async Task BulkInsertAsync(string bucket, IEnumerable<string> keys)
    {
        var table = Service.GetTableClient(Table.ObjectsTableName);
        // Each key in its partition, as the index routes it (a transaction holds one partition's rows).
        var byPartition = keys.GroupBy(k => IndexPartitions.PartitionKey(bucket, IndexPartitions.IndexOf(KeySpreading.HashOf(k), Partitions)));
        foreach (var partition in byPartition)
        {
            foreach (var chunk in partition.Chunk(100))
            {
                var actions = chunk.Select(k =>
                {
                    var entity = EntityMapping.ToEntity(Record(bucket, k), TableObjectIndex.RowKeyOf(k));
                    entity.PartitionKey = partition.Key;
                    return new TableTransactionAction(TableTransactionActionType.Add, entity);
                }).ToList();
                await table.SubmitTransactionAsync(actions);
            }
        }
    }

    /// <summary>Counts table query round trips and the entities they returned.</summary>
    internal sealed class QueryCounter : CountingPolicy
    {
        private int _queries;
        private int _entities;
        public int Queries => _queries;
        public int Entities => _entities;

        public void Reset()
        {
            Interlocked.Exchange(ref _queries, 0);
            Interlocked.Exchange(ref _entities, 0);
        }

        protected override void Count(HttpMessage message)
        {
            // Object-table queries only: a bucket's routing read (buckets table, cached per instance) is not a listing's cost.
            if (message.Request.Method != RequestMethod.Get || !message.Request.Uri.Query.Contains("filter", StringComparison.OrdinalIgnoreCase)
                || message.Request.Uri.Path.Contains("Buckets", StringComparison.Ordinal))
                return;
            Interlocked.Increment(ref _queries);
            if (message.Response.Content is { } content && content.ToMemory().Length > 0)
            {
                using var json = JsonDocument.Parse(content.ToMemory());
                if (json.RootElement.TryGetProperty("value", out var values))
                    Interlocked.Add(ref _entities, values.GetArrayLength());
            }
        }
    }
}
