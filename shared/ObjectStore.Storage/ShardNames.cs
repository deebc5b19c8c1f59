using System.Globalization;

namespace ObjectStore.Storage;

/// <summary>
/// The names shard stores give shards: "{dataId}.{NN}.shard" committed and
/// "{dataId}.{NN}.{nonce}.tmp" temporary (data ids may contain dots). Shared by the disk and
/// Blob stores so a shard reads the same in listings of either.
/// </summary>
public static class ShardNames
{
    public const string ShardSuffix = ".shard";
    public const string TempSuffix = ".tmp";

    /// <summary>"{dataId}.{NN}", after validating the data id.</summary>
    public static string BaseName(ShardId id)
    {
        ShardId.ValidateDataId(id.DataId);
        return string.Create(CultureInfo.InvariantCulture, $"{id.DataId}.{id.ShardIndex:D2}");
    }

    /// <summary>"{dataId}.{NN}.shard".</summary>
    public static string Committed(ShardId id) => BaseName(id) + ShardSuffix;

    /// <summary>The shard id of a committed or temporary name; null for any other name.</summary>
    public static ShardId? TryParse(string fileName)
    {
        string stem;
        if (fileName.EndsWith(ShardSuffix, StringComparison.Ordinal))
            stem = fileName[..^ShardSuffix.Length];
        else if (fileName.EndsWith(TempSuffix, StringComparison.Ordinal))
        {
            stem = fileName[..^TempSuffix.Length];
            var nonceDot = stem.LastIndexOf('.');
            if (nonceDot < 0) return null;
            stem = stem[..nonceDot];
        }
        else return null;
        var dot = stem.LastIndexOf('.');
        if (dot <= 0 || !int.TryParse(stem.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            return null;
        return new ShardId(stem[..dot], index);
    }
}
