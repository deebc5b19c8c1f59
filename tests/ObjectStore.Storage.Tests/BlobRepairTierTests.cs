using Azure.Storage.Blobs.Models;
using ObjectStore.Storage.Blob;

namespace ObjectStore.Storage.Tests;

/// <summary>A shard rebuilt into a Blob zone lands in its storage class's access tier, as a write puts it.</summary>
[Collection(ObjectStore.Testing.AzuriteCollection.Name)]
public sealed class BlobRepairTierTests(ObjectStore.Testing.AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly ZoneFixture _zones = new(new BlobZoneBackend(azurite)); // STANDARD_IA → Cool

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _zones.DisposeAsync();

    [Theory]
    [InlineData("STANDARD_IA", true)]
    [InlineData("STANDARD", false)]
    public async Task A_rebuilt_shard_gets_the_access_tier_of_the_datas_storage_class(string storageClass, bool cool)
    {
        var data = ZoneFixture.RandomBytes(3 * ZoneFixture.BlockSize * 4 + 5);
        var stored = await _zones.WriteAsync(data, storageClass: storageClass);
        Assert.Equal(cool, await IsCoolAsync(stored.Layout, 1));
        Assert.True(await _zones.DeleteShardAsync(stored.Layout, 1));

        var result = await _zones.Store.VerifyAndRepairAsync(stored.Layout, DataCheckMode.Quick, storageClass, CancellationToken.None);

        Assert.Equal((1, DataHealth.Healthy), (result.Repaired, result.Health));
        Assert.Equal(cool, await IsCoolAsync(stored.Layout, 1));
        Assert.Equal(data, await _zones.ReadAsync(stored.Layout));
    }

    private async Task<bool> IsCoolAsync(DataLayout layout, int shardIndex)
    {
        var zone = (BlobShardStore)_zones.ZoneOf(layout, shardIndex);
        BlobProperties properties = await zone.Container.GetBlobClient(BlobShardStore.BlobName(new ShardId(layout.DataId, shardIndex))).GetPropertiesAsync();
        return properties.AccessTier == AccessTier.Cool;
    }
}
