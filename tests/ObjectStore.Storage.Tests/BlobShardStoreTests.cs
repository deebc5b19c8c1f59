using System.Text;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using ObjectStore.Storage.Blob;
using ObjectStore.Testing;

namespace ObjectStore.Storage.Tests;

/// <summary>What is particular to the Blob store: the block list design, requests per shard, tiers, ETag-bound reads.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BlobShardStoreTests : IAsyncLifetime
{
    private const int InlineBytes = 8192;
    private readonly RequestCounter _requests = new();
    private readonly BlobContainerClient _container;
    private readonly BlobShardStore _store;

    public BlobShardStoreTests(AzuriteFixture azurite)
    {
        var options = new BlobClientOptions();
        options.AddPolicy(_requests, HttpPipelinePosition.PerCall);
        _container = new BlobServiceClient(azurite.ConnectionString, options).GetBlobContainerClient(UniqueNames.Container("blobstore"));
        var storeOptions = new BlobShardStoreOptions { InlineShardBytes = InlineBytes };
        storeOptions.AccessTiers["STANDARD_IA"] = "cool";
        _store = new BlobShardStore("zone-a", _container, storeOptions);
    }

    public Task InitializeAsync() => _store.EnsureContainerAsync(CancellationToken.None);

    public async Task DisposeAsync() => await _container.DeleteIfExistsAsync();

    private async Task<ShardId> WriteAsync(int blocks, int blockLength = 4096, string? storageClass = null)
    {
        var id = new ShardId(ZoneFixture.NewDataId(), 0);
        await using var writer = await _store.CreateAsync(id, new ShardWriteOptions(storageClass), CancellationToken.None);
        var header = new byte[ShardHeader.Size];
        long offset = 0;
        for (var i = 0; i < blocks; i++)
        {
            var block = ZoneFixture.RandomBytes(blockLength, seed: i);
            await writer.WriteAsync(offset, i == 0 ? [header, block] : [block], CancellationToken.None);
            offset = (offset == 0 ? ShardHeader.Size : offset) + blockLength;
        }
        new ShardHeader(id.DataId, 0, 4, 2, blockLength, 4L * blocks * blockLength, DateTimeOffset.UtcNow).WriteTo(header);
        await writer.WriteAsync(0, [header], CancellationToken.None);
        await writer.CommitAsync(CancellationToken.None);
        return id;
    }

    private BlockBlobClient Blob(ShardId id) => _container.GetBlockBlobClient(BlobShardStore.BlobName(id));

    [Fact]
    public async Task Large_shard_commits_the_header_block_first_then_data_blocks_in_offset_order()
    {
        var id = await WriteAsync(blocks: 4);

        var list = (await Blob(id).GetBlockListAsync(BlockListTypes.All)).Value;

        Assert.Empty(list.UncommittedBlocks);
        var names = list.CommittedBlocks.Select(b => Encoding.ASCII.GetString(Convert.FromBase64String(b.Name))).ToArray();
        // The first two 4 KiB blocks (8 KiB) were buffered, then staged as one when the third arrived.
        Assert.Equal(["H" + new string('0', 23), $"D{ShardHeader.Size:D23}", $"D{ShardHeader.Size + 2 * 4096:D23}", $"D{ShardHeader.Size + 3 * 4096:D23}"], names);
        Assert.Equal([ShardHeader.Size, 2 * 4096, 4096, 4096], list.CommittedBlocks.Select(b => b.SizeLong));
        var status = ShardHeader.TryParse((await Blob(id).DownloadContentAsync()).Value.Content.ToArray(), out var header);
        Assert.Equal(ShardHeaderStatus.Valid, status);
        Assert.Equal(4L * 4 * 4096, header!.Length);
    }

    [Fact]
    public async Task Small_shard_takes_one_request_and_a_large_one_a_request_per_staged_block_plus_header_and_commit()
    {
        _requests.Reset();
        await WriteAsync(blocks: 1);
        Assert.Equal(["PUT"], _requests.Methods);

        _requests.Reset();
        await WriteAsync(blocks: 4);
        // Staged: the buffered 8 KiB, blocks 3 and 4, the header; then the commit.
        Assert.Equal(5, _requests.Methods.Count);
        Assert.Equal(4, _requests.Queries.Count(q => q.Contains("comp=block&", StringComparison.Ordinal)));
        Assert.Single(_requests.Queries, q => q.Contains("comp=blocklist", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Storage_class_with_a_tier_sets_the_blob_access_tier_on_both_write_paths()
    {
        foreach (var blocks in new[] { 1, 4 })
        {
            var cool = await WriteAsync(blocks, storageClass: "STANDARD_IA");
            var plain = await WriteAsync(blocks, storageClass: "STANDARD");

            Assert.Equal(AccessTier.Cool, (await Blob(cool).GetPropertiesAsync()).Value.AccessTier);
            Assert.NotEqual(AccessTier.Cool, (await Blob(plain).GetPropertiesAsync()).Value.AccessTier);
        }
        Assert.Equal("Cool", _store.AccessTierFor("standard_ia"));
        Assert.Null(_store.AccessTierFor("STANDARD"));
    }

    [Fact]
    public async Task Reader_of_a_blob_replaced_after_opening_fails_instead_of_mixing_versions()
    {
        var id = await WriteAsync(blocks: 20); // 80 KiB: beyond what opening prefetches
        await using var reader = await _store.OpenReadAsync(id, CancellationToken.None);
        var header = new byte[ShardHeader.Size];
        Assert.Equal(ShardHeader.Size, await reader!.ReadAsync(0, header, CancellationToken.None));

        await Blob(id).UploadAsync(new MemoryStream(ZoneFixture.RandomBytes((int)reader.Length, seed: 99)));

        var error = await Assert.ThrowsAsync<RequestFailedException>(async () =>
            await reader.ReadAsync(reader.Length - 100, new byte[100], CancellationToken.None));
        Assert.Equal(412, error.Status);
    }

    [Fact]
    public async Task Opening_a_small_shard_reads_header_and_data_in_one_request_and_a_large_one_reads_on_by_range()
    {
        var small = await WriteAsync(blocks: 1);
        var large = await WriteAsync(blocks: 20);
        var expected = (await Blob(large).DownloadContentAsync()).Value.Content.ToArray();

        _requests.Reset();
        await using (var reader = await _store.OpenReadAsync(small, CancellationToken.None))
        {
            var all = new byte[reader!.Length];
            Assert.Equal(all.Length, await reader.ReadAsync(0, all, CancellationToken.None));
        }
        Assert.Equal(["GET"], _requests.Methods);

        _requests.Reset();
        await using (var reader = await _store.OpenReadAsync(large, CancellationToken.None))
        {
            var tail = new byte[4096];
            Assert.Equal(tail.Length, await reader!.ReadAsync(reader.Length - tail.Length, tail, CancellationToken.None));
            Assert.Equal(expected[^4096..], tail);
        }
        Assert.Equal(["GET", "GET"], _requests.Methods);
    }

    [Fact]
    public void Unknown_access_tier_is_rejected_at_start_up()
    {
        var options = new BlobShardStoreOptions();
        options.AccessTiers["GLACIER"] = "Frozen";

        Assert.Throws<ArgumentException>(() => new BlobShardStore("zone-a", _container, options));
    }

    /// <summary>Records each request the SDK sends (method and query).</summary>
    private sealed class RequestCounter : HttpPipelineSynchronousPolicy
    {
        private readonly List<(string Method, string Query)> _requests = [];

        public IReadOnlyList<string> Methods { get { lock (_requests) return _requests.Select(r => r.Method).ToArray(); } }
        public IReadOnlyList<string> Queries { get { lock (_requests) return _requests.Select(r => r.Query).ToArray(); } }

        public void Reset() { lock (_requests) _requests.Clear(); }

        public override void OnSendingRequest(HttpMessage message)
        {
            lock (_requests) _requests.Add((message.Request.Method.ToString(), message.Request.Uri.Query + "&"));
        }
    }
}
