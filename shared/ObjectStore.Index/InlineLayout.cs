using System.Globalization;

namespace ObjectStore.Index;

/// <summary>
/// The DataLayout of a version whose data is stored in its own index row (<see cref="ObjectRecord.InlineData"/>)
/// instead of shard files: <c>in1;dataId;storedLength</c>. The data id keeps the layouts of two versions
/// distinct (conditional version updates compare layouts); the stored length is of the bytes in the row
/// (ciphertext when encrypted). Inline data owns nothing outside the row: no pending deletion is ever
/// recorded for it, data scans (repair) skip it, and removing the row removes the data.
/// </summary>
public static class InlineLayout
{
    private const string Prefix = "in1;";

    /// <summary>Most bytes one row may hold inline: one Table binary property (64 KiB).</summary>
    public const int MaxStoredBytes = 64 * 1024;

    public static bool IsInline(string? serializedLayout) => serializedLayout is not null && serializedLayout.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The bytes an inline layout says its row holds.</summary>
    public static long StoredLength(string serializedLayout) =>
        IsInline(serializedLayout) && long.TryParse(serializedLayout.AsSpan(serializedLayout.LastIndexOf(';') + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new FormatException($"Not an inline data layout: '{serializedLayout}'.");

    public static string Of(string dataId, long storedLength) =>
        Prefix + dataId + ";" + storedLength.ToString(CultureInfo.InvariantCulture);
}
