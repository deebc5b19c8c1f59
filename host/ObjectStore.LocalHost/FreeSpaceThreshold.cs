using System.Globalization;

namespace ObjectStore.LocalHost;

/// <summary>
/// How much free space the filesystem of the data directory must keep before the local host
/// accepts a write (<c>OBJECTSTORE_MIN_FREE_SPACE</c>): a number of bytes with an optional binary
/// suffix (<c>512M</c>, <c>1G</c>, <c>2GiB</c>, <c>1T</c>), a percentage of the filesystem
/// (<c>5%</c>), or <c>0</c> to turn the guard off.
/// </summary>
/// <remarks>
/// The default, 1 GiB, is a reserve for the local index: Azurite keeps each service's metadata in a
/// LokiJS database that every autosave (each 5 s while something changed) serializes whole into
/// <c>name~</c> and then renames over the old file, so a save needs the database's full size free
/// on top of the old copy. A local index of a few hundred MB is already a large one; 1 GiB also
/// leaves room for the deletes that are still admitted below the threshold and for uploads already
/// in flight. A percentage scales badly (5% of a 4 TB disk holds back 200 GB), so the default is a
/// size.
/// </remarks>
internal readonly record struct FreeSpaceThreshold
{
    public const string Setting = LocalHostApp.MinFreeSpaceSetting;
    public static readonly FreeSpaceThreshold Default = FromBytes(1L << 30);

    private FreeSpaceThreshold(long bytes, double percent) => (Bytes, Percent) = (bytes, percent);

    /// <summary>The reserve in bytes; 0 when it is a percentage.</summary>
    public long Bytes { get; }

    /// <summary>The reserve as a percentage of the filesystem's size (0-100); 0 when it is a size.</summary>
    public double Percent { get; }

    /// <summary>No reserve: every write is admitted.</summary>
    public bool Disabled => Bytes == 0 && Percent == 0;

    public static FreeSpaceThreshold FromBytes(long bytes) => new(bytes, 0);

    public static FreeSpaceThreshold FromPercent(double percent) => new(0, percent);

    /// <summary>The free bytes a filesystem of <paramref name="totalBytes"/> must keep.</summary>
    public long RequiredBytes(long totalBytes) =>
        Percent > 0 ? (long)Math.Ceiling(totalBytes * (Percent / 100)) : Bytes;

    /// <summary>The setting's value; <see cref="Default"/> when it is empty, an error naming the setting when it is malformed.</summary>
    public static FreeSpaceThreshold Read(IConfiguration configuration) =>
        configuration[Setting] is not { Length: > 0 } text ? Default
        : TryParse(text, out var threshold) ? threshold
        : throw new InvalidOperationException(
            $"{Setting} must be a size in bytes (e.g. 1G, 512M, 1073741824), a percentage of the filesystem (e.g. 5%) or 0 (no reserve), not '{text}'.");

    public static bool TryParse(string text, out FreeSpaceThreshold threshold)
    {
        threshold = default;
        var s = text.Trim();
        if (s.EndsWith('%'))
        {
            if (!double.TryParse(s[..^1].TrimEnd(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var percent)
                || percent > 100)
                return false;
            threshold = FromPercent(percent);
            return true;
        }

        // Optional unit: B, K, KB, KiB, M, ..., P (binary multiples, as df -h and Kubernetes' Ki/Mi/Gi).
        if (s.EndsWith("iB", StringComparison.OrdinalIgnoreCase))
            s = s[..^2];
        else if (s.EndsWith('B') || s.EndsWith('b'))
            s = s[..^1];
        var shift = s.Length == 0 ? -1 : char.ToUpperInvariant(s[^1]) switch
        {
            'K' => 10,
            'M' => 20,
            'G' => 30,
            'T' => 40,
            'P' => 50,
            _ => 0,
        };
        if (shift > 0)
            s = s[..^1];
        if (shift < 0 || !decimal.TryParse(s.TrimEnd(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            return false;
        var bytes = number * (1L << shift);
        if (bytes > long.MaxValue)
            return false;
        threshold = FromBytes((long)Math.Ceiling(bytes));
        return true;
    }

    public override string ToString() =>
        Percent > 0 ? Percent.ToString(CultureInfo.InvariantCulture) + "%" : Bytes.ToString(CultureInfo.InvariantCulture) + " bytes";
}
