namespace ObjectStore.Storage;

/// <summary>
/// Told about every shard a read found missing or corrupt (once per shard per read), so a repair
/// service can queue heal-on-read. Called on the read path: implementations must be quick and
/// must not throw (enqueue and return).
/// </summary>
public interface IDegradedReadObserver
{
    void OnBadShard(BadShardReport report);
}

/// <param name="Layout">The data being read.</param>
/// <param name="ShardIndex">The bad shard.</param>
/// <param name="Zone">Where it should have been.</param>
/// <param name="Problem">What was wrong with it.</param>
/// <param name="Stripe">The first stripe where it was found bad (-1 for the whole shard: missing or bad header).</param>
public sealed record BadShardReport(DataLayout Layout, int ShardIndex, string Zone, ShardProblem Problem, long Stripe);

public enum ShardProblem
{
    /// <summary>No such shard in its zone, or the zone is unavailable.</summary>
    Missing,
    /// <summary>The header is unreadable or describes other data.</summary>
    BadHeader,
    /// <summary>The file ends before a block it should hold.</summary>
    Truncated,
    /// <summary>A block's checksum does not match its bytes.</summary>
    ChecksumMismatch,
    /// <summary>An I/O error while reading.</summary>
    ReadError,
}
