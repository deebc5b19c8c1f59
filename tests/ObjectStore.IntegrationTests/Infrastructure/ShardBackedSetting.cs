namespace ObjectStore.IntegrationTests.Infrastructure;

/// <summary>
/// OBJECTSTORE_INLINE_MAX_BYTES=0: hosts of tests that damage, count or follow the shard files of small
/// objects keep every object in shards (inline objects have none; InlineShardFileTests covers them).
/// </summary>
internal static class ShardBackedSetting
{
    public const string Name = ObjectStore.Hosting.ObjectStoreSettings.InlineMaxBytesSetting;
    public const string Off = "0";
}
