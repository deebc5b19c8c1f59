namespace ObjectStore.Storage;

/// <summary>One shard of one piece of data: what a shard store addresses.</summary>
/// <param name="DataId">The data's id (file-name safe).</param>
/// <param name="ShardIndex">0..k-1 for data shards, k..k+m-1 for parity.</param>
public readonly record struct ShardId(string DataId, int ShardIndex)
{
    public override string ToString() => $"{DataId}#{ShardIndex}";

    /// <summary>
    /// Throws unless <paramref name="dataId"/> can name shard files and fit a shard header:
    /// 1..255 UTF-8 bytes, no path separators or NUL, not "." or "..".
    /// </summary>
    public static void ValidateDataId(string dataId)
    {
        ArgumentNullException.ThrowIfNull(dataId);
        var bytes = System.Text.Encoding.UTF8.GetByteCount(dataId);
        if (bytes is 0 or > ShardHeader.MaxDataIdBytes || dataId.AsSpan().IndexOfAny(['/', '\\', '\0']) >= 0 || dataId is "." or "..")
            throw new ArgumentException(
                $"Data id '{dataId}' must be 1..{ShardHeader.MaxDataIdBytes} UTF-8 bytes without '/', '\\' or NUL.", nameof(dataId));
    }
}
