namespace ObjectStore.Storage;

/// <summary>
/// The placement of one piece of stored data, recorded in the index so reads never recompute it
/// from configuration. Persisted with <see cref="Serialize"/> / <see cref="Parse"/> as one compact
/// string; the format carries a version number.
/// </summary>
/// <param name="DataId">The data's id (shard file names derive from it).</param>
/// <param name="DataShards">k.</param>
/// <param name="ParityShards">m.</param>
/// <param name="BlockSize">Bytes per shard block (one stripe holds k blocks of data).</param>
/// <param name="Length">Object bytes.</param>
/// <param name="ShardZones">Zone name of shard i, for i in 0..k+m-1.</param>
/// <param name="MissingShards">Shards not written at commit time (a degraded write), for repair.</param>
public sealed record DataLayout(
    string DataId,
    int DataShards,
    int ParityShards,
    int BlockSize,
    long Length,
    IReadOnlyList<string> ShardZones,
    IReadOnlyList<int> MissingShards)
{
    private const string FormatVersion = "v1";

    public string Serialize() =>
        string.Join(';',
            FormatVersion, DataId, $"{DataShards}+{ParityShards}", BlockSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
            string.Join(',', ShardZones), string.Join(',', MissingShards));

    public static DataLayout Parse(string text)
    {
        var f = text.Split(';');
        if (f.Length != 7 || f[0] != FormatVersion)
            throw new FormatException($"Unknown data layout format: '{text}'.");
        var km = f[2].Split('+');
        return new DataLayout(
            f[1], int.Parse(km[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(km[1], System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(f[3], System.Globalization.CultureInfo.InvariantCulture), long.Parse(f[4], System.Globalization.CultureInfo.InvariantCulture),
            f[5].Split(','), f[6].Length == 0 ? [] : f[6].Split(',').Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray());
    }
}
