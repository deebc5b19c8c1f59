namespace ObjectStore.Storage;

/// <summary>One shard of one piece of data: what a shard store addresses.</summary>
/// <param name="DataId">The data's id (file-name safe).</param>
/// <param name="ShardIndex">0..k-1 for data shards, k..k+m-1 for parity.</param>
public readonly record struct ShardId(string DataId, int ShardIndex)
{
    public override string ToString() => $"{DataId}#{ShardIndex}";
}
