using System.Globalization;

namespace ObjectStore.Index.Tables;

/// <summary>
/// How a bucket's keys spread over its index partitions (docs/index-schema.md, "Partitioned buckets").
/// A key's partition is the low bits of its spreading hash (<see cref="KeySpreading"/>): index = hash &amp; (count - 1) for a
/// power-of-two count. Doubling the count splits every partition in two (index i keeps the keys whose
/// next bit is 0 and gives the others to i + count), which is what makes growing a bucket online a
/// move of half the keys of each partition, never a reshuffle. Everything about one key (its current
/// and version rows, outbox and pending-deletion rows written with them, its uploads and their parts)
/// goes to one partition, so every conditional write stays one entity-group transaction.
/// </summary>
internal static class IndexPartitions
{
    /// <summary>The most partitions a bucket can have: an upload id carries 6 bits of its key's hash (<see cref="KeySpreading"/>).</summary>
    public const int MaxCount = 1 << KeySpreading.UploadIdBits;

    /// <summary>Bucket names never hold it, so "bucket|3" can name no other bucket's partition.</summary>
    public const char Separator = '|';

    public static bool IsValidCount(int count) => count is >= 1 and <= MaxCount && (count & (count - 1)) == 0;

    public static int IndexOf(uint hash, int count) => (int)(hash & (uint)(count - 1));

    /// <summary>Index 0 is the bucket name itself, so a one-partition bucket is laid out as before partitioning existed.</summary>
    public static string PartitionKey(string bucket, int index) =>
        index == 0 ? bucket : bucket + Separator + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>Every partition key of a bucket with <paramref name="count"/> partitions, index order.</summary>
    public static IReadOnlyList<string> PartitionKeys(string bucket, int count) =>
        Enumerable.Range(0, count).Select(i => PartitionKey(bucket, i)).ToArray();

    /// <summary>The bucket a partition key belongs to.</summary>
    public static string BucketOf(string partitionKey)
    {
        var at = partitionKey.IndexOf(Separator, StringComparison.Ordinal);
        return at < 0 ? partitionKey : partitionKey[..at];
    }

    /// <summary>The partition index of a partition key (0 for the bucket name).</summary>
    public static int IndexOfPartitionKey(string partitionKey)
    {
        var at = partitionKey.IndexOf(Separator, StringComparison.Ordinal);
        return at < 0 ? 0 : int.Parse(partitionKey.AsSpan(at + 1), NumberStyles.None, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Positions of per-bucket scans (data rows, pending deletions, outbox rows) span partitions: "index:RowKey",
    /// or the bare RowKey in partition 0 (as before partitioning existed). RowKeys never hold ':'.
    /// </summary>
    public static string Position(int index, string rowKey) =>
        index == 0 ? rowKey : index.ToString(CultureInfo.InvariantCulture) + ":" + rowKey;

    /// <summary>The position of a row read from a bucket's partition.</summary>
    public static string PositionOf(Azure.Data.Tables.TableEntity row) => Position(IndexOfPartitionKey(row.PartitionKey), row.RowKey);

    /// <summary>The partition key and RowKey a position names within <paramref name="bucket"/>.</summary>
    public static (string PartitionKey, string RowKey) Address(string bucket, string position)
    {
        var (index, rowKey) = ParsePosition(position);
        return (PartitionKey(bucket, index), rowKey);
    }

    public static (int Index, string RowKey) ParsePosition(string position)
    {
        var at = position.IndexOf(':', StringComparison.Ordinal);
        return at < 0 ? (0, position) : (int.Parse(position.AsSpan(0, at), NumberStyles.None, CultureInfo.InvariantCulture), position[(at + 1)..]);
    }
}
