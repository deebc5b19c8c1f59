namespace ObjectStore.Index.Tables;

/// <summary>
/// Where one bucket's keys live: <see cref="Count"/> partitions, and while the bucket grows online,
/// <see cref="SplitTo"/> (docs/index-schema.md, "Growing a bucket online"). Read from the bucket's
/// routing row and cached per instance for a short time (<see cref="PartitionRouter"/>).
/// </summary>
/// <param name="Count">Partitions every key is routed by when no split runs (a power of two).</param>
/// <param name="SplitTo">The count a running split grows to; null when none runs.</param>
internal sealed record IndexRouting(int Count, int? SplitTo)
{
    public static readonly IndexRouting Single = new(1, null);

    /// <summary>Partitions that may hold rows of the bucket: every per-bucket scan and listing reads these.</summary>
    public int ScanCount => Math.Max(Count, SplitTo ?? 0);

    /// <summary>Where the rows of the key with this hash are: its home, or during a split its source and target.</summary>
    public KeyRoute Route(string bucket, uint hash)
    {
        var source = IndexPartitions.IndexOf(hash, Count);
        if (SplitTo is not { } splitTo || IndexPartitions.IndexOf(hash, splitTo) == source)
            return new KeyRoute(IndexPartitions.PartitionKey(bucket, source), null, source);
        var target = IndexPartitions.IndexOf(hash, splitTo);
        return new KeyRoute(IndexPartitions.PartitionKey(bucket, source), IndexPartitions.PartitionKey(bucket, target), target);
    }

    /// <summary>
    /// Partitions an upload of the key with this hash may live in, most likely first: an upload stays in the
    /// partition its key had when it started, i.e. the key's index under some earlier power-of-two count.
    /// </summary>
    public IReadOnlyList<string> UploadPartitions(string bucket, uint hash)
    {
        var keys = new List<string>();
        for (var count = ScanCount; count >= 1; count /= 2)
        {
            var partitionKey = IndexPartitions.PartitionKey(bucket, IndexPartitions.IndexOf(hash, count));
            if (!keys.Contains(partitionKey))
                keys.Add(partitionKey);
        }
        // The partition new uploads go to (Count, not SplitTo) first: a running split moves no upload.
        var home = IndexPartitions.PartitionKey(bucket, IndexPartitions.IndexOf(hash, Count));
        keys.Remove(home);
        keys.Insert(0, home);
        return keys;
    }
}

/// <summary>
/// A key's partition. <see cref="Home"/> holds it unless <see cref="Target"/> is set: then a split is
/// moving it from <see cref="Home"/> (the source) to <see cref="Target"/>, and the source's current row
/// (live, or a stub naming the target) says where it is now.
/// </summary>
/// <param name="TargetIndex">The partition index the key has under the larger count.</param>
internal readonly record struct KeyRoute(string Home, string? Target, int TargetIndex)
{
    public bool IsMoving => Target is not null;
}
