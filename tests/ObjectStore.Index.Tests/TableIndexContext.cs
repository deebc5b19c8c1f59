using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using ObjectStore.Index.Tables;
using ObjectStore.Testing;

namespace ObjectStore.Index.Tests;

/// <summary>A fresh index (its own tables) on the shared Azurite, with a wire-level counter of table queries.</summary>
internal sealed class IndexTestContext
{
    private IndexTestContext(TableObjectIndex index, TableServiceClient service, QueryCounter counter)
    {
        Index = index;
        Service = service;
        Counter = counter;
    }

    public TableObjectIndex Index { get; }
    public TableServiceClient Service { get; }
    public QueryCounter Counter { get; }

    public static async Task<IndexTestContext> CreateAsync(AzuriteFixture azurite, TimeProvider? time = null)
    {
        var counter = new QueryCounter();
        var options = new TableClientOptions();
        options.AddPolicy(counter, HttpPipelinePosition.PerRetry);
        var service = new TableServiceClient(azurite.ConnectionString, options);
        var index = new TableObjectIndex(service, UniqueNames.Table("ix"), time);
        await index.InitializeAsync(CancellationToken.None);
        return new IndexTestContext(index, service, counter);
    }

    public async Task<string> CreateBucketAsync()
    {
        var name = UniqueNames.Bucket();
        Assert.True(await Index.TryCreateBucketAsync(new BucketRecord(name, DateTimeOffset.UtcNow, "us-east-1", "owner"), CancellationToken.None));
        return name;
    }

    public static ObjectRecord Record(string bucket, string key, string etag = "\"e1\"", long size = 1) =>
        new(bucket, key, "null", size, etag, new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), "STANDARD", "layout:" + key.Length);

    /// <summary>Writes rows straight through entity-group transactions (100 per batch), for large fixtures.</summary>
    public async Task BulkInsertAsync(string bucket, IEnumerable<string> keys)
    {
        var table = Service.GetTableClient(Index.ObjectsTableName);
        foreach (var chunk in keys.Chunk(100))
        {
            var actions = chunk.Select(k => new TableTransactionAction(TableTransactionActionType.Add,
                EntityMapping.ToEntity(Record(bucket, k), TableObjectIndex.RowKeyOf(k)))).ToList();
            await table.SubmitTransactionAsync(actions);
        }
    }

    /// <summary>All pages of a listing, following NextStartAfter.</summary>
    public async Task<(List<string> Entries, int Pages)> ListAllAsync(string bucket, string prefix, string? delimiter, int maxKeys)
    {
        var entries = new List<string>();
        string? startAfter = null;
        var pages = 0;
        while (true)
        {
            var page = await Index.ListObjectsAsync(new ListRequest(bucket, prefix, delimiter, startAfter, maxKeys), CancellationToken.None);
            pages++;
            entries.AddRange(Merge(page));
            Assert.True(page.Objects.Count + page.CommonPrefixes.Count <= maxKeys);
            if (!page.IsTruncated)
                return (entries, pages);
            Assert.NotNull(page.NextStartAfter);
            startAfter = page.NextStartAfter;
        }
    }

    /// <summary>Objects and prefixes of one page interleaved in S3 order.</summary>
    public static IEnumerable<string> Merge(ObjectListing page) =>
        page.Objects.Select(o => o.Key).Concat(page.CommonPrefixes).OrderBy(s => s, Utf8KeyComparer.Instance);

    /// <summary>Counts table query round trips and the entities they returned.</summary>
    internal sealed class QueryCounter : HttpPipelinePolicy
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

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            ProcessNext(message, pipeline);
            Count(message);
        }

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            await ProcessNextAsync(message, pipeline);
            Count(message);
        }

        private void Count(HttpMessage message)
        {
            if (message.Request.Method != RequestMethod.Get || !message.Request.Uri.Query.Contains("filter", StringComparison.OrdinalIgnoreCase))
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
